//! Where BoringSSL's native path differs from OpenSSL's, for the shared
//! `benches/ssl-family/native.rs`.

use boring::ssl::{SslCipherRef, SslContextBuilder, SslMethod, SslOptions, SslRef};
use wiretls_bench::harness::Setup;
use wiretls_core::ProtocolVersion;

use crate::native::err;

/// The engine's name in the records.
pub(crate) const ENGINE: &str = "boring";

/// The method of a client context.
pub(crate) fn client_method() -> SslMethod {
    SslMethod::tls()
}

/// The method of a server context.
pub(crate) fn server_method() -> SslMethod {
    SslMethod::tls()
}

/// The setup's suite and group. BoringSSL offers its three TLS 1.3 suites,
/// in its own order.
pub(crate) fn protocol(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    if setup.version == ProtocolVersion::Tls12 {
        b.set_cipher_list(setup.suite.info().openssl_name).map_err(err)?;
    }
    b.set_curves_list(setup.group.openssl_name().ok_or("unknown group")?).map_err(err)?;
    Ok(())
}

/// The server's preference, as the engine has it.
pub(crate) fn server_options(b: &mut SslContextBuilder) {
    b.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
}

/// Make a connection a client or a server (the safe crate does this only
/// through its handshake helpers).
pub(crate) fn set_side(ssl: &mut SslRef, client: bool) {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live connection that has not started its handshake.
    #[allow(unsafe_code)]
    unsafe {
        if client {
            boring_sys::SSL_set_connect_state(ssl.as_ptr());
        } else {
            boring_sys::SSL_set_accept_state(ssl.as_ptr());
        }
    }
}

/// The IANA id of a cipher suite.
pub(crate) fn suite_id(cipher: &SslCipherRef) -> u16 {
    cipher.protocol_id()
}
