//! Hostile input: every fault gives a typed error, the alert TLS requires,
//! invalidation, no panic; data that arrived before the fault is delivered
//! exactly once.

use wiretls_core::{AlertDescription as A, BadData, Connection, Engine, Error, InvalidatedReason, Outbox};

use super::{assert_alert, common_versions};
use crate::craft;
use crate::fixtures;
use crate::pair::{split_into, Direction, Pair};

fn established(client: &dyn Engine, server: &dyn Engine, version: wiretls_core::ProtocolVersion) -> Pair {
    let c = fixtures::client().with_versions(&[version]).expect("versions");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    pair.handshake();
    pair
}

fn fresh_server(server: &dyn Engine) -> (Connection, Outbox) {
    let out = Outbox::new();
    let conn = fixtures::p256_server().start(server, out.wire()).expect("start");
    (conn, out)
}

/// A fault on `conn`: the error is BadTlsData, the alert it reports is the
/// one on the wire (when it is readable), and the connection is invalidated.
#[track_caller]
fn assert_fault(conn: &mut Connection, out: &Outbox, result: Result<Vec<u8>, Error>) -> Error {
    let e = match result {
        Err(e @ Error::BadTlsData { .. }) => e,
        other => panic!("expected BadTlsData, got {other:?}"),
    };
    let written = out.take();
    if let Some(alert) = e.alert_sent() {
        let plain = craft::plaintext_alerts(&written);
        if !plain.is_empty() {
            assert_eq!(plain, vec![(2, alert.wire())], "the alert on the wire");
        }
    }
    assert!(out.close_requested().is_some());
    match conn.data_from_wire(b"\x16\x03\x03\x00\x01\x00") {
        Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(prev) }) => assert_eq!(*prev, e),
        other => panic!("expected Invalidated, got {other:?}"),
    }
    assert!(matches!(conn.data_from_application(b"x"), Err(Error::Invalidated { .. })));
    e
}

/// A record cut short: kept until more arrives; end of stream then is a truncation.
pub fn truncated_record(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let mut pair = established(client, server, version);
        pair.client.data_from_application(&[7u8; 100]).expect("send");
        let record = pair.client_out.take();
        let received =
            pair.server.data_from_wire(&record[..record.len() - 10]).expect("partial record is kept");
        assert!(received.is_empty());
        assert!(matches!(pair.server.wire_eof(), Err(Error::BadTlsData { kind: BadData::Truncated, .. })));
    }
}

fn oversized(
    client: &dyn Engine,
    server: &dyn Engine,
    version: wiretls_core::ProtocolVersion,
) -> (Pair, Error) {
    let mut pair = established(client, server, version);
    let mut huge = craft::header(23, 18_500);
    huge.extend(std::iter::repeat_n(0u8, 18_500));
    let result = pair.server.data_from_wire(&huge);
    let e = match result {
        Err(e @ Error::BadTlsData { alert_sent: Some(_), .. }) => e,
        other => panic!("{version}: expected BadTlsData with an alert, got {other:?}"),
    };
    pair.deliver(Direction::ToClient);
    assert_alert(pair.client_log.error(), e.alert_sent().expect("an alert"));
    assert!(matches!(pair.server.data_from_wire(b""), Err(Error::Invalidated { .. })));
    (pair, e)
}

/// A record longer than TLS allows (2^14 + 2048 bytes): a typed fault, an
/// alert the peer sees, invalidation.
pub fn oversized_record(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        oversized(client, server, version);
    }
}

/// The alert for an over-long record is `record_overflow` (RFC 5246 6.2.3,
/// RFC 8446 5.2).
pub fn oversized_record_alert(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let (_, e) = oversized(client, server, version);
        assert!(
            matches!(
                e,
                Error::BadTlsData { kind: BadData::RecordOverflow, alert_sent: Some(A::RECORD_OVERFLOW) }
            ),
            "{version}: {e:?}"
        );
    }
}

/// Zero-length handshake and alert records before the ClientHello, which
/// the protocol forbids sending: an engine may ignore them (then the
/// handshake that follows completes) or fail with a typed fault and an
/// alert the client sees; nothing else.
pub fn zero_length_records(client: &dyn Engine, server: &dyn Engine) {
    for content_type in [22u8, 21] {
        let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
        match pair.server.data_from_wire(&craft::record(content_type, 0x0303, &[])) {
            Ok(data) => {
                assert!(data.is_empty());
                pair.handshake();
            }
            Err(e) => {
                assert!(
                    matches!(e, Error::BadTlsData { alert_sent: Some(_), .. }),
                    "type {content_type}: {e:?}"
                );
                pair.run();
                assert_alert(pair.client_log.error(), e.alert_sent().expect("an alert"));
            }
        }
    }
}

/// A record of an unknown content type, and application data before the
/// handshake: `unexpected_message` or `decode_error`.
pub fn wrongly_typed_record(_client: &dyn Engine, server: &dyn Engine) {
    for content_type in [0x63u8, 23] {
        let (mut conn, out) = fresh_server(server);
        let result = conn.data_from_wire(&craft::record(content_type, 0x0303, &[1, 2, 3, 4]));
        let e = assert_fault(&mut conn, &out, result);
        assert!(
            matches!(e.alert_sent(), Some(A::UNEXPECTED_MESSAGE | A::DECODE_ERROR)),
            "type {content_type}: {e:?}"
        );
    }
}

/// Garbage where a ClientHello or ServerHello belongs: `decode_error` (or
/// `unexpected_message`), seen by the peer.
pub fn garbage_handshake(client: &dyn Engine, server: &dyn Engine) {
    let (mut conn, out) = fresh_server(server);
    let result = conn.data_from_wire(&craft::record(
        22,
        0x0303,
        &[1, 0, 0, 12, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7],
    ));
    let e = assert_fault(&mut conn, &out, result);
    assert!(
        matches!(e.alert_sent(), Some(A::DECODE_ERROR | A::ILLEGAL_PARAMETER | A::UNEXPECTED_MESSAGE)),
        "{e:?}"
    );
    // A client given garbage for a ServerHello.
    let out = Outbox::new();
    let mut conn = fixtures::client().start(client, out.wire()).expect("start");
    out.take();
    let result = conn.data_from_wire(&craft::record(22, 0x0303, &[2, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]));
    assert_fault(&mut conn, &out, result);
}

/// One flipped bit in a protected record: `bad_record_mac`, seen by the peer.
pub fn flipped_ciphertext_bit(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let mut pair = established(client, server, version);
        pair.client.data_from_application(b"attack at dawn").expect("send");
        let mut record = pair.client_out.take();
        let last = record.len() - 1;
        record[last] ^= 0x01;
        let result = pair.server.data_from_wire(&record);
        match &result {
            Err(Error::BadTlsData { kind: BadData::Decrypt, alert_sent: Some(A::BAD_RECORD_MAC) }) => {}
            other => panic!("{version}: expected bad_record_mac, got {other:?}"),
        }
        assert!(pair.server_log.received.is_empty());
        pair.deliver(Direction::ToClient);
        assert_alert(pair.client_log.error(), A::BAD_RECORD_MAC);
    }
}

/// Records before the fault in the same input are delivered, once, by both
/// forms of `data_from_wire`; the fault follows.
pub fn data_before_fault_delivered_once(client: &dyn Engine, server: &dyn Engine) {
    for into in [false, true] {
        let mut pair =
            established(client, server, *common_versions(client, server).last().expect("a version"));
        pair.client.data_from_application(b"first").expect("send");
        let mut input = pair.client_out.take();
        pair.client.data_from_application(b"second").expect("send");
        let mut bad = pair.client_out.take();
        let last = bad.len() - 1;
        bad[last] ^= 0x80;
        input.extend_from_slice(&bad);
        if into {
            let mut plaintext = Vec::new();
            let e = pair.server.data_from_wire_into(&input, &mut plaintext);
            assert_eq!(plaintext, b"first");
            assert!(matches!(e, Err(Error::BadTlsData { kind: BadData::Decrypt, .. })), "{e:?}");
        } else {
            assert_eq!(pair.server.data_from_wire(&input).expect("the data comes first"), b"first");
            let e = pair.server.data_from_wire(b"");
            assert!(matches!(e, Err(Error::BadTlsData { kind: BadData::Decrypt, .. })), "{e:?}");
        }
        let again = pair.server.data_from_wire(b"");
        assert!(matches!(again, Err(Error::Invalidated { .. })), "{again:?}");
    }
}

/// Every flight cut into 1-byte pieces: the handshake and data still work.
pub fn one_byte_fragments(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
        pair.set_tamper(split_into(1));
        pair.handshake();
        pair.client_sends(b"one byte at a time");
        pair.server_sends(b"likewise");
        assert_eq!(pair.server_log.received, b"one byte at a time");
        assert_eq!(pair.client_log.received, b"likewise");
        for log in [&pair.server_log, &pair.client_log] {
            assert_eq!(log.deliveries, log.bytes, "every piece is one byte");
            assert!(log.bytes > 100);
        }
    }
}

/// TLS 1.0 and TLS 1.1 ClientHellos: `protocol_version`.
pub fn old_versions_refused(_client: &dyn Engine, server: &dyn Engine) {
    refuse_versions(server, &[0x0301, 0x0302]);
}

/// An SSL 3.0 ClientHello: `protocol_version`.
pub fn ssl3_refused(_client: &dyn Engine, server: &dyn Engine) {
    refuse_versions(server, &[0x0300]);
}

fn refuse_versions(server: &dyn Engine, versions: &[u16]) {
    for &version in versions {
        let (mut conn, out) = fresh_server(server);
        let hello = craft::client_hello(version, &[0xc02b, 0xc02f, 0x002f], fixtures::SERVER_NAME);
        let result = conn.data_from_wire(&hello);
        let e = assert_fault(&mut conn, &out, result);
        assert!(
            matches!(
                e,
                Error::BadTlsData {
                    kind: BadData::UnsupportedVersion,
                    alert_sent: Some(A::PROTOCOL_VERSION)
                }
            ),
            "{version:#06x}: {e:?}"
        );
    }
}

/// A ClientHello offering only weak suites (static RSA, CBC, 3DES, RC4):
/// `handshake_failure`.
pub fn weak_suites_refused(_client: &dyn Engine, server: &dyn Engine) {
    let (mut conn, out) = fresh_server(server);
    let hello = craft::client_hello(0x0303, &[0x002f, 0x0035, 0x000a, 0x0005, 0xc013], fixtures::SERVER_NAME);
    let result = conn.data_from_wire(&hello);
    let e = assert_fault(&mut conn, &out, result);
    assert!(
        matches!(
            e,
            Error::BadTlsData { kind: BadData::NoCommonParameters, alert_sent: Some(A::HANDSHAKE_FAILURE) }
        ),
        "{e:?}"
    );
}

/// After a fault every call is `Invalidated`, naming the fault; the
/// transport was asked to close once.
pub fn invalidated_after_fault(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server, *common_versions(client, server).last().expect("a version"));
    let fault = pair.server.data_from_wire(&craft::record(0x63, 0x0303, &[0; 8])).expect_err("a fault");
    assert!(fault.invalidates());
    for _ in 0..3 {
        match pair.server.data_from_wire(b"") {
            Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(e) }) => assert_eq!(*e, fault),
            other => panic!("expected Invalidated, got {other:?}"),
        }
    }
    assert!(matches!(pair.server.application_finished(), Err(Error::Invalidated { .. })));
    assert!(matches!(pair.server.resume(), Err(Error::Invalidated { .. })));
    assert!(pair.server_out.close_requested().is_some());
}
