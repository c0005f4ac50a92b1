//! The built-in checks: chain, host name, validity, purpose, default roots.

use wiretls_core::{
    AlertDescription as A, CertificateProblem as P, ClientTls, Engine, Error, ServerCertificateChain,
    ServerTls,
};

use super::{assert_alert, assert_sent};
use crate::fixtures;
use crate::pair::Pair;

fn server_with(name: &str) -> ServerTls {
    ServerTls::new(std::sync::Arc::new(ServerCertificateChain::from(fixtures::chain(name))))
}

#[track_caller]
fn refused(client: &dyn Engine, c: &ClientTls, server: &dyn Engine, s: &ServerTls, problem: P, alert: A) {
    let mut pair = Pair::new(client, c, server, s);
    pair.run();
    match pair.client_log.error() {
        Some(Error::PeerCertificate { problem: p, .. }) => assert_eq!(*p, problem),
        other => panic!("expected {problem:?}, got {other:?}"),
    }
    assert_sent(pair.client_log.error(), alert);
    assert_alert(pair.server_log.error(), alert);
    // Both are invalidated.
    assert!(matches!(pair.client.data_from_application(b"x"), Err(Error::Invalidated { .. })));
    assert!(matches!(pair.server.data_from_wire(b"x"), Err(Error::Invalidated { .. })));
    assert!(pair.server_log.received.is_empty() && pair.client_log.received.is_empty());
}

/// A chain from an untrusted root: `unknown_ca`.
pub fn unknown_issuer(client: &dyn Engine, server: &dyn Engine) {
    refused(
        client,
        &fixtures::client(),
        server,
        &server_with("server-untrusted.pem"),
        P::UnknownIssuer,
        A::UNKNOWN_CA,
    );
}

/// A valid chain for another name: `bad_certificate`.
pub fn wrong_host_name(client: &dyn Engine, server: &dyn Engine) {
    let c = fixtures::client_for("elsewhere.wiretls.test");
    refused(client, &c, server, &fixtures::p256_server(), P::NameMismatch, A::BAD_CERTIFICATE);
}

/// An expired leaf: `certificate_expired`.
pub fn expired(client: &dyn Engine, server: &dyn Engine) {
    refused(
        client,
        &fixtures::client(),
        server,
        &server_with("server-expired.pem"),
        P::Expired,
        A::CERTIFICATE_EXPIRED,
    );
}

/// A leaf made for client authentication only: `unsupported_certificate`.
pub fn wrong_purpose(client: &dyn Engine, server: &dyn Engine) {
    refused(
        client,
        &fixtures::client(),
        server,
        &server_with("server-wrong-eku.pem"),
        P::InvalidPurpose,
        A::UNSUPPORTED_CERTIFICATE,
    );
}

/// The default trust root is the system's: it does not trust the test root.
pub fn default_trust_root_is_real(client: &dyn Engine, server: &dyn Engine) {
    let system = wiretls_core::TrustStore::system().expect("the system trust store loads");
    assert!(system.certificates().len() > 10, "a real system store has many roots");
    let c = ClientTls::new(fixtures::SERVER_NAME).expect("client");
    refused(client, &c, server, &fixtures::p256_server(), P::UnknownIssuer, A::UNKNOWN_CA);
}

/// An IP address as the server name is checked against the IP entries and
/// sends no SNI.
pub fn ip_address_name(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client_for("127.0.0.1"), server, &fixtures::p256_server());
    pair.handshake();
    assert_eq!(pair.server.info().server_name, None);
    let c = fixtures::client_for("127.0.0.2");
    refused(client, &c, server, &fixtures::p256_server(), P::NameMismatch, A::BAD_CERTIFICATE);
}
