//! Where OpenSSL's native path differs from BoringSSL's, for the shared
//! `benches/ssl-family/native.rs`.

use openssl::ssl::{SslCipherRef, SslContextBuilder, SslMethod, SslOptions, SslRef};
use wiretls_bench::harness::Setup;
use wiretls_core::ProtocolVersion;

use crate::native::err;

/// The engine's name in the records.
pub(crate) const ENGINE: &str = "openssl";

/// The method of a client context.
pub(crate) fn client_method() -> SslMethod {
    SslMethod::tls_client()
}

/// The method of a server context.
pub(crate) fn server_method() -> SslMethod {
    SslMethod::tls_server()
}

/// The setup's suite and group, and the options the engine sets.
pub(crate) fn protocol(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    let name = setup.suite.info().openssl_name;
    match setup.version {
        ProtocolVersion::Tls12 => b.set_cipher_list(name).map_err(err)?,
        ProtocolVersion::Tls13 => b.set_ciphersuites(name).map_err(err)?,
    }
    b.set_groups_list(setup.group.openssl_name().ok_or("unknown group")?).map_err(err)?;
    b.set_options(SslOptions::NO_RENEGOTIATION | SslOptions::NO_COMPRESSION);
    Ok(())
}

/// The server's preference and stateful sessions, as the engine has them.
pub(crate) fn server_options(b: &mut SslContextBuilder) {
    b.set_options(SslOptions::CIPHER_SERVER_PREFERENCE | SslOptions::NO_TICKET);
}

/// Make a connection a client or a server.
pub(crate) fn set_side(ssl: &mut SslRef, client: bool) {
    if client {
        ssl.set_connect_state();
    } else {
        ssl.set_accept_state();
    }
}

/// The IANA id of a cipher suite.
pub(crate) fn suite_id(cipher: &SslCipherRef) -> u16 {
    u16::from_be_bytes(cipher.protocol_id())
}
