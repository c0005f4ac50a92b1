//! Session resumption, and forgetting a session after a fatal alert (the
//! seed's Future Work).

use std::sync::{Arc, Mutex};

use wiretls_core::{Certificate, Engine, Error, VerifyContext};

use super::common_versions;
use crate::fixtures;
use crate::pair::{Direction, Pair};

/// A second connection from the same configurations resumes; the verify
/// callback is not called for it.
pub fn resumes_second_connection(client: &dyn Engine, server: &dyn Engine) {
    if !(client.capabilities().resumption && server.capabilities().resumption) {
        return;
    }
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let s = fixtures::p256_server();
        let calls = Arc::new(Mutex::new(0usize));
        for round in 0..3 {
            let counter = calls.clone();
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
    if !(client.capabilities().resumption && server.capabilities().resumption) {
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
        second.client.data_from_application(b"y").expect("send");
        let mut record = second.client_out.take();
        let last = record.len() - 1;
        record[last] ^= 1;
        assert!(second.server.data_from_wire(&record).is_err());
        second.deliver(Direction::ToClient);
        assert!(matches!(second.client_log.error(), Some(Error::AlertReceived { .. })), "{version}");
        let mut third = Pair::new(client, &c, server, &s);
        third.handshake();
        assert_eq!(third.client.info().resumed, Some(false), "{version}: the session survived an alert");
    }
}

/// The server side of the same rule: a connection the server ends with a
/// fatal alert drops the session it resumed (TLS 1.2 session ids, where the
/// server's cache is the only record), even though this client kept it.
pub fn server_forgets_after_alert(client: &dyn Engine, server: &dyn Engine) {
    if !(client.capabilities().resumption && server.capabilities().resumption) {
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
    assert!(second.server.data_from_wire(&crate::craft::record(0x63, 0x0303, &[0; 4])).is_err());
    second.server_out.take();
    assert!(second.client_log.errors.is_empty());
    let mut third = Pair::new(client, &c, server, &s);
    third.handshake();
    assert_eq!(
        third.server.info().resumed,
        Some(false),
        "the server resumed a session it ended with an alert"
    );
}
