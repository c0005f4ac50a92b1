//! Application data both ways, sizes 0 to 1 MiB.

use wiretls_core::{Engine, ProtocolVersion};

use super::common_versions;
use crate::fixtures;
use crate::pair::Pair;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

/// Every size arrives intact, both ways, on every common version.
pub fn sizes_both_ways(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let s = fixtures::p256_server().with_versions(&[version]).expect("versions");
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        for (i, size) in [0usize, 1, 100, 16_383, 16_384, 16_385, 65_536, 1 << 20].into_iter().enumerate() {
            let up = pattern(size, i as u8);
            let down = pattern(size, 100 + i as u8);
            pair.client_sends(&up);
            pair.server_sends(&down);
            assert_eq!(pair.server_log.received.len(), size, "{version}: {size} bytes up");
            assert!(pair.server_log.received == up, "{version}: {size} bytes up differ");
            assert!(pair.client_log.received == down, "{version}: {size} bytes down differ");
            pair.server_log.received.clear();
            pair.client_log.received.clear();
        }
        assert!(pair.client_log.errors.is_empty() && pair.server_log.errors.is_empty());
    }
}

/// Data given before the handshake completes is kept and sent after it,
/// on both sides (the server's before it even saw the ClientHello).
pub fn before_handshake_is_buffered(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("versions");
        let s = fixtures::p256_server().with_versions(&[version]).expect("versions");
        let mut pair = Pair::new(client, &c, server, &s);
        pair.client.data_from_application(b"early from client").expect("client send");
        pair.server.data_from_application(b"early from server").expect("server send");
        pair.handshake();
        assert_eq!(pair.server_log.received, b"early from client", "{version}");
        assert_eq!(pair.client_log.received, b"early from server", "{version}");
    }
}

/// Many small writes arrive in order.
pub fn many_small_writes(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.handshake();
    let mut expected = Vec::new();
    for i in 0..500u32 {
        let msg = i.to_be_bytes();
        pair.client.data_from_application(&msg).expect("send");
        expected.extend_from_slice(&msg);
        if i % 50 == 0 {
            pair.run();
        }
    }
    pair.run();
    assert_eq!(pair.server_log.received, expected);
}

/// Both sides report the same negotiated parameters; the server sees the
/// SNI; the newest common version is chosen by default.
pub fn info_is_symmetric(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.handshake();
    let (ci, si) = (pair.client.info(), pair.server.info());
    assert_eq!(ci.version, si.version);
    assert_eq!(ci.version, common_versions(client, server).last().copied());
    assert_eq!(ci.cipher_suite, si.cipher_suite);
    assert_eq!(ci.key_exchange_group, si.key_exchange_group);
    assert!(ci.key_exchange_group.is_some());
    assert_eq!(si.server_name.as_deref(), Some(fixtures::SERVER_NAME));
    assert_eq!(ci.server_name.as_deref(), Some(fixtures::SERVER_NAME));
    assert_eq!(ci.side, wiretls_core::Side::Client);
    assert_eq!(si.side, wiretls_core::Side::Server);
    for (engine, info) in [(client, &ci), (server, &si)] {
        // Not reported (`None`) where an engine declares no resumption.
        assert_eq!(info.resumed, engine.capabilities().resumption.then_some(false), "{}", engine.name());
        assert!(info.handshake_complete);
    }
    assert!(ci.version >= Some(ProtocolVersion::Tls12));
}
