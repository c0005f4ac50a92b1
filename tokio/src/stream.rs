//! [`TlsStream`]: a wiretls [`Connection`] over an `AsyncRead + AsyncWrite`
//! transport, itself `AsyncRead + AsyncWrite`.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use wiretls_core::{Certificate, Connection, ConnectionInfo, Error};

/// The most ciphertext a stream keeps for a transport that does not take
/// it: 64 KiB, four full records. A write that would go past it waits
/// until the transport took some (`poll_write` is `Pending`), and a read
/// stops reading while the replies it caused (KeyUpdate answers, alerts)
/// wait, so a peer that does not read bounds both directions.
pub const WIRE_BACKLOG_LIMIT: usize = 64 * 1024;

/// The most plaintext one `poll_write` takes: one full record.
const WRITE_CHUNK: usize = 16 * 1024;

/// The largest read from the transport: four full records, so the peer's
/// plaintext kept before the application reads it is at most 64 KiB.
const READ_SIZE: usize = 64 * 1024;

/// The first read buffer: enough for a handshake flight. It doubles (up to
/// [`READ_SIZE`]) each time a read fills it, so idle and handshaking
/// connections stay small and bulk transfers get full reads.
const FIRST_READ_SIZE: usize = 4 * 1024;

/// A TLS connection over the transport `IO`: [`AsyncRead`] gives the peer's
/// plaintext, [`AsyncWrite`] sends plaintext.
///
/// - The handshake runs in [`TlsConnector::connect`](crate::TlsConnector::connect)
///   or [`TlsAcceptor::accept`](crate::TlsAcceptor::accept); a stream made
///   with [`TlsStream::new`] runs it on first use.
/// - Reading returns EOF (`Ok(())` with nothing read) after the peer's
///   `close_notify`. A transport that ends without one is an
///   [`io::ErrorKind::UnexpectedEof`] error carrying
///   [`Error::BadTlsData`] with [`BadData::Truncated`](wiretls_core::BadData::Truncated).
/// - Every wiretls error reaches the caller as an [`io::Error`] whose source
///   is the typed error ([`Error::from_io`] finds it). What the connection
///   wrote before the error (its alert) is sent first.
/// - `poll_shutdown` sends `close_notify`, flushes it and shuts the
///   transport's write side; reading goes on until the peer's `close_notify`.
/// - The connection's `wire_close(immediate)` is honoured: `true` shuts the
///   transport at once (nothing was left to send), `false` once what was
///   written has been sent.
/// - Buffers are bounded both ways ([`WIRE_BACKLOG_LIMIT`], one record of
///   plaintext each way); vectored writes are gathered into records.
/// - A certificate store that answers later wakes the task; the stream
///   then continues the handshake ([`Connection::proceed`]).
pub struct TlsStream<IO> {
    io: IO,
    conn: Connection,
    /// Bytes at the front of the connection's wire buffer already written.
    sent: usize,
    /// The peer's plaintext not read yet: `scratch[held]` first (written
    /// over the records it came in), then `plain[read..]` (what did not fit
    /// there, and what `proceed` returned).
    plain: Vec<u8>,
    read: usize,
    held: std::ops::Range<usize>,
    /// A wiretls error that waits until the plaintext before it was read
    /// and the alert it caused was sent.
    pending: Option<Error>,
    /// A transport error that came after plaintext was delivered in the
    /// same `poll_read`: returned by the next one.
    transport_error: Option<io::Error>,
    /// The transport's read side ended.
    eof: bool,
    /// `application_finished` was called (by `poll_shutdown`).
    finished: bool,
    /// The transport was shut down.
    shut: bool,
    /// Where the transport's bytes are read to, and their plaintext then
    /// written over them (`Connection::data_from_wire_in_place`). Zeroed
    /// once when made; it grows (doubling) only when it holds nothing.
    scratch: Box<[u8]>,
    /// A read filled `scratch`: make it larger before the next read.
    grow: bool,
    gather: Vec<u8>,
}

impl<IO> TlsStream<IO> {
    /// A stream over `io` for `conn`, a connection started with a
    /// [`MemoryWire`](wiretls_core::MemoryWire) (the stream sends what it
    /// collects). Use this to start the connection yourself (with
    /// [`StartOptions`](wiretls_core::StartOptions), say); the handshake runs
    /// on first use, or with [`TlsStream::handshake`].
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] when the connection's wire keeps no
    /// buffer.
    pub fn new(mut conn: Connection, io: IO) -> io::Result<Self> {
        if conn.wire_buffer().is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a TlsStream needs a connection started with a MemoryWire",
            ));
        }
        Ok(Self {
            io,
            conn,
            sent: 0,
            plain: Vec::new(),
            read: 0,
            held: 0..0,
            pending: None,
            transport_error: None,
            eof: false,
            finished: false,
            shut: false,
            scratch: vec![0; FIRST_READ_SIZE].into_boxed_slice(),
            grow: false,
            gather: Vec::new(),
        })
    }

    /// What the connection negotiated (final once the handshake completed).
    #[must_use]
    pub fn info(&self) -> &ConnectionInfo {
        self.conn.info()
    }

    /// The peer's certificates, leaf first, as it sent them.
    #[must_use]
    pub fn peer_certificates(&self) -> &[Certificate] {
        self.conn.peer_certificates()
    }

    /// The connection.
    #[must_use]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The transport.
    #[must_use]
    pub fn get_ref(&self) -> &IO {
        &self.io
    }

    /// The transport, mutably (reading or writing it directly breaks the
    /// TLS stream).
    pub fn get_mut(&mut self) -> &mut IO {
        &mut self.io
    }

    /// The connection and the transport.
    pub fn into_parts(self) -> (Connection, IO) {
        (self.conn, self.io)
    }

    /// Bytes the connection wrote that the transport has not taken yet
    /// (at most [`WIRE_BACKLOG_LIMIT`] and one record).
    pub fn wire_backlog(&mut self) -> usize {
        self.conn.wire_buffer().map_or(0, |b| b.len()).saturating_sub(self.sent)
    }
}

/// The error for a connection whose wire keeps no buffer (refused by
/// [`TlsStream::new`], so never seen).
fn no_buffer() -> io::Error {
    io::Error::other("the connection's wire keeps no buffer")
}

impl<IO: AsyncRead + AsyncWrite + Unpin> TlsStream<IO> {
    /// Run the handshake to its end (the futures of
    /// [`TlsConnector`](crate::TlsConnector) and [`TlsAcceptor`](crate::TlsAcceptor)
    /// call this).
    ///
    /// # Errors
    /// The handshake's wiretls error as an [`io::Error`], after the alert
    /// it caused was sent; the transport's errors.
    pub async fn handshake(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_handshake(cx)).await
    }

    /// Drive the handshake as far as the transport and the stores allow.
    pub(crate) fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_send(cx))?;
            if let Some(e) = self.pending.take() {
                return Poll::Ready(Err(e.into()));
            }
            if !self.conn.is_handshaking() {
                return Poll::Ready(Ok(()));
            }
            if self.conn.is_waiting_for_store() {
                // Registered before acting, so an answer in between wakes us.
                self.conn.set_waker(cx.waker().clone());
                match self.conn.proceed() {
                    Ok(plaintext) => self.keep(plaintext),
                    Err(e) => self.pending = Some(e),
                }
                if self.pending.is_none() && self.conn.is_waiting_for_store() {
                    ready!(self.poll_send(cx))?;
                    return Poll::Pending;
                }
                continue;
            }
            if self.eof {
                // `wire_eof` reported the truncation; nothing more comes.
                return Poll::Ready(Err(io::Error::from(self.conn.invalidated_by().cloned().unwrap_or(
                    Error::BadTlsData { kind: wiretls_core::BadData::Truncated, alert_sent: None },
                ))));
            }
            ready!(self.poll_receive(cx))?;
        }
    }

    /// Keep plaintext for the application.
    fn keep(&mut self, plaintext: Vec<u8>) {
        if plaintext.is_empty() {
            return;
        }
        if self.read == self.plain.len() {
            self.plain = plaintext;
            self.read = 0;
        } else {
            self.plain.extend_from_slice(&plaintext);
        }
    }

    /// Read once from the transport and give the bytes to the connection.
    /// A wiretls error is kept in `pending` (the plaintext before it is
    /// delivered first); a transport error is returned.
    fn poll_receive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.held.is_empty() {
            // Not reached by `poll_read`, which reads only once `scratch`'s
            // plaintext was taken: kept, in order, before the read below
            // overwrites it.
            let mut kept = self.scratch[self.held.clone()].to_vec();
            kept.extend_from_slice(&self.plain[self.read..]);
            (self.plain, self.read, self.held) = (kept, 0, 0..0);
        }
        if self.grow {
            self.grow = false;
            self.scratch = vec![0; (self.scratch.len() * 2).min(READ_SIZE)].into_boxed_slice();
        }
        let capacity = self.scratch.len();
        let mut buf = ReadBuf::new(&mut self.scratch);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut buf))?;
        let n = buf.filled().len();
        if n == 0 {
            self.eof = true;
            if let Err(e) = self.conn.wire_eof() {
                self.pending = Some(e);
            }
            return Poll::Ready(Ok(()));
        }
        if self.read == self.plain.len() {
            self.plain = Vec::new();
            self.read = 0;
        }
        self.grow = n == capacity && capacity < READ_SIZE;
        match self.conn.data_from_wire_in_place(&mut self.scratch[..n]) {
            Ok(received) => {
                let (head, tail) = received.as_slices();
                self.held = 0..head.len();
                self.plain.extend_from_slice(tail);
            }
            Err(e) => self.pending = Some(e),
        }
        Poll::Ready(Ok(()))
    }

    /// Send what the connection wrote, then act on its `wire_close`
    /// request. `Pending` while the transport does not take more.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let immediate = self.conn.close_requested() == Some(true);
        let Some(buffer) = self.conn.wire_buffer() else { return Poll::Ready(Err(no_buffer())) };
        if immediate {
            // Nothing that matters is left: an immediate close is asked
            // only when no alert went out.
            buffer.clear();
            self.sent = 0;
        }
        while self.sent < buffer.len() {
            match Pin::new(&mut self.io).poll_write(cx, &buffer[self.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(self.tls_error_first(e))),
                Poll::Pending => return Poll::Pending,
            }
        }
        buffer.clear();
        self.sent = 0;
        if self.conn.close_requested().is_some() && !self.shut {
            match ready!(Pin::new(&mut self.io).poll_shutdown(cx)) {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => {
                    return Poll::Ready(Err(self.tls_error_first(e)))
                }
                _ => self.shut = true,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// When sending an alert fails (the peer is gone), the wiretls error
    /// that caused the alert is the one to report.
    fn tls_error_first(&mut self, e: io::Error) -> io::Error {
        match self.pending.take() {
            Some(tls) => tls.into(),
            None => e,
        }
    }

    /// Ready to take plaintext: the handshake completed and the backlog is
    /// under the limit.
    fn poll_write_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_handshake(cx))?;
        if self.wire_backlog() >= WIRE_BACKLOG_LIMIT {
            ready!(self.poll_send(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    /// Encrypt `data` (at most one record) and start sending it.
    fn send_plaintext(&mut self, cx: &mut Context<'_>, data: &[u8]) -> io::Result<()> {
        self.conn.data_from_application(data)?;
        match self.poll_send(cx) {
            Poll::Ready(Err(e)) => Err(e),
            // The rest goes out on the next call (or poll_flush).
            _ => Ok(()),
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.held.is_empty() && this.read == this.plain.len() {
            if let Some(e) = this.transport_error.take() {
                return Poll::Ready(Err(e));
            }
        }
        let start = buf.filled().len();
        loop {
            if !this.held.is_empty() {
                let n = buf.remaining().min(this.held.len());
                buf.put_slice(&this.scratch[this.held.start..this.held.start + n]);
                this.held.start += n;
                if buf.remaining() == 0 {
                    return Poll::Ready(Ok(()));
                }
            }
            if this.read < this.plain.len() {
                let n = buf.remaining().min(this.plain.len() - this.read);
                buf.put_slice(&this.plain[this.read..this.read + n]);
                this.read += n;
                if buf.remaining() == 0 {
                    return Poll::Ready(Ok(()));
                }
            }
            let delivered = buf.filled().len() > start;
            // What the connection wrote (handshake replies, KeyUpdate
            // answers, the answer to close_notify, alerts) goes out first;
            // while too much of it waits, nothing more is read.
            match this.poll_send(cx) {
                Poll::Ready(Err(e)) if !delivered => return Poll::Ready(Err(e)),
                Poll::Ready(Err(e)) => {
                    // Reported on the next call, after this data.
                    this.transport_error = Some(e);
                    return Poll::Ready(Ok(()));
                }
                Poll::Pending if this.wire_backlog() >= WIRE_BACKLOG_LIMIT => {
                    return if delivered { Poll::Ready(Ok(())) } else { Poll::Pending };
                }
                _ => {}
            }
            if delivered && (this.pending.is_some() || this.conn.is_peer_closed() || this.eof) {
                // The error, or the end, comes on the next call.
                return Poll::Ready(Ok(()));
            }
            if let Some(e) = this.pending.take() {
                if this.wire_backlog() > 0 {
                    // Its alert is still on the way.
                    this.pending = Some(e);
                    return Poll::Pending;
                }
                return Poll::Ready(Err(e.into()));
            }
            if this.conn.is_handshaking() {
                ready!(this.poll_handshake(cx))?;
                continue;
            }
            if this.conn.is_peer_closed() || this.eof {
                return Poll::Ready(Ok(()));
            }
            // More while the transport has it at once: fewer, fuller reads.
            match this.poll_receive(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) if delivered => {
                    this.transport_error = Some(e);
                    return Poll::Ready(Ok(()));
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending if delivered => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<IO> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        ready!(this.poll_write_ready(cx))?;
        let n = buf.len().min(WRITE_CHUNK);
        Poll::Ready(this.send_plaintext(cx, &buf[..n]).map(|()| n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let Some(first) = bufs.iter().find(|b| !b.is_empty()) else { return Poll::Ready(Ok(0)) };
        if first.len() >= WRITE_CHUNK || bufs.iter().filter(|b| !b.is_empty()).count() == 1 {
            let first: &[u8] = first;
            return Pin::new(this).poll_write(cx, first);
        }
        ready!(this.poll_write_ready(cx))?;
        // Small slices become one record, not one record each.
        let mut gather = std::mem::take(&mut this.gather);
        gather.clear();
        for b in bufs {
            let take = b.len().min(WRITE_CHUNK - gather.len());
            gather.extend_from_slice(&b[..take]);
            if gather.len() == WRITE_CHUNK {
                break;
            }
        }
        let result = this.send_plaintext(cx, &gather).map(|()| gather.len());
        this.gather = gather;
        Poll::Ready(result)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if !this.finished {
            if this.conn.invalidated_by().is_none() {
                ready!(this.poll_handshake(cx))?;
                this.conn.application_finished()?;
            }
            this.finished = true;
        }
        ready!(this.poll_send(cx))?;
        if !this.shut {
            match ready!(Pin::new(&mut this.io).poll_shutdown(cx)) {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => return Poll::Ready(Err(e)),
                _ => this.shut = true,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<IO> std::fmt::Debug for TlsStream<IO> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("connection", &self.conn)
            .field("eof", &self.eof)
            .field("finished", &self.finished)
            .field("shut", &self.shut)
            .finish_non_exhaustive()
    }
}
