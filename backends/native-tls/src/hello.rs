//! What native-tls does not report, read from the handshake's plaintext:
//! the version, cipher suite and key-exchange group from the ServerHello
//! (and a TLS 1.2 ServerKeyExchange), the SNI name from the ClientHello,
//! and the last alert a flight carried in the clear.
//!
//! Every byte both directions carry passes through the session, so the
//! engine watches them until each direction's ChangeCipherSpec (after it,
//! nothing is plaintext). It only reads; what it cannot parse it ignores.

use wiretls_core::{AlertDescription, CipherSuite, NamedGroup, ProtocolVersion};

/// Handshake bytes kept per direction at most: the hellos and a
/// ServerKeyExchange fit; a longer flight stops being watched.
const LIMIT: usize = 64 * 1024;

const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;

/// One direction of the handshake.
#[derive(Debug, Default)]
struct Direction {
    /// An incomplete record.
    partial: Vec<u8>,
    /// Handshake-message bytes not yet parsed.
    messages: Vec<u8>,
    /// Past the ChangeCipherSpec, or over the limit: no longer watched.
    done: bool,
}

/// What the plaintext said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// From the ServerHello (its `supported_versions` in TLS 1.3).
    pub version: Option<ProtocolVersion>,
    /// From the ServerHello.
    pub cipher_suite: Option<CipherSuite>,
    /// From the ServerHello's `key_share` (TLS 1.3) or the ServerKeyExchange (TLS 1.2).
    pub group: Option<NamedGroup>,
    /// From the ClientHello's `server_name`.
    pub server_name: Option<String>,
}

/// Watches both directions of a handshake (the engine's, and the
/// benchmarks' native-tls path, which native-tls does not tell either).
#[derive(Debug, Default)]
pub struct Observer {
    from_client: Direction,
    from_server: Direction,
    seen: Seen,
}

impl Observer {
    /// What was seen so far.
    pub fn seen(&self) -> &Seen {
        &self.seen
    }

    /// Whether both directions are past their plaintext.
    pub fn finished(&self) -> bool {
        self.from_client.done && self.from_server.done
    }

    /// Bytes the client sent (`from_client`) or the server sent.
    pub fn watch(&mut self, from_client: bool, bytes: &[u8]) {
        let direction = if from_client { &mut self.from_client } else { &mut self.from_server };
        if direction.done || bytes.is_empty() {
            return;
        }
        direction.partial.extend_from_slice(bytes);
        let mut at = 0;
        while let Some((kind, body)) = record(&direction.partial[at..]) {
            at += 5 + body.len();
            match kind {
                HANDSHAKE => direction.messages.extend_from_slice(body),
                CHANGE_CIPHER_SPEC => direction.done = true,
                _ => {}
            }
            if direction.done {
                break;
            }
        }
        direction.partial.drain(..at);
        if direction.partial.len() + direction.messages.len() > LIMIT {
            direction.done = true;
        }
        while let Some((kind, body, len)) = message(&direction.messages) {
            parse(kind, body, &mut self.seen);
            direction.messages.drain(..len);
        }
        if direction.done {
            direction.partial = Vec::new();
            direction.messages = Vec::new();
        }
        // In TLS 1.3 everything after the ServerHello is encrypted (records
        // of type 23); only a TLS 1.2 flight goes on in the clear.
        if !from_client
            && self.seen.version == Some(ProtocolVersion::Tls13)
            && self.seen.cipher_suite.is_some()
        {
            self.from_server.done = true;
        }
    }
}

/// The last record of `bytes` if it is an alert in the clear (TLS 1.3
/// encrypts alerts after the ServerHello; TLS 1.2 after ChangeCipherSpec):
/// its description. Walks whole records only.
pub(crate) fn last_plaintext_alert(bytes: &[u8]) -> Option<AlertDescription> {
    let mut last = None;
    let mut rest = bytes;
    while let Some((kind, body)) = record(rest) {
        last = (kind == ALERT && body.len() == 2).then(|| AlertDescription::from_wire(body[1]));
        rest = &rest[5 + body.len()..];
    }
    last
}

/// Whether `bytes` ends with a whole record that may be an alert (a
/// plaintext alert, or a protected record: type 23, or an alert record
/// longer than two bytes, which is an encrypted TLS 1.2 alert).
pub(crate) fn ends_with_record(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let mut any = false;
    while let Some((_, body)) = record(rest) {
        any = true;
        rest = &rest[5 + body.len()..];
    }
    any && rest.is_empty()
}

/// The first whole record of `bytes`: its type and body.
fn record(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let header = bytes.get(..5)?;
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    Some((header[0], bytes.get(5..5 + len)?))
}

/// The first whole handshake message: its type, body and whole length.
fn message(bytes: &[u8]) -> Option<(u8, &[u8], usize)> {
    let header = bytes.get(..4)?;
    let len = usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]);
    Some((header[0], bytes.get(4..4 + len)?, 4 + len))
}

/// A cursor over a message body; every read is checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    /// A vector with a length prefix of `len_bytes` bytes.
    fn vector(&mut self, len_bytes: usize) -> Option<&'a [u8]> {
        let len = self.take(len_bytes)?.iter().fold(0usize, |n, b| n << 8 | usize::from(*b));
        self.take(len)
    }

    /// The extensions block: `(type, body)` pairs.
    fn extensions(&mut self) -> Vec<(u16, &'a [u8])> {
        let mut all = Vec::new();
        if let Some(block) = self.vector(2) {
            let mut r = Reader(block);
            while let (Some(kind), Some(body)) = (r.u16(), r.vector(2)) {
                all.push((kind, body));
            }
        }
        all
    }
}

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const SERVER_KEY_EXCHANGE: u8 = 12;
const EXT_SERVER_NAME: u16 = 0;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const EXT_KEY_SHARE: u16 = 51;

fn parse(kind: u8, body: &[u8], seen: &mut Seen) {
    let mut r = Reader(body);
    match kind {
        CLIENT_HELLO => {
            let Some(extensions) = (|| {
                r.take(2 + 32)?; // legacy_version, random
                r.vector(1)?; // legacy_session_id
                r.vector(2)?; // cipher_suites
                r.vector(1)?; // compression methods
                Some(r.extensions())
            })() else {
                return;
            };
            for (kind, body) in extensions {
                if kind == EXT_SERVER_NAME {
                    seen.server_name = server_name(body);
                }
            }
        }
        SERVER_HELLO => {
            let Some((legacy, suite, extensions)) = (|| {
                let legacy = r.u16()?;
                r.take(32)?;
                r.vector(1)?;
                let suite = r.u16()?;
                r.u8()?;
                Some((legacy, suite, r.extensions()))
            })() else {
                return;
            };
            let mut version = ProtocolVersion::from_wire(legacy);
            seen.group = None;
            for (kind, body) in extensions {
                let mut e = Reader(body);
                match kind {
                    EXT_SUPPORTED_VERSIONS => version = e.u16().and_then(ProtocolVersion::from_wire),
                    // The ServerHello's share, or a HelloRetryRequest's
                    // selected group (the ServerHello that follows repeats it).
                    EXT_KEY_SHARE => seen.group = e.u16().map(NamedGroup),
                    _ => {}
                }
            }
            seen.version = version;
            seen.cipher_suite = CipherSuite::from_iana(suite);
        }
        // ECDHE: curve_type named_curve (3), then the group.
        SERVER_KEY_EXCHANGE if r.u8() == Some(3) => seen.group = r.u16().map(NamedGroup),
        _ => {}
    }
}

/// The host name of a `server_name` extension.
fn server_name(body: &[u8]) -> Option<String> {
    let mut list = Reader(Reader(body).vector(2)?);
    while let Some(kind) = list.u8() {
        let name = list.vector(2)?;
        if kind == 0 {
            return std::str::from_utf8(name).ok().map(str::to_owned);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_of(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![kind, 3, 3];
        r.extend_from_slice(&u16::try_from(body.len()).unwrap_or(0).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn message_of(kind: u8, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(body.len()).unwrap_or(0).to_be_bytes();
        let mut m = vec![kind, len[1], len[2], len[3]];
        m.extend_from_slice(body);
        m
    }

    fn server_hello(suite: u16, extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&suite.to_be_bytes());
        body.push(0);
        let mut ext = Vec::new();
        for (kind, data) in extensions {
            ext.extend_from_slice(&kind.to_be_bytes());
            ext.extend_from_slice(&u16::try_from(data.len()).unwrap_or(0).to_be_bytes());
            ext.extend_from_slice(data);
        }
        body.extend_from_slice(&u16::try_from(ext.len()).unwrap_or(0).to_be_bytes());
        body.extend_from_slice(&ext);
        message_of(SERVER_HELLO, &body)
    }

    #[test]
    fn tls13_server_hello_split_across_calls() {
        let hello = server_hello(0x1302, &[(43, vec![3, 4]), (51, vec![0, 29, 0, 0])]);
        let bytes = record_of(HANDSHAKE, &hello);
        let mut o = Observer::default();
        for piece in bytes.chunks(3) {
            o.watch(false, piece);
        }
        assert_eq!(o.seen().version, Some(ProtocolVersion::Tls13));
        assert_eq!(o.seen().cipher_suite, Some(CipherSuite::TLS13_AES_256_GCM_SHA384));
        assert_eq!(o.seen().group, Some(NamedGroup::X25519));
        assert!(o.from_server.done, "nothing after a TLS 1.3 ServerHello is plaintext");
    }

    #[test]
    fn tls12_key_exchange_and_change_cipher_spec() {
        let mut flight = server_hello(0xc02b, &[]);
        flight.extend(message_of(SERVER_KEY_EXCHANGE, &[3, 0, 23, 1, 4]));
        let mut bytes = record_of(HANDSHAKE, &flight);
        bytes.extend(record_of(CHANGE_CIPHER_SPEC, &[1]));
        // An encrypted Finished looks like a handshake record: not parsed.
        bytes.extend(record_of(HANDSHAKE, &message_of(SERVER_HELLO, &[0xff; 40])));
        let mut o = Observer::default();
        o.watch(false, &bytes);
        assert_eq!(o.seen().version, Some(ProtocolVersion::Tls12));
        assert_eq!(o.seen().cipher_suite, Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        assert_eq!(o.seen().group, Some(NamedGroup::SECP256R1));
    }

    #[test]
    fn sni_and_garbage() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[1; 32]);
        body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        let name = b"a.test";
        let mut sni = vec![0, 0, 0, 0, 0, 0, 0, 0, 0];
        let list_len = u16::try_from(name.len() + 3).unwrap_or(0).to_be_bytes();
        let ext_len = u16::try_from(name.len() + 5).unwrap_or(0).to_be_bytes();
        sni[2..4].copy_from_slice(&ext_len);
        sni[4..6].copy_from_slice(&list_len);
        sni[7..9].copy_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_be_bytes());
        sni.extend_from_slice(name);
        body.extend_from_slice(&u16::try_from(sni.len()).unwrap_or(0).to_be_bytes());
        body.extend_from_slice(&sni);
        let mut o = Observer::default();
        o.watch(true, &record_of(HANDSHAKE, &message_of(CLIENT_HELLO, &body)));
        assert_eq!(o.seen().server_name.as_deref(), Some("a.test"));
        // Garbage and truncated messages are ignored, never a panic.
        o.watch(true, &record_of(HANDSHAKE, &message_of(CLIENT_HELLO, &[1, 2, 3])));
        o.watch(true, &[22, 3, 3, 0xff, 0xff, 1]);
    }

    #[test]
    fn alerts_in_the_clear() {
        let mut out = record_of(HANDSHAKE, &[0; 4]);
        out.extend(record_of(ALERT, &[2, 48]));
        assert_eq!(last_plaintext_alert(&out), Some(AlertDescription::UNKNOWN_CA));
        assert!(ends_with_record(&out));
        out.extend(record_of(23, &[0; 19]));
        assert_eq!(last_plaintext_alert(&out), None);
        assert!(!ends_with_record(&out[..out.len() - 1]));
    }
}
