//! Session resumption, and forgetting a session after a fatal alert (the
//! seed's Future Work).

use std::sync::{Arc, Mutex};

use wiretls_core::{Certificate, Engine, Error, VerifyContext};

use super::common_versions;
use crate::fixtures;
use crate::pair::{Direction, Pair};

/// Where an engine declares no resumption: two connections from the same
/// configurations are full handshakes, and that engine reports `resumed`
/// as `None` (not reported) on both.
fn assert_resumption_unreported(client: &dyn Engine, server: &dyn Engine) -> bool {
    if client.capabilities().resumption && server.capabilities().resumption {
        return false;
    }
    let c = fixtures::client();
    let s = fixtures::p256_server();
    for round in 0..2 {
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        for (engine, info) in [(client, pair.client.info()), (server, pair.server.info())] {
            let expected = if engine.capabilities().resumption { Some(false) } else { None };
            assert_eq!(info.resumed, expected, "{} round {round}: declared no resumption", engine.name());
        }
    }
    true
}

/// The fatal alert a server sends for a flipped bit in the client's next
/// record: `bad_record_mac`, read by the client.
fn server_fails(pair: &mut Pair, version: wiretls_core::ProtocolVersion) {
    pair.client.data_from_application(b"y").expect("send");
    let mut record = pair.client_out.take();
    let last = record.len() - 1;
    record[last] ^= 1;
    let expected = Error::BadTlsData {
        kind: wiretls_core::BadData::Decrypt,
        alert_sent: Some(wiretls_core::AlertDescription::BAD_RECORD_MAC),
    };
    let e = pair.server.data_from_wire(&record);
    assert_eq!(e.as_ref().err(), Some(&expected), "{version}: {e:?}");
    assert_eq!(pair.server.invalidated_by(), Some(&expected));
}

/// A second connection from the same configurations resumes; the verify
/// callback is not called for it.
pub fn resumes_second_connection(client: &dyn Engine, server: &dyn Engine) {
    if assert_resumption_unreported(client, server) {
        return;
    }
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let s = fixtures::p256_server();
        let calls = Arc::new(Mutex::new(0usize));
        for round in 0..3 {
            let counter = Arc::clone(&calls);
            let verify = move |_: &[Certificate], _: &VerifyContext<'_>| {
                *counter.lock().expect("lock") += 1;
                Ok(())
            };
            let mut pair = Pair::start(client, &c, Some(Box::new(verify)), server, &s, None).expect("start");
            pair.handshake();
            pair.client_sends(b"hello");
            pair.server_sends(b"hello");
            let resumed = round > 0;
            assert_eq!(pair.client.info().resumed, Some(resumed), "{version} round {round}");
            assert_eq!(pair.server.info().resumed, Some(resumed), "{version} round {round}");
            assert_eq!(pair.client.info().version, Some(version));
        }
        assert_eq!(*calls.lock().expect("lock"), 1, "{version}: verify ran on resumption");
    }
}

/// A connection that ends with a fatal alert drops the sessions kept for
/// that server: the next connection is a full handshake.
pub fn alert_forgets_session(client: &dyn Engine, server: &dyn Engine) {
    if assert_resumption_unreported(client, server) {
        return;
    }
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let s = fixtures::p256_server();
        let mut first = Pair::new(client, &c, server, &s);
        first.handshake();
        first.client_sends(b"x");
        first.server_sends(b"x");
        // The second connection resumes, then the server sends a fatal alert.
        let mut second = Pair::new(client, &c, server, &s);
        second.handshake();
        second.server_sends(b"x");
        assert_eq!(second.client.info().resumed, Some(true), "{version}");
        server_fails(&mut second, version);
        second.deliver(Direction::ToClient);
        super::assert_alert(second.client_log.error(), wiretls_core::AlertDescription::BAD_RECORD_MAC);
        assert_eq!(second.client.invalidated_by(), second.client_log.error(), "{version}");
        let mut third = Pair::new(client, &c, server, &s);
        third.handshake();
        assert_eq!(third.client.info().resumed, Some(false), "{version}: the session survived an alert");
    }
}

/// The server side of the same rule: a connection the server ends with a
/// fatal alert drops the session it resumed (TLS 1.2 session ids, where the
/// server's cache is the only record), even though this client kept it.
pub fn server_forgets_after_alert(client: &dyn Engine, server: &dyn Engine) {
    if assert_resumption_unreported(client, server) {
        return;
    }
    let version = wiretls_core::ProtocolVersion::Tls12;
    assert!(common_versions(client, server).contains(&version));
    let c = fixtures::client().with_versions(&[version]).expect("versions");
    let s = fixtures::p256_server();
    let mut first = Pair::new(client, &c, server, &s);
    first.handshake();
    let mut second = Pair::new(client, &c, server, &s);
    second.handshake();
    assert_eq!(second.server.info().resumed, Some(true));
    // The server fails; its alert never reaches the client, which keeps the session.
    server_fails(&mut second, version);
    second.server_out.discard();
    assert!(second.client_log.errors.is_empty());
    let mut third = Pair::new(client, &c, server, &s);
    third.handshake();
    assert_eq!(
        third.server.info().resumed,
        Some(false),
        "the server resumed a session it ended with an alert"
    );
}
