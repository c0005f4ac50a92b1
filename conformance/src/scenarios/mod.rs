//! The scenario groups of the design brief's section 4. Every scenario is a
//! `fn(client: &dyn Engine, server: &dyn Engine)` that panics on failure and
//! asserts the negotiated outcome, not just the absence of errors.

pub mod alerts;
pub mod callbacks;
pub mod client_auth;
pub mod close;
pub mod data;
pub mod handshake;
pub mod hostile;
pub mod policy;
pub mod resumption;
pub mod semantics;
pub mod sni;
pub mod stores;
pub mod trust;
pub mod verify;

use wiretls_core::{AlertDescription, Certificate, Error, ProtocolVersion};

/// Assert that `error` is the peer's fatal alert `expected`.
#[track_caller]
pub fn assert_alert(error: Option<&Error>, expected: AlertDescription) {
    match error {
        Some(Error::AlertReceived { description, .. }) => {
            assert_eq!(*description, expected, "received {description} where {expected} was expected");
        }
        other => panic!("expected the alert {expected}, got {other:?}"),
    }
}

/// Assert that `error` reports having sent `expected` (where it reports an alert).
#[track_caller]
pub fn assert_sent(error: Option<&Error>, expected: AlertDescription) {
    let error = error.unwrap_or_else(|| panic!("expected an error that sent {expected}"));
    assert_eq!(error.alert_sent(), Some(expected), "{error:?} should have sent {expected}");
}

/// The DER bytes of a chain, for comparing which chain was sent.
pub fn ders(chain: &[Certificate]) -> Vec<Vec<u8>> {
    chain.iter().map(|c| c.der().to_vec()).collect()
}

/// `chain` as `receiver` reports it from its peer: the whole chain, or its
/// leaf alone where the engine declares that it reports only the leaf
/// ([`Capabilities::peer_chain`](wiretls_core::Capabilities::peer_chain)).
pub fn received_ders(receiver: &dyn wiretls_core::Engine, chain: &[Certificate]) -> Vec<Vec<u8>> {
    let reported = if receiver.capabilities().peer_chain { chain } else { &chain[..chain.len().min(1)] };
    ders(reported)
}

/// The versions both engines negotiate, oldest first.
pub fn common_versions(
    client: &dyn wiretls_core::Engine,
    server: &dyn wiretls_core::Engine,
) -> Vec<ProtocolVersion> {
    let s = server.capabilities().server_versions;
    client.capabilities().versions.iter().copied().filter(|v| s.contains(v)).collect()
}
