//! Handshakes: every version x suite x key type both engines offer, groups,
//! ALPN, and refusals.

use wiretls_core::{CipherSuite, Engine, Error, Feature, KeyExchange, NamedGroup, ProtocolVersion};

use super::{assert_alert, ders, received_ders};
use crate::fixtures;
use crate::pair::Pair;
use crate::table::{both_offer, TABLE};

/// Each row of the table both engines offer negotiates exactly that suite,
/// version and chain. An engine that cannot choose its TLS 1.3 suites
/// offers all of them; the other side's choice decides. Where neither can
/// choose, the row is checked as "some TLS 1.3 suite" with that key type.
pub fn every_suite_and_key_type(client: &dyn Engine, server: &dyn Engine) {
    let mut ran = 0;
    for row in TABLE {
        if !both_offer(client.capabilities(), server.capabilities(), row) {
            continue;
        }
        let pin = |engine: &dyn Engine| {
            row.version() == ProtocolVersion::Tls12 || engine.capabilities().tls13_suite_selection
        };
        let only = [row.suite];
        let all13: Vec<CipherSuite> =
            CipherSuite::ALL.iter().copied().filter(|s| s.version() == ProtocolVersion::Tls13).collect();
        let suites = |engine: &dyn Engine| if pin(engine) { only.to_vec() } else { all13.clone() };
        let c = fixtures::client()
            .with_versions(&[row.version()])
            .expect("versions")
            .with_cipher_suites(&suites(client));
        let mut s = fixtures::server(row.key)
            .with_versions(&[row.version()])
            .expect("versions")
            .with_cipher_suites(&suites(server));
        if row.suite.info().key_exchange == KeyExchange::Dhe {
            s = s.with_dh_params(
                wiretls_core::DhParams::from_pem(fixtures::pem("ffdhe2048.pem")).expect("dh params"),
            );
        }
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        for info in [pair.client.info(), pair.server.info()] {
            assert_eq!(info.version, Some(row.version()), "{row:?}: version");
            if pin(client) || pin(server) {
                assert_eq!(info.cipher_suite, Some(row.suite), "{row:?}: suite");
            } else {
                assert!(info.cipher_suite.is_some_and(|s| s.version() == row.version()), "{row:?}: suite");
            }
            assert!(info.handshake_complete);
        }
        let sent = fixtures::server_chain(row.key);
        assert_eq!(
            ders(pair.client.peer_certificates()),
            received_ders(client, sent.certificates()),
            "{row:?}: chain"
        );
        assert!(pair.server.peer_certificates().is_empty());
        assert_eq!(pair.client.info().key_exchange_group, pair.server.info().key_exchange_group);
        ran += 1;
    }
    assert!(ran >= 4, "only {ran} combinations in common");
}

/// Restricting the TLS 1.3 suites works where declared, and is a typed
/// `Unsupported(Tls13SuiteSelection)` where not.
pub fn tls13_suite_selection(client: &dyn Engine, server: &dyn Engine) {
    let suite = CipherSuite::TLS13_CHACHA20_POLY1305_SHA256;
    let c = fixtures::client().with_cipher_suites(&[suite]);
    let s = fixtures::p256_server().with_cipher_suites(&[suite]);
    let out = wiretls_core::Outbox::new();
    for (engine, started) in
        [(client, c.start(client, out.wire()).map(drop)), (server, s.start(server, out.wire()).map(drop))]
    {
        match (engine.capabilities().tls13_suite_selection, started) {
            (true, Ok(())) => {}
            (false, Err(Error::Unsupported { engine: name, feature: Feature::Tls13SuiteSelection })) => {
                assert_eq!(name, engine.name());
            }
            // An engine that cannot choose any suite says so.
            (false, Err(Error::Unsupported { engine: name, feature: Feature::CipherSuiteSelection }))
                if !engine.capabilities().cipher_suite_selection =>
            {
                assert_eq!(name, engine.name());
            }
            (declared, other) => panic!("{}: declared {declared}, got {other:?}", engine.name()),
        }
    }
    if client.capabilities().tls13_suite_selection && server.capabilities().tls13_suite_selection {
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        assert_eq!(pair.client.info().cipher_suite, Some(suite));
    }
}

/// Every group both engines offer can be the only one, and is reported by both.
pub fn every_common_group(client: &dyn Engine, server: &dyn Engine) {
    let groups: Vec<_> = client
        .capabilities()
        .groups
        .iter()
        .filter(|g| server.capabilities().groups.contains(g))
        .copied()
        .collect();
    assert!(!groups.is_empty());
    for group in groups {
        let c = fixtures::client().with_groups(&[group]);
        let s = fixtures::p256_server().with_groups(&[group]);
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        assert_eq!(pair.client.info().key_exchange_group, Some(group));
        assert_eq!(pair.server.info().key_exchange_group, Some(group));
    }
}

/// A server that accepts one group the client offers but sent no key share
/// for asks again (a TLS 1.3 HelloRetryRequest) and uses its certificate
/// store's answer for the second ClientHello too: both ends report the
/// server's group.
pub fn server_group_forces_hello_retry(client: &dyn Engine, server: &dyn Engine) {
    let group = NamedGroup::SECP256R1;
    let s = fixtures::p256_server().with_groups(&[group]);
    let mut pair = Pair::new(client, &fixtures::client(), server, &s);
    pair.handshake();
    assert_eq!(pair.client.info().key_exchange_group, Some(group));
    assert_eq!(pair.server.info().key_exchange_group, Some(group));
}

/// The ClientHello reaches the wire before `start` returns.
pub fn first_flight_before_start_returns(client: &dyn Engine, server: &dyn Engine) {
    let out = wiretls_core::Outbox::new();
    let conn = fixtures::client().start(client, out.wire()).expect("start");
    let hello = out.take();
    assert!(hello.len() > 40, "no ClientHello written");
    assert_eq!(hello[0], 22, "first record is not a handshake record");
    assert_eq!(hello[5], 1, "first message is not a ClientHello");
    assert!(conn.is_handshaking());
    // The server writes nothing before the ClientHello.
    let out = wiretls_core::Outbox::new();
    let conn = fixtures::p256_server().start(server, out.wire()).expect("start");
    assert!(out.is_empty());
    assert!(conn.is_handshaking());
}

/// A suite the engine does not offer is refused with a typed Unsupported
/// when the configuration is used, never silently dropped.
pub fn unsupported_suites_are_refused(client: &dyn Engine, server: &dyn Engine) {
    for engine in [client, server] {
        let caps = engine.capabilities();
        for suite in CipherSuite::ALL.iter().filter(|s| !caps.offers_suite(**s)) {
            let c = fixtures::client().with_cipher_suites(&[*suite]);
            let out = wiretls_core::Outbox::new();
            match c.start(engine, out.wire()) {
                Err(Error::Unsupported { engine: name, feature: Feature::CipherSuite(s) }) => {
                    assert_eq!(name, caps.engine);
                    assert_eq!(s, *suite);
                }
                // An engine that cannot choose suites refuses every choice.
                Err(Error::Unsupported { engine: name, feature: Feature::CipherSuiteSelection })
                    if !caps.cipher_suite_selection =>
                {
                    assert_eq!(name, caps.engine);
                }
                other => panic!("{suite:?} on {}: expected Unsupported, got {other:?}", caps.engine),
            }
        }
    }
}

/// No suite in common: the server refuses with `handshake_failure` (TLS 1.2
/// suites, and TLS 1.3 suites where both engines can choose them).
pub fn no_common_suite(client: &dyn Engine, server: &dyn Engine) {
    let mut cases = vec![(
        ProtocolVersion::Tls12,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    )];
    if client.capabilities().tls13_suite_selection && server.capabilities().tls13_suite_selection {
        cases.push((
            ProtocolVersion::Tls13,
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        ));
    }
    for (version, ours, theirs) in cases {
        let c = fixtures::client().with_versions(&[version]).expect("versions").with_cipher_suites(&[ours]);
        let s = fixtures::p256_server()
            .with_versions(&[version])
            .expect("versions")
            .with_cipher_suites(&[theirs]);
        let mut pair = Pair::new(client, &c, server, &s);
        pair.run();
        assert!(
            matches!(
                pair.server_log.error(),
                Some(Error::BadTlsData { kind: wiretls_core::BadData::NoCommonParameters, .. })
            ),
            "{version}: server: {:?}",
            pair.server_log.errors
        );
        assert_alert(pair.client_log.error(), wiretls_core::AlertDescription::HANDSHAKE_FAILURE);
        assert!(pair.client.is_handshaking() && pair.server.is_handshaking());
    }
}

/// A TLS 1.2-only client and a TLS 1.3-only server do not meet: `protocol_version`.
pub fn version_mismatch(client: &dyn Engine, server: &dyn Engine) {
    let c = fixtures::client().with_versions(&[ProtocolVersion::Tls12]).expect("versions");
    let s = fixtures::p256_server().with_versions(&[ProtocolVersion::Tls13]).expect("versions");
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    assert!(
        matches!(
            pair.server_log.error(),
            Some(Error::BadTlsData { kind: wiretls_core::BadData::UnsupportedVersion, .. })
        ),
        "server: {:?}",
        pair.server_log.errors
    );
    assert_alert(pair.client_log.error(), wiretls_core::AlertDescription::PROTOCOL_VERSION);
}

/// ALPN: the server's preference among the client's offers; none in common
/// is `no_application_protocol`.
pub fn alpn(client: &dyn Engine, server: &dyn Engine) {
    let c = fixtures::client().with_alpn_protocols(&["h2", "http/1.1"]).expect("ALPN names");
    let s = fixtures::p256_server().with_alpn_protocols(&["http/1.1", "h2"]).expect("ALPN names");
    if !(client.capabilities().alpn && server.capabilities().alpn) {
        // An engine without ALPN neither offers nor selects a protocol (RFC
        // 7301 3.2: a server without it ignores the extension): the
        // handshake completes without one on both sides.
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        assert_eq!(pair.client.info().alpn_protocol, None, "ALPN declared unsupported");
        assert_eq!(pair.server.info().alpn_protocol, None, "ALPN declared unsupported");
        return;
    }
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    let chosen = pair.client.info().alpn_protocol.clone();
    // The server's preference among the client's offers.
    assert_eq!(chosen.as_deref(), Some(&b"http/1.1"[..]), "the server's preference");
    assert_eq!(chosen, pair.server.info().alpn_protocol.clone());
    let s = fixtures::p256_server().with_alpn_protocols(&["spdy/3"]).expect("ALPN names");
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    assert_alert(pair.client_log.error(), wiretls_core::AlertDescription::NO_APPLICATION_PROTOCOL);
}

/// `dh_params`: DHE suites work where the server engine declares them, and
/// are a typed `Unsupported` where it does not; DHE suites without
/// parameters are a configuration error on every engine.
pub fn dh_params(client: &dyn Engine, server: &dyn Engine) {
    let params = wiretls_core::DhParams::from_pem(fixtures::pem("ffdhe2048.pem")).expect("dh params");
    let suite = CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256;
    let out = wiretls_core::Outbox::new();
    let without = fixtures::server(wiretls_core::KeyType::Rsa).with_cipher_suites(&[suite]);
    assert!(matches!(
        without.start(server, out.wire()),
        Err(Error::Config(wiretls_core::ConfigError::DhSuiteWithoutParams(s))) if s == suite
    ));
    let s = fixtures::server(wiretls_core::KeyType::Rsa).with_dh_params(params);
    if !server.capabilities().dh_params {
        match s.start(server, out.wire()) {
            Err(Error::Unsupported { engine, feature: Feature::DhParams }) => {
                assert_eq!(engine, server.name())
            }
            other => panic!("expected Unsupported(DhParams), got {other:?}"),
        }
        return;
    }
    let s = s.with_versions(&[ProtocolVersion::Tls12]).expect("versions").with_cipher_suites(&[suite]);
    if client.capabilities().offers_suite(suite) {
        let c = fixtures::client().with_cipher_suites(&[suite]);
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        assert_eq!(pair.server.info().cipher_suite, Some(suite));
        assert_eq!(pair.client.info().cipher_suite, Some(suite));
    }
}
