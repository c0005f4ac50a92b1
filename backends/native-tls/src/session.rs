//! One connection over in-memory buffers: native-tls's blocking-style
//! stream over a byte pipe that answers `WouldBlock` when it is empty, so
//! each call runs the library as far as the bytes given allow.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use native_tls::{HandshakeError, MidHandshakeTlsStream, TlsStream};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::engine::{Session, SessionStatus};
use wiretls_core::{Alert, AlertDescription, Certificate, ConnectionInfo, Error, Feature, Side};

use crate::caps::CAPABILITIES;
use crate::errors::{engine_error, translate};
use crate::hello::{self, Observer};

/// How much plaintext one read makes room for.
const READ_CHUNK: usize = 16 * 1024;

/// The pipe native-tls reads and writes. Shared with the session, because
/// a failed handshake consumes native-tls's stream: the alert it wrote must
/// still reach the wire.
#[derive(Clone, Debug, Default)]
struct Pipe(Arc<Mutex<MemIo>>);

impl Pipe {
    fn lock(&self) -> MutexGuard<'_, MemIo> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.lock().read(buf)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// native-tls's stream, through the handshake and after.
enum Stream {
    Handshaking(MidHandshakeTlsStream<Pipe>),
    Established(Box<TlsStream<Pipe>>),
    /// The handshake failed: native-tls kept nothing.
    Failed,
}

/// One connection of the native-tls engine (the type of its
/// [`wiretls_core::StaticEngine`] sessions).
pub struct NativeTlsSession {
    side: Side,
    pipe: Pipe,
    stream: Stream,
    observer: Observer,
    /// The name a client asked for (a DNS name; an IP address sends no SNI).
    server_name: Option<String>,
    /// Application data given before the handshake completed.
    pending: Vec<u8>,
    /// `close_notify` asked for before the handshake completed.
    close_pending: bool,
    close_sent: bool,
    peer_closed: bool,
}

impl NativeTlsSession {
    pub(crate) fn client(connector: &native_tls::TlsConnector, name: &str) -> Result<Self, Error> {
        let pipe = Pipe::default();
        let stream = match connector.connect(name, pipe.clone()) {
            Err(HandshakeError::WouldBlock(mid)) => Stream::Handshaking(mid),
            Err(HandshakeError::Failure(e)) => return Err(engine_error(&e)),
            Ok(established) => Stream::Established(Box::new(established)),
        };
        let server_name = name.parse::<std::net::IpAddr>().is_err().then(|| name.to_owned());
        Ok(Self::new(Side::Client, pipe, stream, server_name))
    }

    pub(crate) fn server(acceptor: &native_tls::TlsAcceptor) -> Result<Self, Error> {
        let pipe = Pipe::default();
        let stream = match acceptor.accept(pipe.clone()) {
            Err(HandshakeError::WouldBlock(mid)) => Stream::Handshaking(mid),
            Err(HandshakeError::Failure(e)) => return Err(engine_error(&e)),
            Ok(established) => Stream::Established(Box::new(established)),
        };
        Ok(Self::new(Side::Server, pipe, stream, None))
    }

    fn new(side: Side, pipe: Pipe, stream: Stream, server_name: Option<String>) -> Self {
        Self {
            side,
            pipe,
            stream,
            observer: Observer::default(),
            server_name,
            pending: Vec::new(),
            close_pending: false,
            close_sent: false,
            peer_closed: false,
        }
    }

    /// Run `f` with the library writing straight into `out` (the buffers
    /// are swapped, not copied), watching what it wrote while the
    /// handshake's plaintext lasts; a failure is translated with the alert
    /// that went out.
    fn with_output(
        &mut self,
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut Self) -> Result<(), Failure>,
    ) -> Result<(), Error> {
        let start = out.len();
        {
            let mut pipe = self.pipe.lock();
            // What the library wrote outside a call (the ClientHello, made
            // when the stream was created) goes first.
            out.append(&mut pipe.output);
            std::mem::swap(&mut pipe.output, out);
        }
        let result = f(self);
        std::mem::swap(&mut self.pipe.lock().output, out);
        let written = &out[start..];
        if !self.observer.finished() {
            self.observer.watch(self.side == Side::Client, written);
        }
        result.map_err(|failure| match failure {
            Failure::Error(e) => e,
            Failure::Library(e) => {
                let alert_written = !written.is_empty() && hello::ends_with_record(written);
                translate(&*e, hello::last_plaintext_alert(written), alert_written)
            }
        })
    }

    /// Take peer bytes.
    fn feed(&mut self, input: &[u8]) {
        if !self.observer.finished() {
            self.observer.watch(self.side == Side::Server, input);
        }
        self.pipe.lock().feed(input);
    }

    /// Advance the handshake, then read application data, as far as the
    /// input allows.
    fn advance(&mut self, plaintext: &mut Vec<u8>) -> Result<(), Failure> {
        if let Stream::Handshaking(_) = self.stream {
            let Stream::Handshaking(mid) = std::mem::replace(&mut self.stream, Stream::Failed) else {
                unreachable!("matched just above")
            };
            match mid.handshake() {
                Err(HandshakeError::WouldBlock(mid)) => {
                    self.stream = Stream::Handshaking(mid);
                    return Ok(());
                }
                Err(HandshakeError::Failure(e)) => return Err(Failure::Library(Box::new(e))),
                Ok(established) => {
                    self.stream = Stream::Established(Box::new(established));
                    let pending = std::mem::take(&mut self.pending);
                    self.write_all(&pending)?;
                    if self.close_pending {
                        self.shutdown()?;
                    }
                }
            }
        }
        self.read(plaintext)
    }

    fn established(&mut self) -> Result<&mut TlsStream<Pipe>, Failure> {
        match &mut self.stream {
            Stream::Established(stream) => Ok(stream),
            _ => Err(Failure::Error(engine_error(&"the connection is not established"))),
        }
    }

    fn read(&mut self, plaintext: &mut Vec<u8>) -> Result<(), Failure> {
        if self.peer_closed {
            return Ok(());
        }
        let stream = self.established()?;
        loop {
            let len = plaintext.len();
            plaintext.resize(len + READ_CHUNK, 0);
            let read = stream.read(&mut plaintext[len..]);
            plaintext.truncate(len + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => {
                    // The pipe never reports its end: this is the peer's close_notify.
                    self.peer_closed = true;
                    return Ok(());
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return self.send_key_update(),
                Err(e) => return Err(Failure::Library(Box::new(e))),
            }
        }
    }

    /// Send what the library keeps for the application's next write (its
    /// answer to the peer's KeyUpdate request), with an empty write.
    fn send_key_update(&mut self) -> Result<(), Failure> {
        if self.close_sent {
            return Ok(());
        }
        match self.established()?.write(&[]) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(Failure::Library(Box::new(e))),
        }
    }

    fn write_all(&mut self, data: &[u8]) -> Result<(), Failure> {
        if data.is_empty() {
            return Ok(());
        }
        let stream = self.established()?;
        let mut rest = data;
        while !rest.is_empty() {
            match stream.write(rest) {
                Ok(0) => return Err(Failure::Error(engine_error(&"the library wrote nothing"))),
                Ok(n) => rest = &rest[n..],
                Err(e) => return Err(Failure::Library(Box::new(e))),
            }
        }
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), Failure> {
        let stream = self.established()?;
        match stream.shutdown() {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(Failure::Library(Box::new(e))),
        }
        self.close_sent = true;
        Ok(())
    }
}

/// A failed step: a wiretls error already, or the library's to translate.
enum Failure {
    Error(Error),
    Library(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Session for NativeTlsSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.feed(input);
        self.with_output(out, |s| s.advance(plaintext))
    }

    /// The plaintext goes straight into the caller's buffer (it is
    /// initialized, so native-tls's `Read` can fill it), then the overflow.
    fn read_tls_in_place(
        &mut self,
        buf: &mut [u8],
        filled: &mut usize,
        overflow: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.feed(buf);
        *filled = 0;
        self.with_output(out, |s| {
            if let Stream::Handshaking(_) = s.stream {
                // Handshake bytes carry no application data until the
                // handshake completes; what follows it in this input does.
                let mut plain = Vec::new();
                let result = s.advance(&mut plain);
                let n = plain.len().min(buf.len());
                buf[..n].copy_from_slice(&plain[..n]);
                overflow.extend_from_slice(&plain[n..]);
                *filled = n;
                return result;
            }
            if s.peer_closed {
                return Ok(());
            }
            let stream = s.established()?;
            while *filled < buf.len() {
                match stream.read(&mut buf[*filled..]) {
                    Ok(0) => {
                        s.peer_closed = true;
                        return Ok(());
                    }
                    Ok(n) => *filled += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return s.send_key_update(),
                    Err(e) => return Err(Failure::Library(Box::new(e))),
                }
            }
            s.read(overflow)
        })
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        if !matches!(self.stream, Stream::Established(_)) {
            self.pending.extend_from_slice(data);
            return Ok(());
        }
        self.with_output(out, |s| s.write_all(data))
    }

    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.with_output(out, |s| s.advance(plaintext))
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if !matches!(self.stream, Stream::Established(_)) {
            self.close_pending = true;
            return Ok(());
        }
        self.with_output(out, Self::shutdown)
    }

    fn send_alert(&mut self, alert: Alert, out: &mut Vec<u8>) -> Result<(), Error> {
        if alert.description == AlertDescription::CLOSE_NOTIFY {
            return self.close_notify(out);
        }
        Err(CAPABILITIES.unsupported(Feature::SendAlert(alert.description)))
    }

    fn status(&self) -> SessionStatus {
        SessionStatus::new(!matches!(self.stream, Stream::Established(_))).peer_closed(self.peer_closed)
    }

    fn info(&self) -> ConnectionInfo {
        let mut info = ConnectionInfo::new(self.side);
        let seen = self.observer.seen();
        info.version = seen.version;
        let Stream::Established(stream) = &self.stream else { return info };
        info.handshake_complete = true;
        info.cipher_suite = seen.cipher_suite;
        info.key_exchange_group = seen.group;
        info.server_name = match self.side {
            Side::Client => self.server_name.clone(),
            Side::Server => seen.server_name.clone(),
        };
        info.alpn_protocol = stream.negotiated_alpn().ok().flatten();
        info
    }

    fn peer_certificates(&self) -> Vec<Certificate> {
        let Stream::Established(stream) = &self.stream else { return Vec::new() };
        let leaf = stream.peer_certificate().ok().flatten().and_then(|c| c.to_der().ok());
        leaf.and_then(|der| Certificate::from_der(der).ok()).into_iter().collect()
    }
}
