//! Where BoringSSL differs from OpenSSL, for the sources both engines share
//! (`backends/ssl-family`): each function is the BoringSSL side of one call.

use std::sync::Arc;

use boring::ssl::{
    ErrorCode, SelectCertError, Ssl, SslCipherRef, SslContextBuilder, SslMethod, SslOptions, SslRef,
    SslSignatureAlgorithm, SslStream, SslVersion,
};
use boring::x509::verify::X509VerifyParamRef;
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{
    Alert, AlertLevel, CipherSuite, Error, Feature, NamedGroup, ProtocolVersion, ServerTls, Side,
};

use crate::errors::{engine_error, ENGINE};

/// The ticket key and revoked tickets of a server configuration.
pub(crate) type ServerExtra = Arc<crate::tickets::Tickets>;

/// A server asks its store from the select-certificate callback
/// (`hooks::select_certificate`), not the certificate callback.
pub(crate) const SERVER_CERTIFICATE_CALLBACK: bool = false;

/// The method of a client context.
pub(crate) fn client_method() -> SslMethod {
    SslMethod::tls()
}

/// The method of a server context.
pub(crate) fn server_method() -> SslMethod {
    SslMethod::tls()
}

fn unsupported(feature: Feature) -> Error {
    Error::Unsupported { engine: ENGINE, feature }
}

/// The signature algorithms a peer's handshake signatures may use: BoringSSL's
/// defaults plus Ed25519, which it leaves out unless asked.
const VERIFY_ALGORITHMS: &[SslSignatureAlgorithm] = &[
    SslSignatureAlgorithm::ECDSA_SECP256R1_SHA256,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA256,
    SslSignatureAlgorithm::RSA_PKCS1_SHA256,
    SslSignatureAlgorithm::ECDSA_SECP384R1_SHA384,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA384,
    SslSignatureAlgorithm::RSA_PKCS1_SHA384,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA512,
    SslSignatureAlgorithm::RSA_PKCS1_SHA512,
    SslSignatureAlgorithm::ED25519,
];

/// BoringSSL has its own list of suites, and always offers its three TLS 1.3
/// suites, in its own order.
pub(crate) fn check_suites(suites: &[CipherSuite], enabled: &[ProtocolVersion]) -> Result<(), Error> {
    let caps = &crate::caps::CAPABILITIES;
    if let Some(s) = suites.iter().find(|s| !caps.offers_suite(**s)) {
        return Err(unsupported(Feature::CipherSuite(*s)));
    }
    if enabled.contains(&ProtocolVersion::Tls13) {
        let tls13 = suites.iter().filter(|s| s.version() == ProtocolVersion::Tls13).count();
        let all = caps.cipher_suites.iter().filter(|s| s.version() == ProtocolVersion::Tls13).count();
        if tls13 != all {
            return Err(unsupported(Feature::Tls13SuiteSelection));
        }
    }
    Ok(())
}

/// The signature algorithms and the groups (by OpenSSL name,
/// `:`-separated) of both sides.
pub(crate) fn protocol(
    builder: &mut SslContextBuilder,
    _suites: &[CipherSuite],
    groups: Option<&str>,
) -> Result<(), Error> {
    // BoringSSL verifies Ed25519 signatures only when asked to.
    builder.set_verify_algorithm_prefs(VERIFY_ALGORITHMS).map_err(|e| engine_error(&e))?;
    if let Some(groups) = groups {
        builder.set_curves_list(groups).map_err(|e| engine_error(&e))?;
    }
    Ok(())
}

/// Verification runs in the certificate-verify callback.
pub(crate) fn verification(builder: &mut SslContextBuilder) {
    builder.set_cert_verify_callback(crate::hooks::verify);
}

/// BoringSSL has no DHE suites; the server's options.
pub(crate) fn server_options(builder: &mut SslContextBuilder, tls: &ServerTls) -> Result<(), Error> {
    if tls.dh_params().is_some() {
        return Err(unsupported(Feature::DhParams));
    }
    // The configured order is the server's preference. Sessions resume from
    // tickets (BoringSSL resumes TLS 1.3 only from tickets), sealed by
    // wiretls so that a failed connection can revoke them (`tickets`); a
    // session-id session is removed after a fatal alert
    // (`ffi::remove_session`).
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    Ok(())
}

/// The base server context asks the store from the select-certificate
/// callback, and seals its tickets with wiretls's revocable format.
pub(crate) fn server(builder: &mut SslContextBuilder) -> Result<ServerExtra, Error> {
    builder.set_select_certificate_callback(|hello| {
        let ssl = crate::ffi::ptr_of(hello.ssl());
        // RETRY suspends the handshake; the session then reports the failure.
        crate::ffi::guard(ssl, "select-certificate", Err(SelectCertError::RETRY), || {
            crate::hooks::select_certificate(hello)
        })
    });
    crate::ffi::install_ticket_sealing(builder);
    Ok(Arc::new(crate::tickets::Tickets::new().map_err(|e| engine_error(&e))?))
}

/// Make `ssl` a client or a server connection, which sheds its
/// configuration once the handshake completed (`ffi::shed_handshake_config`:
/// an idle client holds about 1.5 KB less, a server 1.3 KB).
pub(crate) fn set_side(ssl: &mut Ssl, side: Side) {
    crate::ffi::set_side(ssl, side);
    crate::ffi::shed_handshake_config(ssl);
}

/// A server connection records the tickets it issues or resumes from, so
/// that a failure can revoke them (`tickets`).
pub(crate) fn start_server(ssl: &mut Ssl, tickets: &ServerExtra) -> Result<(), Error> {
    let used = crate::tickets::ConnectionTickets { tickets: Arc::clone(tickets), used: Default::default() };
    ssl.set_ex_data(crate::ffi::tickets_index()?, Arc::new(used));
    Ok(())
}

/// Whether a handshake stopped because a certificate callback suspended it:
/// the client's (`SSL_ERROR_WANT_X509_LOOKUP`) or the server's
/// select-certificate callback (`SSL_ERROR_PENDING_CERTIFICATE`).
pub(crate) fn suspended(code: ErrorCode) -> bool {
    code == ErrorCode::WANT_X509_LOOKUP || code == ErrorCode::PENDING_CERTIFICATE
}

/// Send the KeyUpdate BoringSSL keeps for the application's next write
/// (TLS 1.3 only).
pub(crate) fn send_pending_key_update(stream: &mut SslStream<MemIo>) -> Result<(), boring::ssl::Error> {
    if stream.ssl().version2() == Some(SslVersion::TLS1_3) {
        crate::ffi::flush_queued_messages(stream.ssl());
    }
    Ok(())
}

/// BoringSSL gives back its record buffers itself when they are empty.
pub(crate) fn release_idle_buffers(_ssl: &SslRef) {}

/// BoringSSL sends fatal alerts on request (`SSL_send_fatal_alert`); a
/// warning is declared unsupported.
pub(crate) fn send_alert(ssl: &SslRef, alert: Alert) -> Result<(), Error> {
    if alert.level != AlertLevel::Fatal {
        return Err(unsupported(Feature::SendAlert(alert.description)));
    }
    if crate::ffi::send_fatal_alert(ssl, alert.description) {
        Ok(())
    } else {
        Err(engine_error(&"SSL_send_fatal_alert failed"))
    }
}

/// The IANA id of a cipher suite.
pub(crate) fn suite_id(cipher: &SslCipherRef) -> u16 {
    cipher.protocol_id()
}

/// The negotiated key-exchange group.
pub(crate) fn group(ssl: &SslRef) -> Option<NamedGroup> {
    ssl.curve().map(NamedGroup)
}

/// A failed server connection's session is removed from the cache and the
/// tickets it issued or resumed from open no more.
pub(crate) fn forget_session(ssl: &SslRef, side: Side) {
    if side == Side::Server {
        crate::ffi::remove_session(ssl);
        if let Some(tickets) = crate::ffi::tickets_index().ok().and_then(|i| ssl.ex_data(i)) {
            tickets.revoke_all();
        }
    }
}

/// Check a chain for the authentication of `presented_by`.
pub(crate) fn set_purpose(param: &mut X509VerifyParamRef, presented_by: Side) -> Result<(), Error> {
    if crate::ffi::set_purpose(param, presented_by == Side::Server) {
        Ok(())
    } else {
        Err(engine_error(&"X509_VERIFY_PARAM_set_purpose failed"))
    }
}
