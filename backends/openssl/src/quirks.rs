//! Where OpenSSL differs from BoringSSL, for the sources both engines share
//! (`backends/ssl-family`): each function is the OpenSSL side of one call.

use std::ffi::c_int;

use openssl::dh::Dh;
use openssl::ssl::{
    ErrorCode, Ssl, SslCipherRef, SslContextBuilder, SslMethod, SslOptions, SslRef, SslStream,
};
use openssl::x509::verify::X509VerifyParamRef;
use openssl::x509::X509PurposeId;
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{Alert, CipherSuite, Error, Feature, NamedGroup, ProtocolVersion, ServerTls, Side};

use crate::errors::{engine_error, ENGINE};

/// What OpenSSL keeps beside a server context: nothing.
pub(crate) struct ServerExtra;

/// A server asks its store from the certificate callback, as a client does.
pub(crate) const SERVER_CERTIFICATE_CALLBACK: bool = true;

/// The method of a client context.
pub(crate) fn client_method() -> SslMethod {
    SslMethod::tls_client()
}

/// The method of a server context.
pub(crate) fn server_method() -> SslMethod {
    SslMethod::tls_server()
}

/// OpenSSL takes every suite of the table, and any choice of them.
pub(crate) fn check_suites(_suites: &[CipherSuite], _enabled: &[ProtocolVersion]) -> Result<(), Error> {
    Ok(())
}

/// The TLS 1.3 suites and the groups (by OpenSSL name, `:`-separated), and
/// the options of both sides.
pub(crate) fn protocol(
    builder: &mut SslContextBuilder,
    suites: &[CipherSuite],
    groups: Option<&str>,
) -> Result<(), Error> {
    let tls13 = crate::context::suite_names(suites, ProtocolVersion::Tls13);
    builder.set_ciphersuites(&tls13.join(":")).map_err(|e| engine_error(&e))?;
    if let Some(groups) = groups {
        builder.set_groups_list(groups).map_err(|e| engine_error(&e))?;
    }
    // No renegotiation, no compression: TLS 1.2 and 1.3 as wiretls uses them.
    builder.set_options(SslOptions::NO_RENEGOTIATION | SslOptions::NO_COMPRESSION);
    Ok(())
}

/// OpenSSL's verification runs in the certificate-verify callback that
/// `ffi::install_callbacks` installs.
pub(crate) fn verification(_builder: &mut SslContextBuilder) {}

/// The server's DH parameters and options.
pub(crate) fn server_options(builder: &mut SslContextBuilder, tls: &ServerTls) -> Result<(), Error> {
    if let Some(params) = tls.dh_params() {
        let dh = Dh::params_from_der(params.der()).map_err(|e| engine_error(&e))?;
        builder.set_tmp_dh(&dh).map_err(|e| engine_error(&e))?;
    }
    // The configured order is the server's preference, as on every engine.
    // Stateful sessions (no tickets) so that OpenSSL's removal of a session
    // after a fatal alert really ends it.
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE | SslOptions::NO_TICKET);
    Ok(())
}

/// Nothing to add to the base server context.
pub(crate) fn server(_builder: &mut SslContextBuilder) -> Result<ServerExtra, Error> {
    Ok(ServerExtra)
}

/// Make `ssl` a client or a server connection.
#[doc(alias = "SSL_set_connect_state")]
#[doc(alias = "SSL_set_accept_state")]
pub(crate) fn set_side(ssl: &mut Ssl, side: Side) {
    match side {
        Side::Client => ssl.set_connect_state(),
        Side::Server => ssl.set_accept_state(),
    }
}

/// What a server connection needs from its context beyond the `SSL_CTX`:
/// nothing on OpenSSL.
pub(crate) fn start_server(_ssl: &mut Ssl, _extra: &ServerExtra) -> Result<(), Error> {
    Ok(())
}

/// Whether a handshake stopped because the certificate callback suspended
/// it (`SSL_ERROR_WANT_X509_LOOKUP`).
pub(crate) fn suspended(code: ErrorCode) -> bool {
    code == ErrorCode::from_raw(openssl_sys::SSL_ERROR_WANT_X509_LOOKUP)
}

/// Send the KeyUpdate OpenSSL keeps for the application's next write, if
/// one waits: it is put back into the state machine, and the next
/// `SSL_do_handshake` sends it.
pub(crate) fn send_pending_key_update(stream: &mut SslStream<MemIo>) -> Result<(), openssl::ssl::Error> {
    if !crate::ffi::schedule_pending_key_update(stream.ssl()) {
        return Ok(());
    }
    match stream.do_handshake() {
        Err(e) if e.code() != ErrorCode::WANT_READ => Err(e),
        _ => Ok(()),
    }
}

/// Give back the record buffers (16 KiB each way) of a connection that has
/// read everything it was given: an idle connection holds none, and the
/// next record allocates them again. Once per read call, not per record:
/// `SSL_MODE_RELEASE_BUFFERS` frees after every record (two allocations per
/// 1 KiB write) and keeps the read buffer after a handshake record (a TLS
/// 1.3 NewSessionTicket), so an idle client held it anyway.
pub(crate) fn release_idle_buffers(ssl: &SslRef) {
    crate::ffi::free_buffers(ssl);
}

/// OpenSSL sends no alert on request: `send_alert` is declared unsupported.
pub(crate) fn send_alert(_ssl: &SslRef, alert: Alert) -> Result<(), Error> {
    Err(Error::Unsupported { engine: ENGINE, feature: Feature::SendAlert(alert.description) })
}

/// The IANA id of a cipher suite.
pub(crate) fn suite_id(cipher: &SslCipherRef) -> u16 {
    u16::from_be_bytes(cipher.protocol_id())
}

/// The negotiated key-exchange group.
pub(crate) fn group(ssl: &SslRef) -> Option<NamedGroup> {
    group_of_nid(crate::ffi::negotiated_group_nid(ssl))
}

/// Nothing beyond the client's session cache to forget on OpenSSL: a server
/// keeps stateful sessions, which OpenSSL removes after a fatal alert.
pub(crate) fn forget_session(_ssl: &SslRef, _side: Side) {}

/// Check a chain for the authentication of `presented_by`.
pub(crate) fn set_purpose(param: &mut X509VerifyParamRef, presented_by: Side) -> Result<(), Error> {
    let purpose = match presented_by {
        Side::Server => X509PurposeId::SSL_SERVER,
        Side::Client => X509PurposeId::SSL_CLIENT,
    };
    param.set_purpose(purpose).map_err(|e| engine_error(&e))
}

/// The group an OpenSSL NID names.
fn group_of_nid(nid: c_int) -> Option<NamedGroup> {
    Some(match nid {
        415 => NamedGroup::SECP256R1,
        715 => NamedGroup::SECP384R1,
        716 => NamedGroup::SECP521R1,
        1034 => NamedGroup::X25519,
        1035 => NamedGroup::X448,
        1126 => NamedGroup::FFDHE2048,
        1127 => NamedGroup::FFDHE3072,
        1128 => NamedGroup::FFDHE4096,
        _ => return None,
    })
}
