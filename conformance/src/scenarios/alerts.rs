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
                let alert = Alert::fatal(A::BAD_CERTIFICATE);
                if client.capabilities().can_send(alert) {
                    e.expect("a declared alert is sent");
                    pair.run();
                    assert_received(pair.server_log.error(), alert);
                    assert!(matches!(
                        pair.client.data_from_application(b"x"),
                        Err(Error::Invalidated { reason: InvalidatedReason::AlertSent(a) }) if a == alert
                    ));
                    continue;
                }
                assert_unsupported(client, e, A::BAD_CERTIFICATE);
            }
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
                assert_received(pair.server_log.error(), alert);
                assert!(matches!(
                    pair.client.data_from_application(b"x"),
                    Err(Error::Invalidated { reason: InvalidatedReason::AlertSent(a) }) if a == alert
                ));
                assert_eq!(pair.client_out.close_requested(), Some(false), "graceful after our alert");
            } else {
                // A warning: the peer reports it with its level or ignores
                // it; either way both sides go on.
                match pair.server_log.error() {
                    None => {}
                    Some(e) => assert_received(Some(e), alert),
                }
                assert_eq!(pair.client.invalidated_by(), None, "a warning invalidated its sender");
                pair.client_sends(b"after a warning");
                assert!(pair.server_log.received.ends_with(b"after a warning"));
            }
        } else {
            assert_unsupported(client, result, description);
            assert!(pair.client_out.is_empty());
            pair.client_sends(b"still open");
            assert_eq!(pair.server_log.received, b"still open");
        }
    }
}

/// `result` is the engine's declared `Unsupported(SendAlert(description))`.
#[track_caller]
fn assert_unsupported(client: &dyn Engine, result: Result<(), Error>, description: A) {
    match result {
        Err(Error::Unsupported { engine, feature: Feature::SendAlert(d) }) => {
            assert_eq!(engine, client.name());
            assert_eq!(d, description);
        }
        other => panic!("expected Unsupported(SendAlert({description})), got {other:?}"),
    }
}

/// `error` is `AlertReceived` with exactly this description and level.
#[track_caller]
fn assert_received(error: Option<&Error>, alert: Alert) {
    match error {
        Some(Error::AlertReceived { description, level }) => {
            assert_eq!((*description, *level), (alert.description, alert.level), "the alert received");
        }
        other => panic!("expected the alert {alert}, got {other:?}"),
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
/// invalidates the connection and asks for an immediate close: to a client
/// waiting for the ServerHello, and to a TLS 1.2 server waiting for the
/// client's second flight.
pub fn received_alert_is_typed(client: &dyn Engine, server: &dyn Engine) {
    let alert = Alert::fatal(A::HANDSHAKE_FAILURE).plaintext_record();
    // To a client waiting for the ServerHello.
    let out = wiretls_core::Outbox::new();
    let mut conn = fixtures::client().start(client, out.wire()).expect("start");
    out.discard();
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
    assert_eq!(conn.invalidated_by(), e.as_ref().err());
    assert!(matches!(conn.data_from_wire(b"more"), Err(Error::Invalidated { .. })));
    // To a TLS 1.2 server waiting for the client's second flight (still in
    // the clear there).
    let version = wiretls_core::ProtocolVersion::Tls12;
    if !common_versions(client, server).contains(&version) {
        return crate::skip::skip("the pair has no TLS 1.2 in common");
    }
    let mut pair = server_answered(client, server, version);
    let e = pair.server.data_from_wire(&alert);
    let expected = Error::AlertReceived { description: A::HANDSHAKE_FAILURE, level: AlertLevel::Fatal };
    assert_eq!(e.as_ref().err(), Some(&expected), "server: {e:?}");
    assert_eq!(pair.server_out.close_requested(), Some(true));
    assert!(pair.server_out.is_empty(), "no alert answers an alert");
    assert_eq!(pair.server.invalidated_by(), Some(&expected));
    assert!(matches!(pair.server.data_from_application(b"x"), Err(Error::Invalidated { .. })));
}

/// A pair where the server answered the ClientHello and the client has not
/// seen the answer (which is dropped).
fn server_answered(client: &dyn Engine, server: &dyn Engine, version: wiretls_core::ProtocolVersion) -> Pair {
    let c = fixtures::client().with_versions(&[version]).expect("versions");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    let hello = pair.client_out.take();
    pair.server.data_from_wire(&hello).expect("ClientHello");
    assert!(!pair.server_out.take().is_empty(), "the server answered the ClientHello");
    pair
}

/// A warning alert (`user_canceled`, level 1) where it can arrive in the
/// clear (to a client waiting for the ServerHello, to a TLS 1.2 server
/// waiting for the client's second flight): an engine reports it as
/// `AlertReceived` with its real level, warning, or ignores it and the
/// handshake goes on; it is never reported as fatal.
pub fn received_warning_alert_level(client: &dyn Engine, server: &dyn Engine) {
    let warning = Alert { level: AlertLevel::Warning, description: A::USER_CANCELED };
    let record = warning.plaintext_record();
    let expected = Error::AlertReceived { description: A::USER_CANCELED, level: AlertLevel::Warning };
    // To the client.
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    let hello = pair.client_out.take();
    match pair.client.data_from_wire(&record) {
        Ok(data) => {
            assert!(data.is_empty());
            assert!(pair.client_out.is_empty(), "a warning was answered");
            pair.server.data_from_wire(&hello).expect("ClientHello");
            pair.handshake();
            pair.client_sends(b"after a warning");
            assert_eq!(pair.server_log.received, b"after a warning");
        }
        Err(e) => {
            assert_eq!(e, expected, "client: the warning's level and description");
            assert_eq!(pair.client.invalidated_by(), Some(&e));
        }
    }
    // To a TLS 1.2 server.
    let version = wiretls_core::ProtocolVersion::Tls12;
    if !common_versions(client, server).contains(&version) {
        return crate::skip::skip("the pair has no TLS 1.2 in common");
    }
    let c = fixtures::client().with_versions(&[version]).expect("versions");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    pair.deliver(crate::pair::Direction::ToServer);
    match pair.server.data_from_wire(&record) {
        Ok(data) => {
            assert!(data.is_empty());
            pair.handshake();
            pair.client_sends(b"after a warning");
            assert_eq!(pair.server_log.received, b"after a warning");
        }
        Err(e) => {
            assert_eq!(e, expected, "server: the warning's level and description");
            assert_eq!(pair.server.invalidated_by(), Some(&e));
        }
    }
}

/// A fatal alert in place of a ClientHello is `AlertReceived` too.
pub fn alert_instead_of_client_hello(_client: &dyn Engine, server: &dyn Engine) {
    let out = wiretls_core::Outbox::new();
    let mut conn = fixtures::p256_server().start(server, out.wire()).expect("start");
    let e = conn.data_from_wire(&Alert::fatal(A::ACCESS_DENIED).plaintext_record());
    let expected = Error::AlertReceived { description: A::ACCESS_DENIED, level: AlertLevel::Fatal };
    assert_eq!(e.as_ref().err(), Some(&expected), "{e:?}");
    assert!(out.is_empty(), "no alert answers an alert");
    assert_eq!(out.close_requested(), Some(true));
    assert_eq!(conn.invalidated_by(), Some(&expected));
    assert!(matches!(conn.data_from_application(b"x"), Err(Error::Invalidated { .. })));
}
