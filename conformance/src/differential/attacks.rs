//! The attacks: hand-made first flights (and what follows them) that no
//! well-behaved client sends, grouped by class. Each is plaintext as a
//! client's first flight is; the attacks after an encrypted handshake
//! (KeyUpdate floods, padded and oversized records, sealed alerts,
//! renegotiation inside a session) are the conformance suite's `hostile`,
//! `alerts` and `semantics` scenarios and the external tests against
//! `openssl s_client`.

use std::time::Duration;

use super::hello::{self, ext, fragments, group, handshake, key_shares, versions, ClientHello};
use super::probe::Step;
use crate::craft::record;

/// The name every attack's hello asks for (the fixtures' server name).
pub const SERVER_NAME: &str = "server.wiretls.test";

/// One attack.
#[derive(Clone, Copy, Debug)]
pub struct Attack {
    /// `class::name`.
    pub name: &'static str,
    /// What the client does.
    pub steps: fn() -> Vec<Step>,
}

fn tls13() -> ClientHello {
    ClientHello::tls13(SERVER_NAME)
}

fn tls12() -> ClientHello {
    ClientHello::tls12(SERVER_NAME)
}

fn send(bytes: Vec<u8>) -> Step {
    Step::Send(bytes)
}

fn pause() -> Step {
    Step::Pause(Duration::from_millis(150))
}

fn then(first: ClientHello, more: Vec<u8>) -> Vec<Step> {
    vec![send(first.records()), pause(), send(more)]
}

fn ccs(payload: &[u8]) -> Vec<u8> {
    record(20, 0x0303, payload)
}

fn alert(bytes: &[u8]) -> Vec<u8> {
    record(21, 0x0303, bytes)
}

fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    record(22, 0x0303, &handshake(kind, body))
}

fn p256_only(key: &[u8]) -> ClientHello {
    tls13()
        .with(ext::SUPPORTED_GROUPS, hello::u16_list(&[group::SECP256R1]))
        .with(ext::KEY_SHARE, key_shares(&[(group::SECP256R1, key)]))
}

fn x25519_share(key: &[u8]) -> ClientHello {
    tls13().with(ext::KEY_SHARE, key_shares(&[(group::X25519, key)]))
}

fn tls12_p256() -> ClientHello {
    tls12().with(ext::SUPPORTED_GROUPS, hello::u16_list(&[group::SECP256R1]))
}

fn client_key_exchange(point: &[u8]) -> Vec<u8> {
    message(16, &hello::len8(point))
}

fn invalid_p256() -> Vec<u8> {
    let mut p = hello::P256_POINT.to_vec();
    p[64] ^= 1;
    p
}

fn unknown_extensions(n: u16) -> ClientHello {
    let mut h = tls13();
    for i in 0..n {
        h.extensions.insert(0, (0x1a00 + i, Vec::new()));
    }
    h
}

fn unknown_groups() -> Vec<u16> {
    (0..200).map(|i| 0x0a00 + i).collect()
}

/// Every attack, in the order they run.
pub const ATTACKS: &[Attack] = &[
    // A well-formed hello of each kind: the servers must agree on what they
    // negotiate (version, suite, group, the downgrade sentinel for TLS 1.2).
    Attack { name: "baseline::tls13", steps: || vec![send(tls13().records())] },
    Attack { name: "baseline::tls12", steps: || vec![send(tls12().records())] },
    Attack { name: "baseline::tls13_p256", steps: || vec![send(p256_only(&hello::P256_POINT).records())] },
    // Size: big hellos and a hello in 1-byte records.
    Attack { name: "size::hello_16k", steps: || vec![send(tls13().padded_to(16 * 1024).records())] },
    Attack { name: "size::hello_32k", steps: || vec![send(tls13().padded_to(32 * 1024).records())] },
    Attack { name: "size::hello_64k", steps: || vec![send(tls13().padded_to(65_535).records())] },
    Attack {
        name: "size::hello_in_1_byte_records",
        steps: || vec![send(fragments(22, &tls13().message(), 1))],
    },
    Attack {
        name: "size::hello_16k_in_1_byte_records",
        steps: || vec![send(fragments(22, &tls13().padded_to(16 * 1024).message(), 1))],
    },
    Attack {
        name: "size::hello_in_1_byte_records_tls12",
        steps: || vec![send(fragments(22, &tls12().message(), 1))],
    },
    Attack {
        name: "size::plaintext_record_too_long",
        steps: || vec![send(record(22, 0x0301, &[1; 16_385]))],
    },
    // Extensions and groups.
    Attack {
        name: "extensions::three_hundred_unknown",
        steps: || vec![send(unknown_extensions(300).records())],
    },
    Attack {
        name: "extensions::duplicate_server_name",
        steps: || {
            let mut h = tls13();
            let sni = h.extensions[0].clone();
            h.extensions.push(sni);
            vec![send(h.records())]
        },
    },
    Attack {
        name: "extensions::unknown_groups_only",
        steps: || {
            let groups = unknown_groups();
            let h = tls13()
                .with(ext::SUPPORTED_GROUPS, hello::u16_list(&groups))
                .with(ext::KEY_SHARE, key_shares(&[(groups[0], &[7; 32])]));
            vec![send(h.records())]
        },
    },
    Attack {
        name: "extensions::unknown_groups_then_x25519",
        steps: || {
            let mut groups = unknown_groups();
            groups.push(group::X25519);
            vec![send(tls13().with(ext::SUPPORTED_GROUPS, hello::u16_list(&groups)).records())]
        },
    },
    Attack {
        name: "extensions::share_for_an_unknown_group",
        steps: || {
            let h = tls13()
                .with(ext::SUPPORTED_GROUPS, hello::u16_list(&[0x0a0a, group::SECP256R1]))
                .with(ext::KEY_SHARE, key_shares(&[(0x0a0a, &[7; 32])]));
            vec![send(h.records())]
        },
    },
    Attack {
        name: "extensions::no_key_share",
        steps: || vec![send(tls13().without(ext::KEY_SHARE).records())],
    },
    Attack {
        name: "extensions::no_signature_algorithms",
        steps: || vec![send(tls13().without(ext::SIGNATURE_ALGORITHMS).records())],
    },
    Attack {
        name: "extensions::truncated_extension_block",
        steps: || {
            let mut m = tls13().message();
            // The extensions' length claims two more bytes than follow.
            let at = m.len() - tls13().extensions.iter().map(|(_, d)| d.len() + 4).sum::<usize>() - 2;
            let claimed = u16::from_be_bytes([m[at], m[at + 1]]) + 2;
            m[at..at + 2].copy_from_slice(&claimed.to_be_bytes());
            vec![send(record(22, 0x0301, &m))]
        },
    },
    Attack {
        name: "extensions::no_suites",
        steps: || vec![send(ClientHello { suites: Vec::new(), ..tls13() }.records())],
    },
    Attack {
        name: "extensions::only_unknown_suites",
        steps: || vec![send(ClientHello { suites: vec![0x0a0a, 0xfefe], ..tls13() }.records())],
    },
    Attack {
        name: "extensions::no_null_compression",
        steps: || vec![send(ClientHello { compression: vec![1], ..tls12() }.records())],
    },
    // Records.
    Attack {
        name: "records::content_type_0",
        steps: || vec![send(record(0, 0x0301, &[1, 2])), send(tls13().records())],
    },
    Attack {
        name: "records::content_type_99",
        steps: || vec![send(record(99, 0x0301, &[1, 2])), send(tls13().records())],
    },
    Attack {
        name: "records::content_type_255",
        steps: || vec![send(record(255, 0x0301, &[1, 2])), send(tls13().records())],
    },
    Attack {
        name: "records::zero_length_handshake_first",
        steps: || vec![send(record(22, 0x0301, &[])), send(tls13().records())],
    },
    Attack {
        name: "records::zero_length_application_data_first",
        steps: || vec![send(record(23, 0x0301, &[])), send(tls13().records())],
    },
    Attack {
        name: "records::application_data_first",
        steps: || vec![send(record(23, 0x0301, &[0x17; 40])), send(tls13().records())],
    },
    Attack {
        name: "records::record_version_0x0000",
        steps: || {
            let mut r = tls13().records();
            r[1..3].copy_from_slice(&[0, 0]);
            vec![send(r)]
        },
    },
    Attack {
        name: "records::record_version_0x0400",
        steps: || {
            let mut r = tls13().records();
            r[1..3].copy_from_slice(&[4, 0]);
            vec![send(r)]
        },
    },
    Attack {
        name: "records::zero_length_handshake_after_hello",
        steps: || then(tls13(), record(22, 0x0303, &[])),
    },
    // Alerts.
    Attack { name: "alerts::empty_first", steps: || vec![send(alert(&[])), send(tls13().records())] },
    Attack { name: "alerts::one_byte_first", steps: || vec![send(alert(&[1])), send(tls13().records())] },
    Attack {
        name: "alerts::two_in_one_record_first",
        steps: || vec![send(alert(&[1, 90, 1, 90])), send(tls13().records())],
    },
    Attack { name: "alerts::warning_first", steps: || vec![send(alert(&[1, 90])), send(tls13().records())] },
    Attack { name: "alerts::fatal_first", steps: || vec![send(alert(&[2, 40])), send(tls13().records())] },
    Attack {
        name: "alerts::unknown_description_first",
        steps: || vec![send(alert(&[2, 255])), send(tls13().records())],
    },
    Attack { name: "alerts::empty_after_hello", steps: || then(tls13(), alert(&[])) },
    Attack { name: "alerts::plaintext_fatal_after_hello", steps: || then(tls13(), alert(&[2, 40])) },
    Attack { name: "alerts::plaintext_close_notify_after_hello", steps: || then(tls13(), alert(&[1, 0])) },
    Attack {
        name: "alerts::two_in_one_record_after_tls12_hello",
        steps: || then(tls12(), alert(&[1, 90, 1, 90])),
    },
    Attack { name: "alerts::empty_after_tls12_hello", steps: || then(tls12(), alert(&[])) },
    // Handshake messages truncated, reordered or skipped.
    Attack {
        name: "order::hello_claims_more_than_sent",
        steps: || {
            let mut m = tls13().message();
            m[3] = m[3].wrapping_add(100);
            m[2] = m[2].wrapping_add(u8::from(m[3] < 100));
            vec![send(record(22, 0x0301, &m)), Step::Finish]
        },
    },
    Attack {
        name: "order::hello_claims_less_than_sent",
        steps: || {
            let mut m = tls13().message();
            let len = u16::from_be_bytes([m[2], m[3]]) - 10;
            m[2..4].copy_from_slice(&len.to_be_bytes());
            vec![send(record(22, 0x0301, &m))]
        },
    },
    Attack { name: "order::finished_first", steps: || vec![send(message(20, &[0; 32]))] },
    Attack {
        name: "order::client_key_exchange_first",
        steps: || vec![send(client_key_exchange(&hello::P256_POINT))],
    },
    Attack { name: "order::certificate_first", steps: || vec![send(message(11, &[0, 0, 0]))] },
    Attack { name: "order::key_update_first", steps: || vec![send(message(24, &[0]))] },
    Attack { name: "order::hello_request_from_the_client", steps: || vec![send(message(0, &[]))] },
    Attack { name: "order::unknown_message_first", steps: || vec![send(message(99, &[1, 2, 3]))] },
    Attack {
        name: "order::two_hellos_tls13",
        steps: || {
            let mut r = tls13().records();
            r.extend(tls13().records());
            vec![send(r)]
        },
    },
    Attack { name: "order::two_hellos_tls12", steps: || then(tls12(), tls12().records()) },
    Attack { name: "order::plaintext_finished_after_hello", steps: || then(tls13(), message(20, &[0; 32])) },
    Attack {
        name: "order::tls12_finished_without_key_exchange",
        steps: || then(tls12(), message(20, &[0; 12])),
    },
    Attack {
        name: "order::tls12_certificate_verify_unasked",
        steps: || then(tls12(), message(15, &[4, 3, 0, 0])),
    },
    // ChangeCipherSpec.
    Attack { name: "ccs::first", steps: || vec![send(ccs(&[1])), send(tls13().records())] },
    Attack { name: "ccs::after_hello", steps: || then(tls13(), ccs(&[1])) },
    Attack {
        name: "ccs::two_after_hello",
        steps: || {
            let mut two = ccs(&[1]);
            two.extend(ccs(&[1]));
            then(tls13(), two)
        },
    },
    Attack { name: "ccs::bad_payload_after_hello", steps: || then(tls13(), ccs(&[2])) },
    Attack { name: "ccs::two_bytes_after_hello", steps: || then(tls13(), ccs(&[1, 1])) },
    Attack { name: "ccs::tls12_before_key_exchange", steps: || then(tls12(), ccs(&[1])) },
    // Renegotiation: a second hello where the first one's handshake runs.
    Attack {
        name: "renegotiation::hello_with_renegotiation_info_data",
        steps: || vec![send(tls12().with(ext::RENEGOTIATION_INFO, hello::len8(&[0; 12])).records())],
    },
    Attack {
        name: "renegotiation::scsv_and_extension",
        steps: || {
            let mut h = tls12();
            h.suites.push(0x00ff);
            vec![send(h.records())]
        },
    },
    // Key exchange points.
    Attack { name: "points::x25519_short", steps: || vec![send(x25519_share(&[9; 31]).records())] },
    Attack { name: "points::x25519_long", steps: || vec![send(x25519_share(&[9; 33]).records())] },
    Attack { name: "points::x25519_zero", steps: || vec![send(x25519_share(&[0; 32]).records())] },
    Attack { name: "points::x25519_empty", steps: || vec![send(x25519_share(&[]).records())] },
    Attack { name: "points::p256_not_on_curve", steps: || vec![send(p256_only(&invalid_p256()).records())] },
    Attack {
        name: "points::p256_compressed",
        steps: || {
            let mut p = vec![2];
            p.extend_from_slice(&hello::P256_POINT[1..33]);
            vec![send(p256_only(&p).records())]
        },
    },
    Attack { name: "points::p256_infinity", steps: || vec![send(p256_only(&[0]).records())] },
    Attack {
        name: "points::two_shares_same_group",
        steps: || {
            let shares =
                key_shares(&[(group::X25519, &hello::X25519_POINT), (group::X25519, &hello::X25519_POINT)]);
            vec![send(tls13().with(ext::KEY_SHARE, shares).records())]
        },
    },
    Attack {
        name: "points::share_for_a_group_not_offered",
        steps: || {
            let h = tls13().with(ext::SUPPORTED_GROUPS, hello::u16_list(&[group::SECP256R1]));
            vec![send(h.records())]
        },
    },
    Attack {
        name: "points::tls12_p256_not_on_curve",
        steps: || then(tls12_p256(), client_key_exchange(&invalid_p256())),
    },
    Attack { name: "points::tls12_p256_empty", steps: || then(tls12_p256(), client_key_exchange(&[])) },
    // Version negotiation.
    Attack {
        name: "versions::drafts_only",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[0x7f1c, 0x7f17])).records())],
    },
    Attack {
        name: "versions::future_only",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[0x0305])).records())],
    },
    Attack {
        name: "versions::future_then_tls13",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[0x0305, 0x0304])).records())],
    },
    Attack {
        name: "versions::grease_then_tls13",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[0x0a0a, 0x0304])).records())],
    },
    Attack {
        name: "versions::tls12_only_in_extension",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[0x0303])).records())],
    },
    Attack {
        name: "versions::empty_extension",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, versions(&[])).records())],
    },
    Attack {
        name: "versions::odd_length_extension",
        steps: || vec![send(tls13().with(ext::SUPPORTED_VERSIONS, vec![3, 3, 4, 3]).records())],
    },
    Attack {
        name: "versions::legacy_0x0000_with_extension",
        steps: || vec![send(ClientHello { legacy_version: 0, ..tls13() }.records())],
    },
    Attack {
        name: "versions::legacy_0x0000",
        steps: || vec![send(ClientHello { legacy_version: 0, ..tls12() }.records())],
    },
    Attack {
        name: "versions::legacy_0x0304_without_extension",
        steps: || vec![send(ClientHello { legacy_version: 0x0304, ..tls12() }.records())],
    },
    Attack {
        name: "versions::legacy_0x0400_without_extension",
        steps: || vec![send(ClientHello { legacy_version: 0x0400, ..tls12() }.records())],
    },
    Attack {
        name: "versions::tls11",
        steps: || vec![send(ClientHello { legacy_version: 0x0302, ..tls12() }.records())],
    },
    Attack {
        name: "versions::ssl3",
        steps: || vec![send(ClientHello { legacy_version: 0x0300, ..tls12() }.records())],
    },
    // The client goes away at each step of the handshake.
    Attack {
        name: "abort::after_a_record_header",
        steps: || vec![send(vec![22, 3, 1, 0, 200]), Step::Finish],
    },
    Attack {
        name: "abort::mid_hello",
        steps: || {
            let r = tls13().records();
            vec![send(r[..r.len() / 2].to_vec()), Step::Finish]
        },
    },
    Attack { name: "abort::after_hello", steps: || vec![send(tls13().records()), pause(), Step::Finish] },
    Attack {
        name: "abort::after_tls12_hello",
        steps: || vec![send(tls12().records()), pause(), Step::Finish],
    },
    Attack {
        name: "abort::after_ccs",
        steps: || vec![send(tls13().records()), send(ccs(&[1])), pause(), Step::Finish],
    },
    Attack {
        name: "abort::after_tls12_key_exchange",
        steps: || {
            let mut steps = then(tls12_p256(), client_key_exchange(&hello::P256_POINT));
            steps.extend([pause(), Step::Finish]);
            steps
        },
    },
    Attack {
        name: "abort::after_tls12_ccs",
        steps: || {
            let mut more = client_key_exchange(&hello::P256_POINT);
            more.extend(ccs(&[1]));
            let mut steps = then(tls12_p256(), more);
            steps.extend([pause(), Step::Finish]);
            steps
        },
    },
];

/// The attack called `name`.
pub fn find(name: &str) -> Option<&'static Attack> {
    ATTACKS.iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_classed() {
        let mut names: Vec<_> = ATTACKS.iter().map(|a| a.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ATTACKS.len());
        assert!(ATTACKS.iter().all(|a| a.name.contains("::")));
    }
}
