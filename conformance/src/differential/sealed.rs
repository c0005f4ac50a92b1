//! Attacks inside an established TLS 1.3 session: a rustls client makes
//! the handshake (TLS_AES_128_GCM_SHA256), hands over its traffic keys
//! (rustls's secret extraction), and the attack seals its own records with
//! them (the traffic secrets from rustls's key log, the keys derived as
//! RFC 8446 7 says): empty and doubled alerts, padding to the limit and past it, an
//! oversized ciphertext, content types TLS 1.3 forbids, KeyUpdates (normal,
//! with update_requested, malformed, split or interleaved, floods of 1,000), a second
//! ClientHello, plaintext records after the handshake. The server's answer
//! is decrypted with the server's keys, so the alert it sends is known
//! exactly, a KeyUpdate it sends is seen (and followed), and its
//! EncryptedExtensions are compared too.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};
use ring::hkdf;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, KeyLog, RootCertStore};

use super::attacks::SERVER_NAME;
use super::hello::{handshake, ClientHello};
use super::probe::{End, Outcome};
use crate::craft::record;

/// The longest TLSInnerPlaintext (RFC 8446 5.4): content, type, padding.
pub const MAX_INNER: usize = (1 << 14) + 1;

/// One direction's record protection, from a TLS 1.3 traffic secret
/// (SHA-256, AES-128-GCM): the key, the IV, the sequence number, and the
/// secret itself for the next KeyUpdate.
struct Keys {
    secret: Vec<u8>,
    key: LessSafeKey,
    iv: [u8; 12],
    seq: u64,
}

/// The length of an HKDF output (ring's `KeyType`).
struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// RFC 8446 7.1's HKDF-Expand-Label with an empty context, over SHA-256.
fn expand_label(secret: &[u8], label: &str, len: usize) -> Vec<u8> {
    let full = format!("tls13 {label}");
    let length = u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes();
    let label_len = [u8::try_from(full.len()).unwrap_or(u8::MAX)];
    let info: [&[u8]; 4] = [&length, &label_len, full.as_bytes(), &[0]];
    let mut out = vec![0; len];
    let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, secret);
    // An output of 12, 16 or 32 bytes is within what HKDF-SHA256 expands to.
    if let Ok(okm) = prk.expand(&info, Len(len)) {
        let _ = okm.fill(&mut out);
    }
    out
}

impl Keys {
    fn new(secret: &[u8]) -> Option<Self> {
        let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &expand_label(secret, "key", 16)).ok()?);
        let iv = expand_label(secret, "iv", 12).try_into().ok()?;
        Some(Self { secret: secret.to_vec(), key, iv, seq: 0 })
    }

    /// The keys after a KeyUpdate (RFC 8446 7.2).
    fn next(&self) -> Option<Self> {
        Self::new(&expand_label(&self.secret, "traffic upd", 32))
    }

    fn nonce(&mut self) -> Nonce {
        let mut n = self.iv;
        for (b, s) in n[4..].iter_mut().zip(self.seq.to_be_bytes()) {
            *b ^= s;
        }
        self.seq += 1;
        Nonce::assume_unique_for_key(n)
    }

    /// Open one record (its header and body); the inner plaintext.
    fn open(&mut self, header: [u8; 5], body: &[u8]) -> Option<Vec<u8>> {
        let mut inner = body.to_vec();
        let nonce = self.nonce();
        let plain = self.key.open_in_place(nonce, Aad::from(header), &mut inner).ok()?;
        Some(plain.to_vec())
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

    /// Our KeyUpdate went out: what follows is sealed with the next keys.
    pub fn update(&mut self) {
        if let Some(next) = self.keys.next() {
            self.keys = next;
        }
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
    /// The bytes to send, in writes (an empty one is a pause of 150 ms,
    /// so that the server reads what came before on its own).
    pub records: fn(&mut Sealer) -> Vec<Vec<u8>>,
}

pub(crate) const REQUEST: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

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
        name: "sealed::key_update_requested_after_a_pause",
        records: |s| vec![Vec::new(), s.seal(22, &key_update(&[1]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_not_requested",
        records: |s| vec![s.seal(22, &key_update(&[0]), 0)],
    },
    SealedAttack {
        name: "sealed::key_update_then_request",
        records: |s| {
            let first = s.seal(22, &key_update(&[0]), 0);
            s.update();
            vec![first, s.seal(23, REQUEST, 0)]
        },
    },
    SealedAttack {
        name: "sealed::key_update_flood",
        records: |s| {
            let mut flood = Vec::new();
            for _ in 0..1000 {
                flood.extend(s.seal(22, &key_update(&[0]), 0));
                s.update();
            }
            vec![flood, s.seal(23, REQUEST, 0)]
        },
    },
    SealedAttack {
        name: "sealed::key_update_flood_between_data",
        records: |s| {
            let mut flood = Vec::new();
            for _ in 0..1000 {
                flood.extend(s.seal(23, b"x", 0));
                flood.extend(s.seal(22, &key_update(&[0]), 0));
                s.update();
            }
            vec![flood, s.seal(23, REQUEST, 0)]
        },
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

/// The secrets rustls logs for one connection, by label, and the client
/// random.
#[derive(Debug, Default)]
pub(crate) struct Secrets(Mutex<Logged>);

#[derive(Debug, Default)]
struct Logged {
    by_label: HashMap<String, Vec<u8>>,
    client_random: Vec<u8>,
}

impl KeyLog for Secrets {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.by_label.insert(label.to_owned(), secret.to_vec());
        map.client_random = client_random.to_vec();
    }
}

impl Secrets {
    /// The secret logged as `label`.
    pub(crate) fn secret(&self, label: &str) -> Vec<u8> {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.by_label.get(label).cloned().unwrap_or_else(|| panic!("no {label}"))
    }

    /// The client random of the connection.
    pub(crate) fn client_random(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).client_random.clone()
    }

    fn keys(&self, label: &str) -> Keys {
        Keys::new(&self.secret(label)).unwrap_or_else(|| panic!("bad {label}"))
    }
}

/// A rustls client trusting `root`, logging its secrets to `secrets`, on
/// one version and one AES-128-GCM suite (TLS 1.2's with ECDSA: the
/// fixture key).
pub(crate) fn client_config(
    root: &std::path::Path,
    secrets: Arc<Secrets>,
    version: &'static rustls::SupportedProtocolVersion,
) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(root).into_iter().flatten().flatten() {
        let _ = roots.add(cert);
    }
    let base = rustls::crypto::aws_lc_rs::default_provider();
    let provider = rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            rustls::crypto::aws_lc_rs::cipher_suite::TLS13_AES_128_GCM_SHA256,
            rustls::crypto::aws_lc_rs::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ],
        ..base
    };
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[version])
        .unwrap_or_else(|e| panic!("client config: {e}"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.key_log = secrets;
    Arc::new(config)
}

/// The socket, keeping a copy of what the server sent during the handshake.
pub(crate) struct Tee<'a> {
    pub(crate) tcp: &'a mut TcpStream,
    pub(crate) seen: Vec<u8>,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.tcp.read(buf)?;
        self.seen.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// Make a TLS 1.3 session with the server at `addr` (trusting `root`), run
/// `attack` in it, and observe the server's decrypted answer.
///
/// # Panics
/// When the handshake fails or rustls logs no secrets.
pub fn probe(addr: SocketAddr, root: &std::path::Path, attack: &SealedAttack) -> Outcome {
    let mut tcp =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{addr}: {e}"));
    let _ = tcp.set_nodelay(true);
    let secrets = Arc::new(Secrets::default());
    let mut server_bytes =
        connect_session(&mut tcp, client_config(root, Arc::clone(&secrets), &rustls::version::TLS13));
    let mut sealer = Sealer { keys: secrets.keys("CLIENT_TRAFFIC_SECRET_0") };
    let (bytes, end) = attack_with(&mut tcp, (attack.records)(&mut sealer));
    server_bytes.extend_from_slice(&bytes);
    observe(
        &server_bytes,
        secrets.keys("SERVER_HANDSHAKE_TRAFFIC_SECRET"),
        secrets.keys("SERVER_TRAFFIC_SECRET_0"),
        end,
    )
}

/// A rustls handshake over `tcp`; what the server sent meanwhile.
pub(crate) fn connect_session(tcp: &mut TcpStream, config: Arc<ClientConfig>) -> Vec<u8> {
    let name = ServerName::try_from(SERVER_NAME).unwrap_or_else(|e| panic!("{e}"));
    let mut conn = ClientConnection::new(config, name).unwrap_or_else(|e| panic!("{e}"));
    let mut tee = Tee { tcp, seen: Vec::new() };
    while conn.is_handshaking() {
        conn.complete_io(&mut tee).unwrap_or_else(|e| panic!("handshake: {e}"));
    }
    while conn.wants_write() {
        let _ = conn.write_tls(&mut tee);
    }
    tee.seen
}

/// Write the attack's records (an empty one is a pause), then read the
/// server's answer.
pub(crate) fn attack_with(tcp: &mut TcpStream, writes: Vec<Vec<u8>>) -> (Vec<u8>, End) {
    for bytes in writes {
        if bytes.is_empty() {
            std::thread::sleep(Duration::from_millis(150));
            continue;
        }
        if tcp.write_all(&bytes).is_err() {
            break;
        }
    }
    receive(tcp)
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

/// The server's records from its ServerHello on, decrypted in order: the
/// handshake flight with the handshake keys (the EncryptedExtensions'
/// extension types are kept), then the session's records, following the
/// server's KeyUpdates. NewSessionTickets are left out: how many a server
/// sends is its configuration, not its answer.
fn observe(mut bytes: &[u8], mut handshake: Keys, mut rx: Keys, end: End) -> Outcome {
    let mut outcome = Outcome { end, ..Outcome::default() };
    let mut in_handshake = true;
    let mut messages = Vec::new();
    let mut session_messages = Vec::new();
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        let Some(body) = bytes.get(5..5 + len) else { break };
        let header = [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]];
        bytes = &bytes[5 + len..];
        match header[0] {
            21 if len == 2 && outcome.alert.is_none() => {
                outcome.alert = Some((body[0], body[1]));
                continue;
            }
            23 => {}
            // The ServerHello and a compatibility ChangeCipherSpec.
            _ => continue,
        }
        let keys = if in_handshake { &mut handshake } else { &mut rx };
        let Some(plain) = keys.open(header, body) else { break };
        let Some(at) = plain.iter().rposition(|b| *b != 0) else { break };
        match (plain[at], &plain[..at]) {
            (21, [level, description]) if outcome.alert.is_none() => {
                outcome.alert = Some((*level, *description));
                outcome.sealed_alert = true;
            }
            (22, content) if in_handshake => {
                messages.extend_from_slice(content);
                if let Some(types) = extension_types(&messages, 8) {
                    outcome.encrypted_extensions.get_or_insert(types);
                }
                // The server's Finished ends its flight.
                if handshake_messages(&messages).any(|(kind, _)| kind == 20) {
                    in_handshake = false;
                }
            }
            (22, content) => {
                // Messages may share a record (BoringSSL sends its answer
                // after the tickets, in one) or span records.
                session_messages.extend_from_slice(content);
                let mut complete = 0;
                let mut updated = false;
                for (kind, body) in handshake_messages(&session_messages) {
                    complete += 4 + body.len();
                    if kind == 24 {
                        outcome.key_update = body.first().copied();
                        updated = true;
                    }
                }
                session_messages.drain(..complete);
                if updated {
                    match rx.next() {
                        Some(next) => rx = next,
                        None => break,
                    }
                }
            }
            (23, data) if !data.is_empty() => outcome.data = true,
            _ => {}
        }
    }
    outcome
}

/// The handshake messages in `bytes`: (type, body).
pub(crate) fn handshake_messages(mut bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let [kind, a, b, c, ..] = *bytes else { return None };
        let len = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);
        let body = bytes.get(4..4 + len)?;
        bytes = &bytes[4 + len..];
        Some((kind, body))
    })
}

/// The extension types of the first handshake message of type `kind`.
fn extension_types(messages: &[u8], kind: u8) -> Option<Vec<u16>> {
    let (_, body) = handshake_messages(messages).find(|(k, _)| *k == kind)?;
    let mut rest = body.get(2..)?;
    let mut types = Vec::new();
    while rest.len() >= 4 {
        types.push(u16::from_be_bytes([rest[0], rest[1]]));
        let n = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        rest = rest.get(4 + n..)?;
    }
    types.sort_unstable();
    Some(types)
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
