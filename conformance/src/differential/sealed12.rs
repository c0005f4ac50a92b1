//! Attacks inside an established TLS 1.2 session
//! (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256): a rustls client makes the
//! handshake and logs the master secret; the keys come from TLS 1.2's PRF
//! (RFC 5246 6.3) and the records are sealed as RFC 5288 says. The point is
//! what TLS 1.3 does not have: renegotiation attempts (refused, as the
//! seed's default), a HelloRequest from the wrong side, warning alerts that
//! TLS 1.2 allows, a ChangeCipherSpec after the handshake.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};
use ring::hmac;

use super::attacks::SERVER_NAME;
use super::hello::{handshake, ClientHello};
use super::probe::{End, Outcome};
use super::sealed::{attack_with, client_config, connect_session, handshake_messages, Secrets, REQUEST};
use crate::craft::record;

/// One direction's record protection in TLS 1.2 AES-GCM.
struct Keys12 {
    key: LessSafeKey,
    salt: [u8; 4],
    seq: u64,
}

impl Keys12 {
    fn nonce(&self) -> [u8; 12] {
        let mut n = [0; 12];
        n[..4].copy_from_slice(&self.salt);
        n[4..].copy_from_slice(&self.seq.to_be_bytes());
        n
    }

    fn aad(&self, content_type: u8, len: usize) -> [u8; 13] {
        let mut aad = [0; 13];
        aad[..8].copy_from_slice(&self.seq.to_be_bytes());
        aad[8] = content_type;
        aad[9..11].copy_from_slice(&[3, 3]);
        aad[11..].copy_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
        aad
    }

    fn seal(&mut self, content_type: u8, content: &[u8]) -> Vec<u8> {
        let nonce = self.nonce();
        let aad = self.aad(content_type, content.len());
        let mut body = content.to_vec();
        // Sealing fails only for inputs longer than AES-GCM takes.
        let _ =
            self.key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut body);
        self.seq += 1;
        let mut payload = nonce[4..].to_vec();
        payload.extend_from_slice(&body);
        record(content_type, 0x0303, &payload)
    }

    fn open(&mut self, content_type: u8, body: &[u8]) -> Option<Vec<u8>> {
        let (explicit, sealed) = body.split_at_checked(8)?;
        let mut nonce = [0; 12];
        nonce[..4].copy_from_slice(&self.salt);
        nonce[4..].copy_from_slice(explicit);
        let aad = self.aad(content_type, sealed.len().checked_sub(16)?);
        let mut inner = sealed.to_vec();
        let plain =
            self.key.open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut inner).ok()?;
        self.seq += 1;
        Some(plain.to_vec())
    }
}

/// TLS 1.2's PRF with SHA-256 (RFC 5246 5).
fn prf(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let label_seed = [label, seed].concat();
    let mut a = hmac::sign(&key, &label_seed).as_ref().to_vec();
    let mut out = Vec::with_capacity(len + 32);
    while out.len() < len {
        out.extend_from_slice(hmac::sign(&key, &[&a[..], &label_seed].concat()).as_ref());
        a = hmac::sign(&key, &a).as_ref().to_vec();
    }
    out.truncate(len);
    out
}

/// The client's and the server's keys from the master secret and randoms.
fn keys(master: &[u8], client_random: &[u8], server_random: &[u8]) -> Option<(Keys12, Keys12)> {
    let block = prf(master, b"key expansion", &[server_random, client_random].concat(), 40);
    let make = |key: &[u8], salt: &[u8]| -> Option<Keys12> {
        let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, key).ok()?);
        Some(Keys12 { key, salt: salt.try_into().ok()?, seq: 0 })
    };
    Some((make(&block[..16], &block[32..36])?, make(&block[16..32], &block[36..40])?))
}

/// What an attack in a TLS 1.2 session may send.
pub struct Sealer12 {
    keys: Keys12,
}

impl Sealer12 {
    /// A record of `content_type` with `content`, sealed.
    pub fn seal(&mut self, content_type: u8, content: &[u8]) -> Vec<u8> {
        self.keys.seal(content_type, content)
    }
}

/// One attack inside a TLS 1.2 session.
#[derive(Clone, Copy, Debug)]
pub struct Sealed12Attack {
    /// `sealed12::name`.
    pub name: &'static str,
    /// The bytes to send, in writes (an empty one is a pause).
    pub records: fn(&mut Sealer12) -> Vec<Vec<u8>>,
}

fn renegotiation_hello() -> Vec<u8> {
    ClientHello::tls12(SERVER_NAME).message()
}

/// Every attack inside a TLS 1.2 session.
pub const SEALED12: &[Sealed12Attack] = &[
    Sealed12Attack { name: "sealed12::request", records: |s| vec![s.seal(23, REQUEST)] },
    Sealed12Attack {
        name: "sealed12::renegotiation_hello",
        records: |s| vec![s.seal(22, &renegotiation_hello()), Vec::new(), s.seal(23, REQUEST)],
    },
    Sealed12Attack {
        name: "sealed12::renegotiation_hello_with_scsv",
        records: |s| {
            let mut hello = ClientHello::tls12(SERVER_NAME);
            hello.suites.push(0x00ff);
            hello.extensions.retain(|(kind, _)| *kind != super::hello::ext::RENEGOTIATION_INFO);
            vec![s.seal(22, &hello.message())]
        },
    },
    Sealed12Attack {
        name: "sealed12::renegotiation_hellos_flood",
        records: |s| (0..20).map(|_| s.seal(22, &renegotiation_hello())).collect(),
    },
    Sealed12Attack {
        name: "sealed12::hello_request_from_the_client",
        records: |s| vec![s.seal(22, &handshake(0, &[]))],
    },
    Sealed12Attack {
        name: "sealed12::finished_again",
        records: |s| vec![s.seal(22, &handshake(20, &[0; 12]))],
    },
    Sealed12Attack {
        name: "sealed12::warning_user_canceled_then_request",
        records: |s| vec![s.seal(21, &[1, 90]), s.seal(23, REQUEST)],
    },
    Sealed12Attack {
        name: "sealed12::warning_no_renegotiation_then_request",
        records: |s| vec![s.seal(21, &[1, 100]), s.seal(23, REQUEST)],
    },
    Sealed12Attack { name: "sealed12::empty_alert", records: |s| vec![s.seal(21, &[])] },
    Sealed12Attack {
        name: "sealed12::two_alerts_in_one_record",
        records: |s| vec![s.seal(21, &[1, 90, 1, 90])],
    },
    Sealed12Attack { name: "sealed12::fatal_alert", records: |s| vec![s.seal(21, &[2, 40])] },
    Sealed12Attack { name: "sealed12::close_notify", records: |s| vec![s.seal(21, &[1, 0])] },
    Sealed12Attack {
        name: "sealed12::zero_length_application_data",
        records: |s| vec![s.seal(23, &[]), s.seal(23, REQUEST)],
    },
    Sealed12Attack { name: "sealed12::sealed_ccs", records: |s| vec![s.seal(20, &[1])] },
    Sealed12Attack { name: "sealed12::plaintext_ccs", records: |_| vec![record(20, 0x0303, &[1])] },
    Sealed12Attack { name: "sealed12::unknown_content_type", records: |s| vec![s.seal(99, &[1, 2])] },
    Sealed12Attack {
        name: "sealed12::bad_tag",
        records: |s| {
            let mut r = s.seal(23, REQUEST);
            if let Some(last) = r.last_mut() {
                *last ^= 1;
            }
            vec![r]
        },
    },
    Sealed12Attack {
        name: "sealed12::record_past_the_limit",
        records: |s| vec![s.seal(23, &vec![0x41; (1 << 14) + 1])],
    },
];

/// The TLS 1.2 attack called `name`.
pub fn find(name: &str) -> Option<&'static Sealed12Attack> {
    SEALED12.iter().find(|a| a.name == name)
}

/// Make a TLS 1.2 session with the server at `addr` (trusting `root`), run
/// `attack` in it, and observe the server's decrypted answer.
///
/// # Panics
/// When the handshake fails or the keys cannot be derived.
pub fn probe(addr: SocketAddr, root: &std::path::Path, attack: &Sealed12Attack) -> Outcome {
    let mut tcp =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{addr}: {e}"));
    let _ = tcp.set_nodelay(true);
    let secrets = Arc::new(Secrets::default());
    let mut server_bytes =
        connect_session(&mut tcp, client_config(root, Arc::clone(&secrets), &rustls::version::TLS12));
    let server_random = server_random(&server_bytes).unwrap_or_else(|| panic!("no ServerHello from {addr}"));
    let Some((mut client, server)) =
        keys(&secrets.secret("CLIENT_RANDOM"), &secrets.client_random(), &server_random)
    else {
        panic!("no keys")
    };
    // The client's Finished went out sealed: its sequence number was 0.
    client.seq = 1;
    let mut sealer = Sealer12 { keys: client };
    let (bytes, end) = attack_with(&mut tcp, (attack.records)(&mut sealer));
    server_bytes.extend_from_slice(&bytes);
    observe(&server_bytes, server, end)
}

fn server_random(bytes: &[u8]) -> Option<Vec<u8>> {
    // The first record is the ServerHello's: header, message header, version.
    bytes.get(5 + 4 + 2..5 + 4 + 2 + 32).map(<[u8]>::to_vec)
}

/// The server's records after its ChangeCipherSpec, decrypted in order
/// (its Finished first).
fn observe(mut bytes: &[u8], mut keys: Keys12, end: End) -> Outcome {
    let mut outcome = Outcome { end, ..Outcome::default() };
    let mut sealed = false;
    let mut messages = Vec::new();
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        let Some(body) = bytes.get(5..5 + len) else { break };
        let content_type = bytes[0];
        bytes = &bytes[5 + len..];
        if !sealed {
            sealed = content_type == 20;
            if content_type == 21 && len == 2 && outcome.alert.is_none() {
                outcome.alert = Some((body[0], body[1]));
            }
            continue;
        }
        let Some(plain) = keys.open(content_type, body) else { break };
        match (content_type, &plain[..]) {
            (21, [level, description, ..]) if outcome.alert.is_none() => {
                outcome.alert = Some((*level, *description));
                outcome.sealed_alert = true;
            }
            (22, content) => {
                messages.extend_from_slice(content);
                // A HelloRequest from the server would be a renegotiation
                // of its own: shown as a KeyUpdate-like event (type 0).
                if handshake_messages(&messages).any(|(kind, _)| kind == 0) {
                    outcome.key_update = Some(0);
                }
            }
            (23, data) if !data.is_empty() => outcome.data = true,
            _ => {}
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prf_gives_rfc_5246s_test_vector() {
        // The TLS 1.2 PRF-SHA256 test vector published by the IETF TLS WG.
        let secret =
            [0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71, 0xdb, 0x35];
        let seed =
            [0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5, 0x19, 0x8c];
        let out = prf(&secret, b"test label", &seed, 16);
        assert_eq!(
            out,
            [0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c, 0xd4, 0x53]
        );
    }
}
