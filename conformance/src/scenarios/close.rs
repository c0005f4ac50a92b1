//! Closing: close_notify both ways, sending after finishing, truncation,
//! end of stream after a clean close, data after close_notify.

use wiretls_core::{BadData, Engine, Error, InvalidatedReason};

use crate::fixtures;
use crate::pair::Pair;

fn established(client: &dyn Engine, server: &dyn Engine) -> Pair {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.handshake();
    pair
}

/// Either side finishing: the other answers with its own close_notify,
/// both ask their transport to close gracefully, and data sent before the
/// close still arrives.
pub fn close_notify_both_ways(client: &dyn Engine, server: &dyn Engine) {
    for client_first in [true, false] {
        let mut pair = established(client, server);
        let (first, second) = if client_first {
            (&mut pair.client, &mut pair.server)
        } else {
            (&mut pair.server, &mut pair.client)
        };
        second.data_from_application(b"last words").expect("send");
        first.application_finished().expect("finish");
        first.application_finished().expect("finishing twice is harmless");
        pair.run();
        assert!(pair.client.is_peer_closed() && pair.server.is_peer_closed(), "client_first={client_first}");
        assert_eq!(pair.client_out.close_requested(), Some(false));
        assert_eq!(pair.server_out.close_requested(), Some(false));
        let received = if client_first { &pair.client_log.received } else { &pair.server_log.received };
        assert_eq!(received, b"last words");
        assert!(pair.client_log.errors.is_empty() && pair.server_log.errors.is_empty());
        assert!(matches!(pair.client_log.eof, Some(Ok(()))));
        assert!(matches!(pair.server_log.eof, Some(Ok(()))));
    }
}

/// After `application_finished`, sending is `Invalidated(Finished)`;
/// receiving goes on.
pub fn send_after_finished(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server);
    pair.client.application_finished().expect("finish");
    assert!(matches!(
        pair.client.data_from_application(b"x"),
        Err(Error::Invalidated { reason: InvalidatedReason::Finished })
    ));
    pair.server.data_from_application(b"still coming").expect("server send");
    pair.run();
    assert_eq!(pair.client_log.received, b"still coming");
}

/// The transport ending before close_notify is a truncation: typed,
/// invalidating, immediate close.
pub fn truncation(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server);
    pair.server_sends(b"partial");
    let e = pair.client.wire_eof();
    assert!(matches!(e, Err(Error::BadTlsData { kind: BadData::Truncated, alert_sent: None })), "{e:?}");
    assert_eq!(pair.client_out.close_requested(), Some(true));
    assert!(matches!(pair.client.data_from_wire(b"x"), Err(Error::Invalidated { .. })));
    assert_eq!(pair.client_log.received, b"partial");
    // During the handshake too.
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    let hello = pair.client_out.take();
    pair.server.data_from_wire(&hello[..hello.len() / 2]).expect("half a ClientHello");
    assert!(matches!(pair.server.wire_eof(), Err(Error::BadTlsData { kind: BadData::Truncated, .. })));
}

/// End of stream after the peer's close_notify is clean.
pub fn eof_after_close_is_clean(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server);
    pair.server.application_finished().expect("finish");
    pair.run();
    pair.client.wire_eof().expect("clean end");
    pair.client.wire_eof().expect("and again");
}

/// Bytes after the peer's close_notify in the same input are ignored (RFC
/// 8446 6.1): here a replayed record; later input is `Invalidated(Closed)`.
pub fn data_after_close_notify(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = established(client, server);
    pair.client.data_from_application(b"late").expect("send");
    let record = pair.client_out.take();
    pair.client.application_finished().expect("finish");
    let mut input = record.clone();
    input.extend_from_slice(&pair.client_out.take());
    input.extend_from_slice(&record);
    let received = pair.server.data_from_wire(&input).expect("data, close_notify, and more");
    assert_eq!(received, b"late", "the data before close_notify arrives once, nothing after it");
    assert!(pair.server.is_peer_closed());
    assert!(matches!(
        pair.server.data_from_wire(&record),
        Err(Error::Invalidated { reason: InvalidatedReason::Closed })
    ));
    assert!(pair.server.data_from_wire(b"").expect("empty input is fine").is_empty());
}
