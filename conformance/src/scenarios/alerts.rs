//! Alerts: the level rules of `send_alert`, what each engine can send, and
//! alerts received.

use wiretls_core::{
    Alert, AlertDescription as A, AlertLevel, Connection, Engine, Error, Feature, InvalidatedReason,
};

use super::common_versions;
use crate::fixtures;
use crate::pair::Pair;

fn established(client: &dyn Engine, server: &dyn Engine, version: wiretls_core::ProtocolVersion) -> Pair {
    let c = fixtures::client().with_versions(&[version]).expect("versions");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    pair.handshake();
    pair
}

/// Levels the specification forbids, missing levels where it leaves the
/// choice open, and reserved codes are refused before anything is sent;
/// the connection goes on.
pub fn level_rules(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let mut pair = established(client, server, version);
        let conn: &mut Connection = &mut pair.client;
        let e = conn.send_alert(A::HANDSHAKE_FAILURE, Some(AlertLevel::Warning));
        assert!(
            matches!(e, Err(Error::InvalidAlertLevel { description: A::HANDSHAKE_FAILURE, .. })),
            "{e:?}"
        );
        let e = conn.send_alert(A::CLOSE_NOTIFY, Some(AlertLevel::Fatal));
        assert!(matches!(e, Err(Error::InvalidAlertLevel { .. })), "{e:?}");
        let e = conn.send_alert(A::DECRYPTION_FAILED_RESERVED, Some(AlertLevel::Fatal));
        assert!(matches!(e, Err(Error::ReservedAlert { .. })), "{e:?}");
        let e = conn.send_alert(A::BAD_CERTIFICATE, None);
        match version {
            wiretls_core::ProtocolVersion::Tls12 => {
                assert!(matches!(e, Err(Error::InvalidAlertLevel { level: None, .. })), "{e:?}");
            }
            wiretls_core::ProtocolVersion::Tls13 => {
                // Always fatal in TLS 1.3: the level is resolved, the engine decides.
                assert!(!matches!(e, Err(Error::InvalidAlertLevel { .. })), "{e:?}");
            }
        }
        if e.is_ok() {
            continue;
        }
        assert!(pair.client_out.is_empty(), "a refused alert reached the wire");
        pair.client_sends(b"still open");
        assert_eq!(pair.server_log.received, b"still open");
    }
}

/// An alert the engine can send reaches the peer with its code and level
/// (and a fatal one invalidates the sender); one it cannot is a typed
/// `Unsupported` that leaves the connection as it was.
pub fn send_alert_outcome(client: &dyn Engine, server: &dyn Engine) {
    for (description, level) in
        [(A::INTERNAL_ERROR, AlertLevel::Fatal), (A::USER_CANCELED, AlertLevel::Warning)]
    {
        let mut pair =
            established(client, server, *common_versions(client, server).last().expect("a version"));
        let alert = Alert { level, description };
        let result = pair.client.send_alert(description, Some(level));
        if client.capabilities().can_send(alert) {
            result.expect("a declared alert is sent");
            pair.run();
            if level == AlertLevel::Fatal {
                match pair.server_log.error() {
                    Some(Error::AlertReceived { description: d, level: l }) => {
                        assert_eq!((*d, *l), (description, level));
                    }
                    other => panic!("expected the alert, got {other:?}"),
                }
                assert!(matches!(
                    pair.client.data_from_application(b"x"),
                    Err(Error::Invalidated { reason: InvalidatedReason::AlertSent(_) })
                ));
            }
        } else {
            match result {
                Err(Error::Unsupported { engine, feature: Feature::SendAlert(d) }) => {
                    assert_eq!(engine, client.name());
                    assert_eq!(d, description);
                }
                other => panic!("expected Unsupported for {alert}, got {other:?}"),
            }
            assert!(pair.client_out.is_empty());
            pair.client_sends(b"still open");
            assert_eq!(pair.server_log.received, b"still open");
        }
    }
}

/// `send_alert(close_notify)` closes like `application_finished`.
pub fn close_notify_by_send_alert(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server, *common_versions(client, server).last().expect("a version"));
    pair.client.send_alert(A::CLOSE_NOTIFY, None).expect("close_notify");
    pair.run();
    assert!(pair.server.is_peer_closed());
    assert!(pair.client.is_peer_closed());
    assert!(matches!(
        pair.client.data_from_application(b"x"),
        Err(Error::Invalidated { reason: InvalidatedReason::Finished })
    ));
}

/// A fatal alert from the peer is `AlertReceived` with its code and level,
/// invalidates the connection and asks for an immediate close.
pub fn received_alert_is_typed(client: &dyn Engine, server: &dyn Engine) {
    let alert = Alert::fatal(A::HANDSHAKE_FAILURE).plaintext_record();
    // To a client waiting for the ServerHello.
    let out = wiretls_core::Outbox::new();
    let mut conn = fixtures::client().start(client, out.wire()).expect("start");
    out.take();
    let e = conn.data_from_wire(&alert);
    assert!(
        matches!(
            e,
            Err(Error::AlertReceived { description: A::HANDSHAKE_FAILURE, level: AlertLevel::Fatal })
        ),
        "{e:?}"
    );
    assert_eq!(out.close_requested(), Some(true));
    assert!(out.is_empty(), "no alert answers an alert");
    assert!(matches!(conn.data_from_wire(b"more"), Err(Error::Invalidated { .. })));
    let _ = server;
}

/// A fatal alert in place of a ClientHello is `AlertReceived` too.
pub fn alert_instead_of_client_hello(_client: &dyn Engine, server: &dyn Engine) {
    let out = wiretls_core::Outbox::new();
    let mut conn = fixtures::p256_server().start(server, out.wire()).expect("start");
    let e = conn.data_from_wire(&Alert::fatal(A::ACCESS_DENIED).plaintext_record());
    assert!(matches!(e, Err(Error::AlertReceived { description: A::ACCESS_DENIED, .. })), "{e:?}");
    assert!(matches!(conn.data_from_application(b"x"), Err(Error::Invalidated { .. })));
}
