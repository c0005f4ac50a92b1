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

/// A fault on `conn`, before any record protection (a fresh server, or a
/// client waiting for the ServerHello): the error is BadTlsData, the alert
/// it reports is exactly the one plaintext alert on the wire (and none is
/// on the wire when it reports none), the close is graceful after an alert
/// and immediate without one, and the connection is invalidated by it.
#[track_caller]
fn assert_fault(conn: &mut Connection, out: &Outbox, result: Result<Vec<u8>, Error>) -> Error {
    let e = match result {
        Err(e @ Error::BadTlsData { .. }) => e,
        other => panic!("expected BadTlsData, got {other:?}"),
    };
    let written = out.take();
    let plain = craft::plaintext_alerts(&written);
    match e.alert_sent() {
        Some(alert) => assert_eq!(plain, vec![(2, alert.wire())], "{e:?}: the alert on the wire"),
        None => assert!(plain.is_empty(), "{e:?} reports no alert, but {plain:?} went out"),
    }
    assert_eq!(out.close_requested(), Some(e.alert_sent().is_none()), "{e:?}: the close");
    assert_invalidated_by(conn, &e);
    e
}

/// `conn` was invalidated by `e`: `invalidated_by()` names it, and every
/// call answers `Invalidated(PreviousError(e))`.
#[track_caller]
fn assert_invalidated_by(conn: &mut Connection, e: &Error) {
    assert_eq!(conn.invalidated_by(), Some(e), "invalidated_by");
    for result in
        [conn.data_from_wire(b"\x16\x03\x03\x00\x01\x00").map(drop), conn.data_from_application(b"x")]
    {
        match result {
            Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(prev) }) => {
                assert_eq!(*prev, *e)
            }
            other => panic!("expected Invalidated by {e:?}, got {other:?}"),
        }
    }
}

/// A record cut short: kept until more arrives (the rest completes it, and
/// its data arrives once); end of stream instead is a truncation: no alert,
/// an immediate close, invalidated by it.
pub fn truncated_record(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        for complete in [true, false] {
            let mut pair = established(client, server, version);
            pair.client.data_from_application(&[7u8; 100]).expect("send");
            let record = pair.client_out.take();
            let (head, tail) = record.split_at(record.len() - 10);
            let received = pair.server.data_from_wire(head).expect("partial record is kept");
            assert!(received.is_empty(), "{version}: data before the record was complete");
            assert!(pair.server_out.is_empty(), "{version}: a partial record was answered");
            if complete {
                let received = pair.server.data_from_wire(tail).expect("the rest of the record");
                assert_eq!(received, [7u8; 100], "{version}: the completed record");
                assert!(pair.server.data_from_wire(b"").expect("nothing more").is_empty());
                assert_eq!(pair.server.invalidated_by(), None);
                continue;
            }
            let e = pair.server.wire_eof();
            let expected = Error::BadTlsData { kind: BadData::Truncated, alert_sent: None };
            assert_eq!(e.as_ref().err(), Some(&expected), "{version}: {e:?}");
            assert!(pair.server_out.is_empty(), "{version}: an alert after end of stream");
            assert_eq!(pair.server_out.close_requested(), Some(true), "{version}: the close");
            assert_invalidated_by(&mut pair.server, &expected);
        }
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
    assert_eq!(pair.server_out.close_requested(), Some(false), "{version}: a graceful close after the alert");
    pair.deliver(Direction::ToClient);
    assert_alert(pair.client_log.error(), e.alert_sent().expect("an alert"));
    assert_invalidated_by(&mut pair.server, &e);
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
                assert_invalidated_by(&mut pair.server, &e);
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
    out.discard();
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
        assert_eq!(pair.server_out.close_requested(), Some(false), "{version}: graceful after the alert");
        assert_invalidated_by(&mut pair.server, result.as_ref().expect_err("the fault"));
        pair.deliver(Direction::ToClient);
        assert_alert(pair.client_log.error(), A::BAD_RECORD_MAC);
    }
}

/// Records before the fault in the same input are delivered, once, by both
/// forms of `data_from_wire`; the fault follows.
pub fn data_before_fault_delivered_once(client: &dyn Engine, server: &dyn Engine) {
    for (version, into) in common_versions(client, server).into_iter().flat_map(|v| [(v, false), (v, true)]) {
        let mut pair = established(client, server, version);
        pair.client.data_from_application(b"first").expect("send");
        let mut input = pair.client_out.take();
        pair.client.data_from_application(b"second").expect("send");
        let mut bad = pair.client_out.take();
        let last = bad.len() - 1;
        bad[last] ^= 0x80;
        input.extend_from_slice(&bad);
        let expected = Error::BadTlsData { kind: BadData::Decrypt, alert_sent: Some(A::BAD_RECORD_MAC) };
        let e = if into {
            let mut plaintext = Vec::new();
            let e = pair.server.data_from_wire_into(&input, &mut plaintext);
            assert_eq!(plaintext, b"first", "{version}");
            e
        } else {
            assert_eq!(pair.server.data_from_wire(&input).expect("the data comes first"), b"first");
            pair.server.data_from_wire(b"").map(drop)
        };
        assert_eq!(e.as_ref().err(), Some(&expected), "{version} into={into}: {e:?}");
        assert_invalidated_by(&mut pair.server, &expected);
        pair.deliver(Direction::ToClient);
        assert_alert(pair.client_log.error(), A::BAD_RECORD_MAC);
        assert!(pair.client_log.received.is_empty(), "{version}: the client got data");
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
    // Which alert is `unknown_record_type_established`'s business.
    let fault = match pair.server.data_from_wire(&craft::record(0x63, 0x0303, &[0; 8])) {
        Err(e @ Error::BadTlsData { alert_sent: Some(_), .. }) => e,
        other => panic!("expected BadTlsData with an alert, got {other:?}"),
    };
    assert!(fault.invalidates());
    pair.deliver(Direction::ToClient);
    assert_alert(pair.client_log.error(), fault.alert_sent().expect("an alert"));
    for _ in 0..3 {
        match pair.server.data_from_wire(b"") {
            Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(e) }) => assert_eq!(*e, fault),
            other => panic!("expected Invalidated, got {other:?}"),
        }
    }
    assert!(matches!(pair.server.application_finished(), Err(Error::Invalidated { .. })));
    assert!(matches!(pair.server.proceed(), Err(Error::Invalidated { .. })));
    assert_eq!(pair.server.invalidated_by(), Some(&fault));
    assert_eq!(pair.server_out.close_requested(), Some(fault.alert_sent().is_none()), "{fault:?}: the close");
}

/// A fault on an established connection (`from` wrote nothing after it
/// but its alert): BadTlsData exactly as `expected`, a graceful close,
/// invalidated by it, and the peer reads the alert.
#[track_caller]
fn assert_established_fault(
    pair: &mut Pair,
    to_client: bool,
    result: Result<Vec<u8>, Error>,
    what: &str,
) -> Error {
    let e = match result {
        Err(e @ Error::BadTlsData { alert_sent: Some(_), .. }) => e,
        other => panic!("{what}: expected BadTlsData with an alert, got {other:?}"),
    };
    let (conn, out, direction) = if to_client {
        (&mut pair.client, &pair.client_out, Direction::ToServer)
    } else {
        (&mut pair.server, &pair.server_out, Direction::ToClient)
    };
    assert_eq!(out.close_requested(), Some(false), "{what}: {e:?}: a graceful close after the alert");
    assert_invalidated_by(conn, &e);
    pair.deliver(direction);
    let peer_log = if to_client { &pair.server_log } else { &pair.client_log };
    assert_alert(peer_log.error(), e.alert_sent().expect("an alert"));
    e
}

/// A record of an unknown content type on an established connection, to
/// the server and to the client: `unexpected_message` (RFC 5246 6, RFC 8446
/// 5), seen by the peer.
pub fn unknown_record_type_established(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        for to_client in [false, true] {
            let mut pair = established(client, server, version);
            let record = craft::record(0x63, 0x0303, &[0; 24]);
            let result = if to_client {
                pair.client.data_from_wire(&record)
            } else {
                pair.server.data_from_wire(&record)
            };
            let what = format!("{version} to the {}", if to_client { "client" } else { "server" });
            let e = assert_established_fault(&mut pair, to_client, result, &what);
            assert_eq!(
                e,
                Error::BadTlsData {
                    kind: BadData::UnexpectedMessage,
                    alert_sent: Some(A::UNEXPECTED_MESSAGE)
                },
                "{what}: got {e:?}"
            );
        }
    }
}

/// Hostile input to an established client: a flipped bit in the server's
/// record is `bad_record_mac`, an over-long record a typed fault with an
/// alert; the server reads the alert, and no data reaches the client.
pub fn hostile_input_to_established_client(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let mut pair = established(client, server, version);
        pair.server.data_from_application(b"attack at dawn").expect("send");
        let mut record = pair.server_out.take();
        let last = record.len() - 1;
        record[last] ^= 0x01;
        let result = pair.client.data_from_wire(&record);
        let e = assert_established_fault(&mut pair, true, result, &format!("{version} flipped bit"));
        assert_eq!(
            e,
            Error::BadTlsData { kind: BadData::Decrypt, alert_sent: Some(A::BAD_RECORD_MAC) },
            "{version}"
        );
        assert!(pair.client_log.received.is_empty());

        let mut pair = established(client, server, version);
        let mut huge = craft::header(23, 18_500);
        huge.extend(std::iter::repeat_n(0u8, 18_500));
        let result = pair.client.data_from_wire(&huge);
        assert_established_fault(&mut pair, true, result, &format!("{version} oversized"));
    }
}

/// Malformed alert records where alerts arrive in the clear (before the
/// ClientHello, and to a client waiting for the ServerHello): an alert of 3
/// bytes is `decode_error`, a level of 0 or 3 `illegal_parameter` (RFC 8446
/// 6: unknown levels are errors); typed, alerted in the clear, invalidating.
pub fn malformed_alert_records(client: &dyn Engine, server: &dyn Engine) {
    let cases: [(&str, Vec<u8>, BadData, A); 3] = [
        ("level 0", craft::record(21, 0x0303, &[0, 40]), BadData::IllegalParameter, A::ILLEGAL_PARAMETER),
        ("level 3", craft::record(21, 0x0303, &[3, 40]), BadData::IllegalParameter, A::ILLEGAL_PARAMETER),
        ("length 3", craft::record(21, 0x0303, &[2, 40, 0]), BadData::Decode, A::DECODE_ERROR),
    ];
    for (what, record, kind, alert) in &cases {
        let expected = Error::BadTlsData { kind: *kind, alert_sent: Some(*alert) };
        let (mut conn, out) = fresh_server(server);
        let result = conn.data_from_wire(record);
        assert!(matches!(result, Err(Error::BadTlsData { .. })), "server, {what}: got {result:?}");
        let e = assert_fault(&mut conn, &out, result);
        assert_eq!(e, expected, "server, {what}: got {e:?}");

        let out = Outbox::new();
        let mut conn = fixtures::client().start(client, out.wire()).expect("start");
        out.discard();
        let result = conn.data_from_wire(record);
        assert!(matches!(result, Err(Error::BadTlsData { .. })), "client, {what}: got {result:?}");
        let e = assert_fault(&mut conn, &out, result);
        assert_eq!(e, expected, "client, {what}: got {e:?}");
    }
}

/// A record longer than TLS allows in place of the ClientHello:
/// `record_overflow` in the clear, a typed fault, invalidation.
pub fn oversized_record_before_client_hello(_client: &dyn Engine, server: &dyn Engine) {
    let (mut conn, out) = fresh_server(server);
    let mut huge = craft::header(22, 18_500);
    huge.extend(std::iter::repeat_n(0u8, 18_500));
    let result = conn.data_from_wire(&huge);
    let e = assert_fault(&mut conn, &out, result);
    assert_eq!(e, Error::BadTlsData { kind: BadData::RecordOverflow, alert_sent: Some(A::RECORD_OVERFLOW) });
}

/// How many records of a flood an engine takes before it refuses the
/// flood, at most.
const FLOOD: usize = 100;

/// Feed `record` to a fresh server up to [`FLOOD`] times, one call each:
/// the fault that ends the flood and how many records were taken first.
fn flood(server: &dyn Engine, record: &[u8], what: &str) -> (Error, usize) {
    let (mut conn, out) = fresh_server(server);
    for taken in 0..FLOOD {
        match conn.data_from_wire(record) {
            Ok(data) => {
                assert!(data.is_empty(), "{what}: data from a flood");
                assert!(out.is_empty(), "{what}: the server answered record {taken}");
            }
            result @ Err(_) => return (assert_fault(&mut conn, &out, result.map(|_| Vec::new())), taken),
        }
    }
    panic!("{what}: {} took {FLOOD} records without refusing the flood", server.name())
}

/// Warning alerts in a row before the ClientHello: the engine refuses the
/// flood after a few (rustls and BoringSSL take 4, OpenSSL 4 too) with
/// `unexpected_message`; it never takes them forever.
pub fn warning_alert_flood(_client: &dyn Engine, server: &dyn Engine) {
    let warning =
        wiretls_core::Alert { level: wiretls_core::AlertLevel::Warning, description: A::USER_CANCELED };
    let (e, taken) = flood(server, &warning.plaintext_record(), "warning alerts");
    assert_eq!(
        e,
        Error::BadTlsData { kind: BadData::UnexpectedMessage, alert_sent: Some(A::UNEXPECTED_MESSAGE) }
    );
    assert!(taken <= 5, "{} took {taken} warning alerts", server.name());
}

/// Empty records in a row before the ClientHello (handshake records, which
/// RFC 8446 5.1 forbids, and application data): refused with a typed fault
/// and an alert, never taken forever.
pub fn empty_record_flood(_client: &dyn Engine, server: &dyn Engine) {
    for content_type in [22u8, 23] {
        let what = format!("empty records of type {content_type}");
        let (e, taken) = flood(server, &craft::record(content_type, 0x0303, &[]), &what);
        assert!(matches!(e, Error::BadTlsData { alert_sent: Some(_), .. }), "{what}: {e:?}");
        assert!(taken <= 32, "{what}: {} took {taken}", server.name());
        eprintln!("{what}: {} took {taken}, then {e:?}", server.name());
    }
}

/// Bytes of an endless ClientHello a server may take before it refuses it.
const ENDLESS_LIMIT: usize = 256 * 1024;

/// A ClientHello that claims 16 MiB and keeps coming in full 16 KiB
/// records: refused with a typed fault and an alert after at most
/// 256 KiB, without an answer before; a connection never
/// buffers a handshake message without bound.
pub fn endless_handshake_message(_client: &dyn Engine, server: &dyn Engine) {
    let (mut conn, out) = fresh_server(server);
    let mut first = vec![0x01, 0xff, 0xff, 0xff, 0x03, 0x03];
    first.resize(16 * 1024, 0);
    let rest = vec![0u8; 16 * 1024];
    let mut fed = 0;
    for i in 0..64 {
        let record = craft::record(22, 0x0301, if i == 0 { &first } else { &rest });
        fed += record.len();
        match conn.data_from_wire(&record) {
            Ok(data) => {
                assert!(
                    data.is_empty() && out.is_empty(),
                    "{}: an answer to a partial ClientHello",
                    server.name()
                );
            }
            result @ Err(_) => {
                let e = assert_fault(&mut conn, &out, result.map(|_| Vec::new()));
                assert!(matches!(e, Error::BadTlsData { alert_sent: Some(_), .. }), "{e:?}");
                assert!(fed <= ENDLESS_LIMIT, "{} took {fed} bytes of an endless ClientHello", server.name());
                eprintln!("endless ClientHello: {} refused it after {fed} bytes with {e:?}", server.name());
                return;
            }
        }
    }
    panic!("{} took {fed} bytes of an endless ClientHello without refusing it", server.name());
}
