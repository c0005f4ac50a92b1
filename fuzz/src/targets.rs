//! The targets' bodies.

use std::sync::OnceLock;

use wiretls_core::{
    certificates_from_pem, AlertDescription, AlertLevel, Certificate, CertificateChain, Engine, Error,
    ProtocolVersion, TrustStore,
};

use wiretls_fuzz_common::{client_wire, established, fixtures, server_wire};

fn rustls() -> &'static dyn Engine {
    static ENGINE: OnceLock<wiretls_rustls::RustlsEngine> = OnceLock::new();
    ENGINE.get_or_init(wiretls_rustls::RustlsEngine::aws_lc_rs)
}

fn openssl() -> &'static dyn Engine {
    static ENGINE: OnceLock<wiretls_openssl::OpensslEngine> = OnceLock::new();
    ENGINE.get_or_init(wiretls_openssl::OpensslEngine::new)
}

/// A server's `data_from_wire` from its first byte, rustls.
pub fn server_wire_rustls(data: &[u8]) {
    server_wire(rustls(), data);
}

/// A server's `data_from_wire` from its first byte, OpenSSL.
pub fn server_wire_openssl(data: &[u8]) {
    server_wire(openssl(), data);
}

/// A client's `data_from_wire` after its ClientHello, rustls.
pub fn client_wire_rustls(data: &[u8]) {
    client_wire(rustls(), data);
}

/// A client's `data_from_wire` after its ClientHello, OpenSSL.
pub fn client_wire_openssl(data: &[u8]) {
    client_wire(openssl(), data);
}

/// `data_from_wire` after the handshake, either side, rustls.
pub fn established_rustls(data: &[u8]) {
    established(rustls(), data);
}

/// `data_from_wire` after the handshake, either side, OpenSSL.
pub fn established_openssl(data: &[u8]) {
    established(openssl(), data);
}

/// The same bytes to a rustls and an OpenSSL server: neither may panic, and
/// each error is typed (checked by `feed`); which one each reports may
/// differ (the conformance suite's divergences list says where it does).
pub fn server_differential(data: &[u8]) {
    server_wire(rustls(), data);
    server_wire(openssl(), data);
}

/// The strict PEM and DER loaders and what a parsed certificate answers.
pub fn pem_der(data: &[u8]) {
    let _ = CertificateChain::from_pem(data);
    let _ = TrustStore::from_pem(data);
    let _ = certificates_from_pem(data);
    if let Ok(cert) = Certificate::from_der(data.to_vec()) {
        let _ = (cert.subject_text(), cert.dns_names(), cert.ip_addresses());
        let _ = cert.matches_name(fixtures::SERVER_NAME);
    }
}

/// The SNI store's choice and the name matchers: the input is a name, a
/// zero byte, and a pattern or constraint.
pub fn names(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (name, pattern) = text.split_once('\0').unwrap_or((&text, "*.beta.wiretls.test"));
    let chosen = fixtures::sni_store().select(Some(name));
    assert!(chosen.is_some(), "the store has a default chain");
    let _ = wiretls_core::dns_name_matches(pattern, name);
    let _ = wiretls_core::engine::policy::dns_name_within(name, pattern);
}

/// The seed's alert-level rules: a code, a level (or none) and a version.
pub fn alert_levels(data: &[u8]) {
    let [code, level, version, ..] = *data else { return };
    let level = match level % 3 {
        0 => None,
        1 => Some(AlertLevel::Warning),
        _ => Some(AlertLevel::Fatal),
    };
    let version = match version % 3 {
        0 => None,
        1 => Some(ProtocolVersion::Tls12),
        _ => Some(ProtocolVersion::Tls13),
    };
    let description = AlertDescription::from_wire(code);
    match description.resolve_level(level, version) {
        Ok(resolved) => {
            if let Some(asked) = level {
                assert_eq!(resolved, asked, "{description:?}: the level asked for is the level sent");
            }
        }
        Err(Error::InvalidAlertLevel { .. } | Error::ReservedAlert { .. }) => {}
        Err(other) => panic!("{description:?} {level:?} {version:?}: {other:?}"),
    }
}
