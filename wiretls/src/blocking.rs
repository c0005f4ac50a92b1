//! A [`Connection`] over a blocking transport: any `Read + Write`, such as a
//! [`TcpStream`].
//!
//! Every application of the sans-IO [`Connection`] over a socket writes the
//! same loop: hand the socket's bytes to `data_from_wire`, send what the
//! connection wrote after *every* call (also after an error: the alert is in
//! the wire's buffer and never leaves otherwise), answer a certificate store
//! that replies later with `proceed`, and shut the socket when the connection
//! asks (`wire_close`). [`TlsStream`] is that loop, once, with the plaintext
//! side as [`Read`] and [`Write`].
//!
//! Every wiretls [`Error`] reaches the caller as an [`io::Error`] whose
//! source is the typed error: [`Error::from_io`] finds it
//! ([`io::Error::get_ref`] and a downcast), [`io::Error::into_inner`] takes
//! it out.
//!
//! A client and a server over a real socket:
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//! use wiretls::blocking::TlsStream;
//! use wiretls::{CertificateChain, ClientTls, ServerTls, TrustStore};
//!
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures");
//! # let chain_pem = std::fs::read(format!("{dir}/server-p256.pem"))?;
//! # let root_pem = std::fs::read(format!("{dir}/root-ca.pem"))?;
//! let engine = wiretls::default_shared_engine(); // an Arc<dyn Engine>, for both threads
//! let server_tls = ServerTls::from_chain(CertificateChain::from_pem(&chain_pem)?);
//! let client_tls = ClientTls::new("server.wiretls.test")?.with_trust_root(TrustStore::from_pem(&root_pem)?);
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let addr = listener.local_addr()?;
//! let server_engine = engine.clone();
//! let server = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
//!     let (socket, _) = listener.accept()?;
//!     let mut tls = TlsStream::server(&server_tls, &server_engine, socket)?
//!         .with_wire_close(wiretls::blocking::shutdown_tcp);
//!     let mut request = [0u8; 5];
//!     tls.read_exact(&mut request)?; // the handshake runs first
//!     tls.write_all(b"bye")?;
//!     let mut rest = Vec::new();
//!     tls.read_to_end(&mut rest)?; // to the client's close_notify, which is answered
//!     Ok(request.to_vec())
//! });
//!
//! let socket = TcpStream::connect(addr)?;
//! let mut tls = TlsStream::client(&client_tls, &engine, socket)?
//!     .with_wire_close(wiretls::blocking::shutdown_tcp);
//! tls.handshake()?;
//! assert_eq!(tls.info().version, Some(wiretls::ProtocolVersion::Tls13));
//! tls.write_all(b"hello")?;
//! let mut reply = [0u8; 3];
//! tls.read_exact(&mut reply)?;
//! assert_eq!(&reply, b"bye");
//! tls.close()?; // close_notify; reading goes on
//! assert_eq!(tls.read(&mut [0u8; 16])?, 0); // the server's close_notify: the end
//! assert_eq!(server.join().expect("the server thread")?, b"hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};
use std::thread::Thread;

use wiretls_core::{
    BadData, ClientTls, Connection, ConnectionInfo, Engine, Error, InvalidatedReason, MemoryWire, Outbox,
    ServerTls,
};

/// A TLS connection over a blocking transport `S`: [`Read`] gives the
/// peer's plaintext, [`Write`] sends plaintext. See the [module](self) for an
/// example.
///
/// - The handshake runs on the first [`read`](Read::read), [`write`](Write::write)
///   or [`close`](TlsStream::close), or explicitly with
///   [`handshake`](TlsStream::handshake).
/// - `read` returns `Ok(0)` (EOF) after the peer's `close_notify`, which
///   the connection answers with its own (so nothing can be written after
///   it, as [`Connection`] documents under "Closing"). A
///   transport that ends without one is an [`io::ErrorKind::UnexpectedEof`]
///   error carrying [`Error::BadTlsData`] with [`BadData::Truncated`].
/// - What the connection writes goes to `S` after every call into it,
///   errors included, so alerts reach the peer.
/// - When the connection asks its wire to close, the function given to
///   [`with_wire_close`](TlsStream::with_wire_close) is called (for a
///   [`TcpStream`]: [`shutdown_tcp`]); without one, `S` is left open for
///   the application to drop.
/// - A certificate store that answers later, from another thread, is waited
///   for: the stream parks the thread on the connection's waker
///   ([`Connection::set_waker`]) and then calls [`Connection::proceed`].
pub struct TlsStream<S> {
    conn: Connection,
    out: Output,
    transport: S,
    wire_close: Option<fn(&mut S, bool) -> io::Result<()>>,
    /// The peer's plaintext not read yet: `received[read..]`.
    received: Vec<u8>,
    read: usize,
    /// An error that came after plaintext in the same input: returned once
    /// that plaintext has been read.
    pending: Option<Error>,
    /// The transport's read side ended.
    eof: bool,
    /// The wire-close request was acted on.
    closed: bool,
    buffer: Vec<u8>,
}

/// Where the connection's TLS bytes are.
enum Output {
    /// The connection's own [`MemoryWire`], read through `wire_buffer`.
    Memory,
    /// An [`Outbox`] the connection writes into.
    Outbox(Outbox),
}

/// The size of one read from the transport: a full TLS record and its header.
const READ_SIZE: usize = 16 * 1024 + 2048 + 5;

impl<S: Read + Write> TlsStream<S> {
    /// Start a client over `transport` (already connected). Nothing is sent
    /// until the first call that does I/O.
    ///
    /// # Errors
    /// The errors of [`ClientTls::start`], as [`io::Error`]s.
    pub fn client(tls: &ClientTls, engine: &dyn Engine, transport: S) -> io::Result<Self> {
        let conn = tls.start(engine, MemoryWire::new()).map_err(io::Error::from)?;
        Ok(Self::with_output(conn, Output::Memory, transport))
    }

    /// Start a server over `transport` (an accepted connection).
    ///
    /// # Errors
    /// The errors of [`ServerTls::start`], as [`io::Error`]s.
    pub fn server(tls: &ServerTls, engine: &dyn Engine, transport: S) -> io::Result<Self> {
        let conn = tls.start(engine, MemoryWire::new()).map_err(io::Error::from)?;
        Ok(Self::with_output(conn, Output::Memory, transport))
    }

    /// Drive a connection the application started itself (for instance with
    /// a verify callback) on a [`MemoryWire`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use wiretls::blocking::TlsStream;
    /// use wiretls::{Certificate, ClientTls, MemoryWire, Reject, StartOptions, VerifyContext};
    ///
    /// let engine = wiretls::default_engine();
    /// let tls = ClientTls::new("example.com")?;
    /// let verify = |chain: &[Certificate], _: &VerifyContext<'_>| -> Result<(), Reject> {
    ///     println!("the server sent {} certificates", chain.len());
    ///     Ok(())
    /// };
    /// let conn = tls.start_with(&engine, MemoryWire::new(), StartOptions::new().verify(verify))?;
    /// let stream = TlsStream::new(conn, std::io::Cursor::new(Vec::new()))?;
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] when the connection's wire keeps no
    /// buffer (start it on a [`MemoryWire`], or use
    /// [`TlsStream::with_outbox`]).
    pub fn new(mut conn: Connection, transport: S) -> io::Result<Self> {
        if conn.wire_buffer().is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the connection's wire keeps no buffer: start it on a MemoryWire, or use TlsStream::with_outbox",
            ));
        }
        Ok(Self::with_output(conn, Output::Memory, transport))
    }

    /// Drive a connection the application started on `outbox`'s wire
    /// (`tls.start(engine, outbox.wire())`).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use wiretls::blocking::TlsStream;
    /// use wiretls::{ClientTls, Outbox};
    ///
    /// let engine = wiretls::default_engine();
    /// let outbox = Outbox::new();
    /// let conn = ClientTls::new("example.com")?.start(&engine, outbox.wire())?;
    /// let stream = TlsStream::with_outbox(conn, outbox, std::io::Cursor::new(Vec::new()));
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_outbox(conn: Connection, outbox: Outbox, transport: S) -> Self {
        Self::with_output(conn, Output::Outbox(outbox), transport)
    }

    fn with_output(conn: Connection, out: Output, transport: S) -> Self {
        Self {
            conn,
            out,
            transport,
            wire_close: None,
            received: Vec::new(),
            read: 0,
            pending: None,
            eof: false,
            closed: false,
            buffer: Vec::new(),
        }
    }

    /// Call `wire_close(transport, immediate)` when the connection asks its
    /// wire to close (the seed's `wire_close_callback`), after the bytes it
    /// wrote before (unless `immediate`) have been sent. For a
    /// [`TcpStream`], [`shutdown_tcp`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use wiretls::blocking::{shutdown_tcp, TlsStream};
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let socket = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// # let tls = wiretls::ClientTls::new("example.com")?;
    /// # let engine = wiretls::default_engine();
    /// let stream = TlsStream::client(&tls, &engine, socket)?.with_wire_close(shutdown_tcp);
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_wire_close(mut self, wire_close: fn(&mut S, bool) -> io::Result<()>) -> Self {
        self.wire_close = Some(wire_close);
        self
    }

    /// Run the handshake to its end (it also runs on the first `read`,
    /// `write` or `close`). Does nothing once it has completed.
    ///
    /// # Errors
    /// The connection's error ([`Error::PeerCertificate`],
    /// [`Error::AlertReceived`], ...) as the source of an [`io::Error`],
    /// after its alert was sent; [`io::ErrorKind::UnexpectedEof`] when the
    /// transport ends first; the transport's own errors.
    pub fn handshake(&mut self) -> io::Result<()> {
        self.flush_wire()?;
        while self.conn.is_handshaking() {
            if let Some(e) = self.pending.take() {
                return Err(io::Error::from(e));
            }
            if let Some(e) = self.ended() {
                return Err(e);
            }
            if self.eof {
                return Err(io::Error::from(Error::BadTlsData {
                    kind: BadData::Truncated,
                    alert_sent: None,
                }));
            }
            self.fill()?;
        }
        self.flush_wire()
    }

    /// The application will send no more data: run the handshake to its end
    /// if needed, send `close_notify` (the seed's `application_finished`)
    /// and flush. Reading goes on: `read` returns EOF after the peer's
    /// `close_notify`, and then the connection asks the wire to close.
    /// Calling it again does nothing.
    ///
    /// # Errors
    /// As [`TlsStream::handshake`]; the transport's errors while flushing.
    pub fn close(&mut self) -> io::Result<()> {
        if self.conn.is_handshaking() && self.conn.invalidated_by().is_none() {
            self.handshake()?;
        }
        let finished = self.conn.application_finished();
        self.flush_wire()?;
        finished.map_err(io::Error::from)?;
        self.transport.flush()
    }

    /// What the connection negotiated ([`Connection::info`]).
    #[must_use]
    pub fn info(&self) -> &ConnectionInfo {
        self.conn.info()
    }

    /// The peer's certificates, leaf first ([`Connection::peer_certificates`]).
    #[must_use]
    pub fn peer_certificates(&self) -> &[wiretls_core::Certificate] {
        self.conn.peer_certificates()
    }

    /// The connection.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, to call it directly (for instance
    /// [`Connection::send_alert`]); what it writes is sent on the next call
    /// of the stream that does I/O, or on [`Write::flush`].
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The transport.
    pub fn transport(&self) -> &S {
        &self.transport
    }

    /// The transport, mutably (reading from or writing to it directly
    /// breaks the TLS stream).
    pub fn transport_mut(&mut self) -> &mut S {
        &mut self.transport
    }

    /// The connection and the transport, and the plaintext received but
    /// not read yet.
    pub fn into_parts(self) -> (Connection, S, Vec<u8>) {
        let unread = self.received[self.read..].to_vec();
        (self.conn, self.transport, unread)
    }

    // ---- Internals ------------------------------------------------------------

    /// Make progress on input: wait for a certificate store, or read once
    /// from the transport and hand the bytes to the connection. Always
    /// flushes what the connection wrote, errors included.
    fn fill(&mut self) -> io::Result<()> {
        // The client's first flight, or what a direct call on the connection wrote.
        self.flush_wire()?;
        if self.conn.is_waiting_for_store() {
            wait_for_store(&mut self.conn);
            let result = self.conn.proceed();
            self.flush_wire()?;
            return match result {
                Ok(plaintext) => {
                    self.received.extend_from_slice(&plaintext);
                    Ok(())
                }
                Err(e) => Err(io::Error::from(e)),
            };
        }
        if self.buffer.len() < READ_SIZE {
            self.buffer.resize(READ_SIZE, 0);
        }
        let n = self.transport.read(&mut self.buffer)?;
        let result = if n == 0 {
            self.eof = true;
            self.conn.wire_eof()
        } else {
            self.compact();
            self.conn.data_from_wire_into(&self.buffer[..n], &mut self.received)
        };
        self.flush_wire()?;
        match result {
            Ok(()) => Ok(()),
            // Plaintext that came before the fault is read first.
            Err(e) if self.read < self.received.len() => {
                self.pending = Some(e);
                Ok(())
            }
            Err(e) => Err(io::Error::from(e)),
        }
    }

    /// Drop the plaintext already read.
    fn compact(&mut self) {
        if self.read == self.received.len() {
            self.received.clear();
            self.read = 0;
        }
    }

    /// Send what the connection wrote, then act on its wire-close request.
    fn flush_wire(&mut self) -> io::Result<()> {
        let immediate = self.conn.close_requested();
        let bytes = match &self.out {
            Output::Outbox(outbox) => outbox.take(),
            Output::Memory => self.conn.wire_buffer().map(std::mem::take).unwrap_or_default(),
        };
        if self.closed {
            return Ok(());
        }
        // An immediate close frees everything at once (nothing of value is
        // left: the connection sent no alert then).
        if !bytes.is_empty() && immediate != Some(true) {
            self.transport.write_all(&bytes)?;
            self.transport.flush()?;
        }
        if let Some(immediate) = immediate {
            self.closed = true;
            if let Some(wire_close) = self.wire_close {
                wire_close(&mut self.transport, immediate)?;
            }
        }
        Ok(())
    }

    /// The error for a call on a connection that has ended.
    fn ended(&self) -> Option<io::Error> {
        let e = self.conn.invalidated_by()?;
        Some(io::Error::from(match e {
            Error::Invalidated { .. } => e.clone(),
            other => Error::Invalidated { reason: InvalidatedReason::PreviousError(Box::new(other.clone())) },
        }))
    }
}

impl<S: Read + Write> Read for TlsStream<S> {
    /// The peer's plaintext; `Ok(0)` after its `close_notify`.
    ///
    /// # Errors
    /// As [`TlsStream::handshake`]; after the connection ended with an error,
    /// [`Error::Invalidated`] holding it.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.read < self.received.len() {
                let n = buf.len().min(self.received.len() - self.read);
                buf[..n].copy_from_slice(&self.received[self.read..self.read + n]);
                self.read += n;
                return Ok(n);
            }
            if let Some(e) = self.pending.take() {
                return Err(io::Error::from(e));
            }
            if self.conn.is_peer_closed() {
                return Ok(0);
            }
            if let Some(e) = self.ended() {
                return Err(e);
            }
            if self.eof {
                // wire_eof already answered; a truncation was reported then.
                return Err(io::Error::from(Error::BadTlsData {
                    kind: BadData::Truncated,
                    alert_sent: None,
                }));
            }
            self.fill()?;
        }
    }
}

impl<S: Read + Write> Write for TlsStream<S> {
    /// Encrypt `data` and send it (after running the handshake to its end).
    ///
    /// # Errors
    /// As [`TlsStream::handshake`]; [`Error::Invalidated`] after
    /// [`TlsStream::close`] or once the connection ended.
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        if self.conn.is_handshaking() && self.conn.invalidated_by().is_none() {
            self.handshake()?;
        }
        let result = self.conn.data_from_application(data);
        self.flush_wire()?;
        result.map_err(io::Error::from)?;
        Ok(data.len())
    }

    /// Send what the connection wrote and flush the transport.
    fn flush(&mut self) -> io::Result<()> {
        self.flush_wire()?;
        self.transport.flush()
    }
}

impl<S> fmt::Debug for TlsStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsStream")
            .field("conn", &self.conn)
            .field("unread", &(self.received.len() - self.read))
            .field("eof", &self.eof)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

/// A [`TlsStream::with_wire_close`] function for a [`TcpStream`]: shut the
/// write side (`immediate == false`: the peer reads what was sent, then
/// EOF) or both sides (`immediate`). A socket the peer already closed is no
/// error.
///
/// # Errors
/// The errors of [`TcpStream::shutdown`], except `NotConnected`.
pub fn shutdown_tcp(stream: &mut TcpStream, immediate: bool) -> io::Result<()> {
    let how = if immediate { Shutdown::Both } else { Shutdown::Write };
    match stream.shutdown(how) {
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
        other => other,
    }
}

/// Park this thread until a certificate store's answer wakes it (at once
/// when the answer is already there).
fn wait_for_store(conn: &mut Connection) {
    let parker = Arc::new(Parker { thread: std::thread::current(), woken: AtomicBool::new(false) });
    conn.set_waker(Waker::from(Arc::clone(&parker)));
    while !parker.woken.load(Ordering::Acquire) {
        std::thread::park();
    }
}

/// A waker that unparks one thread.
struct Parker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for Parker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}
