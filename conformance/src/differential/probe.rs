//! One attack against one server over a 127.0.0.1 socket, and what the
//! server answered, reduced to what a peer can observe and compare.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One thing the attacking client does.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes (a write the server refuses ends the writing).
    Send(Vec<u8>),
    /// Wait, so that the server answers what came before.
    Pause(Duration),
    /// Shut the writing half (a FIN): the peer went away mid-handshake.
    Finish,
}

/// How the connection ended, seen from the client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum End {
    /// The server closed it (FIN).
    Closed,
    /// The server reset it (RST): it closed with bytes of ours unread.
    Reset,
    /// Still open when the client stopped waiting: the server waits for more.
    #[default]
    Open,
}

/// The server's ServerHello (or HelloRetryRequest), as far as it is in
/// plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    /// The negotiated version (supported_versions, else legacy_version).
    pub version: u16,
    /// The chosen suite.
    pub suite: u16,
    /// The key share's group (TLS 1.3).
    pub group: Option<u16>,
    /// A HelloRetryRequest rather than a ServerHello.
    pub retry: bool,
    /// The random ends with RFC 8446's downgrade sentinel.
    pub downgrade_sentinel: bool,
}

/// What a peer observes of the server's answer to an attack.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The server's hello, when it sent one.
    pub hello: Option<Hello>,
    /// The first plaintext alert (level, description).
    pub alert: Option<(u8, u8)>,
    /// The last record is encrypted and as long as a sealed alert is
    /// (2 bytes, the content type and a 16-byte tag): a TLS 1.3 alert.
    pub sealed_alert: bool,
    /// How the connection ended.
    pub end: End,
    /// The server's KeyUpdate inside a session: its `request_update` value.
    pub key_update: Option<u8>,
    /// Application data came inside a session (the page).
    pub data: bool,
    /// The extension types of the server's EncryptedExtensions (sorted),
    /// inside a session.
    pub encrypted_extensions: Option<Vec<u16>>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(h) = self.hello {
            let kind = if h.retry { "HelloRetryRequest" } else { "ServerHello" };
            write!(f, "{kind} {:#06x} {:#06x}", h.version, h.suite)?;
            if let Some(g) = h.group {
                write!(f, " group {g}")?;
            }
            if h.downgrade_sentinel {
                write!(f, " +sentinel")?;
            }
            write!(f, ", ")?;
        }
        if let Some(types) = &self.encrypted_extensions {
            write!(f, "EE {types:?}, ")?;
        }
        if let Some(requested) = self.key_update {
            write!(f, "KeyUpdate({requested}), ")?;
        }
        if self.data {
            write!(f, "data, ")?;
        }
        match self.alert {
            Some((level, description)) if self.sealed_alert => {
                write!(f, "sealed alert {level}/{description}, ")?
            }
            Some((level, description)) => write!(f, "alert {level}/{description}, ")?,
            None if self.sealed_alert => write!(f, "sealed alert, ")?,
            None => write!(f, "no alert, ")?,
        }
        write!(f, "{:?}", self.end)
    }
}

/// How long the client waits for more once it has nothing left to send.
const IDLE: Duration = Duration::from_millis(700);
/// The longest one probe may take.
const LIMIT: Duration = Duration::from_secs(10);

/// Run `steps` against the server at `addr` and observe its answer.
///
/// # Panics
/// When the server cannot be reached at all.
pub fn probe(addr: SocketAddr, steps: &[Step]) -> Outcome {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    let _ = stream.set_nodelay(true);
    let done: Arc<Mutex<Option<Instant>>> = Arc::default();
    let reader = {
        let mut stream = stream.try_clone().unwrap_or_else(|e| panic!("clone the socket: {e}"));
        let done = Arc::clone(&done);
        thread::spawn(move || receive(&mut stream, &done))
    };
    let mut writer = &stream;
    for step in steps {
        match step {
            Step::Send(bytes) => {
                if writer.write_all(bytes).is_err() {
                    break;
                }
            }
            Step::Pause(d) => thread::sleep(*d),
            Step::Finish => {
                let _ = stream.shutdown(Shutdown::Write);
            }
        }
    }
    *done.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
    let (bytes, end) = reader.join().unwrap_or_else(|_| (Vec::new(), End::Open));
    observe(&bytes, end)
}

fn receive(stream: &mut TcpStream, done: &Mutex<Option<Instant>>) -> (Vec<u8>, End) {
    let start = Instant::now();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut bytes = Vec::new();
    let mut last = Instant::now();
    let mut buf = [0u8; 16_384];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (bytes, End::Closed),
            Ok(n) => {
                bytes.extend_from_slice(&buf[..n]);
                last = Instant::now();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                let finished = *done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(at) = finished {
                    if last.max(at).elapsed() >= IDLE {
                        return (bytes, End::Open);
                    }
                }
                if start.elapsed() >= LIMIT {
                    return (bytes, End::Open);
                }
            }
            Err(_) => return (bytes, End::Reset),
        }
    }
}

const RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2,
    0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// What the server's bytes show: its hello, its first plaintext alert,
/// whether it ended with a sealed alert.
pub fn observe(bytes: &[u8], end: End) -> Outcome {
    let mut handshake = Vec::new();
    let mut alert = None;
    let mut last = None;
    let mut rest = bytes;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let Some(body) = rest.get(5..5 + len) else { break };
        match rest[0] {
            21 if len == 2 && alert.is_none() => alert = Some((body[0], body[1])),
            22 => handshake.extend_from_slice(body),
            _ => {}
        }
        last = Some((rest[0], if rest[0] == 23 { len } else { 0 }));
        rest = &rest[5 + len..];
    }
    let sealed_alert = matches!(last, Some((23, 19)));
    Outcome { hello: server_hello(&handshake), alert, sealed_alert, end, ..Outcome::default() }
}

fn server_hello(handshake: &[u8]) -> Option<Hello> {
    if handshake.first() != Some(&2) || handshake.len() < 4 {
        return None;
    }
    let len = usize::from(handshake[1]) << 16 | usize::from(handshake[2]) << 8 | usize::from(handshake[3]);
    let body = handshake.get(4..4 + len)?;
    let legacy = u16::from_be_bytes([*body.first()?, *body.get(1)?]);
    let random = body.get(2..34)?;
    let sid = usize::from(*body.get(34)?);
    let at = 35 + sid;
    let suite = u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]);
    let mut exts = body.get(at + 5..).unwrap_or(&[]);
    let (mut version, mut group) = (legacy, None);
    while exts.len() >= 4 {
        let kind = u16::from_be_bytes([exts[0], exts[1]]);
        let n = usize::from(u16::from_be_bytes([exts[2], exts[3]]));
        let Some(data) = exts.get(4..4 + n) else { break };
        match kind {
            43 if n == 2 => version = u16::from_be_bytes([data[0], data[1]]),
            51 if n >= 2 => group = Some(u16::from_be_bytes([data[0], data[1]])),
            _ => {}
        }
        exts = &exts[4 + n..];
    }
    Some(Hello {
        version,
        suite,
        group,
        retry: random == RETRY_RANDOM,
        downgrade_sentinel: random[24..31] == *b"DOWNGRD",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::craft::record;

    #[test]
    fn a_plaintext_alert_and_a_sealed_one_are_told_apart() {
        let plain = record(21, 0x0303, &[2, 40]);
        assert_eq!(observe(&plain, End::Closed).alert, Some((2, 40)));
        let sealed = record(23, 0x0303, &[0; 19]);
        let o = observe(&sealed, End::Closed);
        assert!(o.sealed_alert && o.alert.is_none());
    }
}
