//! Attacks inside an established TLS 1.3 session: a rustls client makes
//! the handshake (TLS_AES_128_GCM_SHA256), hands over its traffic keys
//! (rustls's secret extraction), and the attack seals its own records with
//! them: empty and doubled alerts, padding to the limit and past it, an
//! oversized ciphertext, content types TLS 1.3 forbids, KeyUpdates (normal,
//! with update_requested, malformed, split or interleaved), a second
//! ClientHello, plaintext records after the handshake. The server's answer
//! is decrypted with the server's keys, so the alert it sends is known
//! exactly, and a KeyUpdate it sends is seen.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, ConnectionTrafficSecrets, RootCertStore};

use super::attacks::SERVER_NAME;
use super::hello::{handshake, ClientHello};
use super::probe::{End, Outcome};
use crate::craft::record;

/// The longest TLSInnerPlaintext (RFC 8446 5.4): content, type, padding.
pub const MAX_INNER: usize = (1 << 14) + 1;

/// One direction's record protection.
struct Keys {
    key: LessSafeKey,
    iv: [u8; 12],
    seq: u64,
}

impl Keys {
    fn new(seq: u64, secrets: ConnectionTrafficSecrets) -> Option<Self> {
        let ConnectionTrafficSecrets::Aes128Gcm { key, iv } = secrets else { return None };
        let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, key.as_ref()).ok()?);
        Some(Self { key, iv: iv.as_ref().try_into().ok()?, seq })
    }

    fn nonce(&mut self) -> Nonce {
        let mut n = self.iv;
        for (b, s) in n[4..].iter_mut().zip(self.seq.to_be_bytes()) {
            *b ^= s;
        }
        self.seq += 1;
        Nonce::assume_unique_for_key(n)
    }
}

/// What an attack may send: records sealed with the client's keys, or any
/// bytes.
pub struct Sealer {
    keys: Keys,
}

impl Sealer {
    /// A record: `content`, its inner content type, then `padding` zeros.
    pub fn seal(&mut self, content_type: u8, content: &[u8], padding: usize) -> Vec<u8> {
        let mut inner = content.to_vec();
        inner.push(content_type);
        inner.resize(inner.len() + padding, 0);
        self.seal_inner(inner)
    }

    /// A record of exactly these inner bytes (no content type added).
    pub fn seal_inner(&mut self, mut inner: Vec<u8>) -> Vec<u8> {
        let len = u16::try_from(inner.len() + 16).unwrap_or(u16::MAX);
        let header = [23, 3, 3, len.to_be_bytes()[0], len.to_be_bytes()[1]];
        let nonce = self.keys.nonce();
        // Sealing into a Vec fails only for inputs longer than AES-GCM takes.
        let _ = self.keys.key.seal_in_place_append_tag(nonce, Aad::from(header), &mut inner);
        let mut out = header.to_vec();
        out.extend_from_slice(&inner);
        out
    }
}

/// One attack inside a session.
#[derive(Clone, Copy, Debug)]
pub struct SealedAttack {
    /// `sealed::name`.
    pub name: &'static str,
    /// The bytes to send, in writes.
    pub records: fn(&mut Sealer) -> Vec<Vec<u8>>,
}

const REQUEST: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

fn key_update(body: &[u8]) -> Vec<u8> {
    handshake(24, body)
}

/// Every attack inside a session.
pub const SEALED: &[SealedAttack] = &[
    SealedAttack { name: "sealed::request", records: |s| vec![s.seal(23, REQUEST, 0)] },
    SealedAttack {
        name: "sealed::request_padded_to_the_limit",
        records: |s| vec![s.seal(23, REQUEST, MAX_INNER - REQUEST.len() - 1)],
    },
    SealedAttack {
        name: "sealed::request_padded_past_the_limit",
        records: |s| vec![s.seal(23, REQUEST, MAX_INNER - REQUEST.len())],
    },
    SealedAttack {
        name: "sealed::ciphertext_past_the_limit",
        records: |s| vec![s.seal(23, REQUEST, (1 << 14) + 256 - 16 - REQUEST.len())],
    },
    SealedAttack {
        name: "sealed::zero_length_application_data",
        records: |s| vec![s.seal(23, &[], 0), s.seal(23, REQUEST, 0)],
    },
    SealedAttack { name: "sealed::padding_only", records: |s| vec![s.seal_inner(vec![0; 32])] },
    SealedAttack { name: "sealed::unknown_content_type", records: |s| vec![s.seal(99, &[1, 2], 0)] },
    SealedAttack { name: "sealed::ccs_content_type", records: |s| vec![s.seal(20, &[1], 0)] },
    SealedAttack { name: "sealed::empty_alert", records: |s| vec![s.seal(21, &[], 0)] },
    SealedAttack { name: "sealed::one_byte_alert", records: |s| vec![s.seal(21, &[2], 0)] },
    SealedAttack {
        name: "sealed::two_alerts_in_one_record",
        records: |s| vec![s.seal(21, &[1, 0, 1, 0], 0)],
    },
    SealedAttack {
        name: "sealed::warning_user_canceled",
        records: |s| vec![s.seal(21, &[1, 90], 0), s.seal(23, REQUEST, 0)],
    },
    SealedAttack { name: "sealed::warning_unexpected_message", records: |s| vec![s.seal(21, &[1, 10], 0)] },
    SealedAttack { name: "sealed::unknown_alert_level", records: |s| vec![s.seal(21, &[3, 40], 0)] },
    SealedAttack { name: "sealed::fatal_alert", records: |s| vec![s.seal(21, &[2, 40], 0)] },
    SealedAttack { name: "sealed::close_notify", records: |s| vec![s.seal(21, &[1, 0], 0)] },
    SealedAttack { name: "sealed::zero_length_handshake", records: |s| vec![s.seal(22, &[], 0)] },
    SealedAttack {
        name: "sealed::key_update_requested",
        records: |s| vec![s.seal(22, &key_update(&[1]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_not_requested",
        records: |s| vec![s.seal(22, &key_update(&[0]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_bad_value",
        records: |s| vec![s.seal(22, &key_update(&[2]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_too_long",
        records: |s| vec![s.seal(22, &key_update(&[0, 0]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_large",
        records: |s| vec![s.seal(22, &key_update(&[0; 4000]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_split_across_records",
        records: |s| {
            let m = key_update(&[1]);
            vec![s.seal(22, &m[..2], 0), s.seal(22, &m[2..], 0)]
        },
    },
    SealedAttack {
        name: "sealed::key_update_interleaved_with_data",
        records: |s| {
            let m = key_update(&[1]);
            vec![s.seal(22, &m[..2], 0), s.seal(23, REQUEST, 0), s.seal(22, &m[2..], 0)]
        },
    },
    SealedAttack {
        name: "sealed::key_update_then_data_under_old_keys",
        records: |s| vec![s.seal(22, &key_update(&[0]), 0), s.seal(23, REQUEST, 0)],
    },
    SealedAttack {
        name: "sealed::client_hello_after_handshake",
        records: |s| vec![s.seal(22, &ClientHello::tls13(SERVER_NAME).message(), 0)],
    },
    SealedAttack {
        name: "sealed::finished_again",
        records: |s| vec![s.seal(22, &handshake(20, &[0; 32]), 0)],
    },
    SealedAttack {
        name: "sealed::ticket_from_the_client",
        records: |s| vec![s.seal(22, &handshake(4, &[0; 16]), 0)],
    },
    SealedAttack {
        name: "sealed::unknown_handshake_message",
        records: |s| vec![s.seal(22, &handshake(99, &[1]), 0)],
    },
    SealedAttack {
        name: "sealed::bad_tag",
        records: |s| {
            let mut r = s.seal(23, REQUEST, 0);
            if let Some(last) = r.last_mut() {
                *last ^= 1;
            }
            vec![r]
        },
    },
    SealedAttack {
        name: "sealed::truncated_record",
        records: |s| {
            let r = s.seal(23, REQUEST, 0);
            vec![r[..r.len() - 4].to_vec()]
        },
    },
    SealedAttack { name: "sealed::plaintext_ccs", records: |_| vec![record(20, 0x0303, &[1])] },
    SealedAttack { name: "sealed::plaintext_alert", records: |_| vec![record(21, 0x0303, &[2, 40])] },
    SealedAttack {
        name: "sealed::plaintext_handshake",
        records: |_| vec![record(22, 0x0303, &key_update(&[1]))],
    },
    SealedAttack {
        name: "sealed::plaintext_application_data",
        records: |_| vec![record(23, 0x0303, REQUEST)],
    },
];

/// The sealed attack called `name`.
pub fn find(name: &str) -> Option<&'static SealedAttack> {
    SEALED.iter().find(|a| a.name == name)
}

fn client_config(root: &std::path::Path) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(root).into_iter().flatten().flatten() {
        let _ = roots.add(cert);
    }
    let base = rustls::crypto::aws_lc_rs::default_provider();
    let provider = rustls::crypto::CryptoProvider {
        cipher_suites: vec![rustls::crypto::aws_lc_rs::cipher_suite::TLS13_AES_128_GCM_SHA256],
        ..base
    };
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap_or_else(|e| panic!("client config: {e}"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.enable_secret_extraction = true;
    Arc::new(config)
}

/// Make a TLS 1.3 session with the server at `addr` (trusting `root`), run
/// `attack` in it, and observe the server's decrypted answer.
///
/// # Panics
/// When the handshake or the key extraction fails.
pub fn probe(addr: SocketAddr, root: &std::path::Path, attack: &SealedAttack) -> Outcome {
    let mut tcp =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{addr}: {e}"));
    let _ = tcp.set_nodelay(true);
    let name = ServerName::try_from(SERVER_NAME).unwrap_or_else(|e| panic!("{e}"));
    let mut conn = ClientConnection::new(client_config(root), name).unwrap_or_else(|e| panic!("{e}"));
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).unwrap_or_else(|e| panic!("{}: handshake with {addr}: {e}", attack.name));
    }
    while conn.wants_write() {
        let _ = conn.write_tls(&mut tcp);
    }
    let secrets = conn.dangerous_extract_secrets().unwrap_or_else(|e| panic!("extract: {e}"));
    let (Some(tx), Some(rx)) = (Keys::new(secrets.tx.0, secrets.tx.1), Keys::new(secrets.rx.0, secrets.rx.1))
    else {
        panic!("not AES-128-GCM")
    };
    let mut sealer = Sealer { keys: tx };
    for bytes in (attack.records)(&mut sealer) {
        if tcp.write_all(&bytes).is_err() {
            break;
        }
    }
    let (bytes, end) = receive(&mut tcp);
    observe(&bytes, rx, end)
}

fn receive(tcp: &mut TcpStream) -> (Vec<u8>, End) {
    let _ = tcp.set_read_timeout(Some(Duration::from_millis(700)));
    let start = Instant::now();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16_384];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return (bytes, End::Closed),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (bytes, End::Open)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return (bytes, End::Reset),
        }
        if start.elapsed() > Duration::from_secs(10) {
            return (bytes, End::Open);
        }
    }
}

/// The server's records, decrypted in order until one does not open (a
/// KeyUpdate of the server's changes its keys: what follows is not read).
/// NewSessionTickets are left out: how many a server sends is its
/// configuration, not its answer.
fn observe(mut bytes: &[u8], mut rx: Keys, end: End) -> Outcome {
    let mut outcome =
        Outcome { hello: None, alert: None, sealed_alert: false, end, key_update: None, data: false };
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        let Some(body) = bytes.get(5..5 + len) else { break };
        let header = [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]];
        bytes = &bytes[5 + len..];
        if header[0] == 21 && len == 2 && outcome.alert.is_none() {
            outcome.alert = Some((body[0], body[1]));
            continue;
        }
        let mut inner = body.to_vec();
        let nonce = rx.nonce();
        let Ok(plain) = rx.key.open_in_place(nonce, Aad::from(header), &mut inner) else { break };
        let Some(at) = plain.iter().rposition(|b| *b != 0) else { break };
        match (plain[at], &plain[..at]) {
            (21, [level, description]) if outcome.alert.is_none() => {
                outcome.alert = Some((*level, *description));
                outcome.sealed_alert = true;
            }
            (22, [24, _, _, _, requested, ..]) => {
                outcome.key_update = Some(*requested);
                break;
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
    fn names_are_unique() {
        let mut names: Vec<_> = SEALED.iter().map(|a| a.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SEALED.len());
    }
}
