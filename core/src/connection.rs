use std::sync::Arc;
use std::task::Waker;

use crate::alert::{Alert, AlertDescription, AlertLevel};
use crate::cert::Certificate;
use crate::error::{BadData, Callback, Error, InvalidatedReason};
use crate::store::StoreWaker;
use crate::suites::{CipherSuite, NamedGroup, ProtocolVersion};
use crate::traits::{Session, SessionStatus};
use crate::verify::VerifyHook;
use crate::wire::Wire;

/// Which end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Side {
    /// The end that sends the ClientHello.
    Client,
    /// The end that answers it.
    Server,
}

/// What a connection negotiated (the seed's TODO: "connections should
/// probably have a .cipher_suite, .tls_version, .session_id, ...").
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionInfo {
    /// This end.
    pub side: Side,
    /// The handshake has completed.
    pub handshake_complete: bool,
    /// The negotiated version.
    pub version: Option<ProtocolVersion>,
    /// The negotiated cipher suite.
    pub cipher_suite: Option<CipherSuite>,
    /// The key-exchange group.
    pub key_exchange_group: Option<NamedGroup>,
    /// The SNI name (sent by a client, received by a server).
    pub server_name: Option<String>,
    /// The ALPN protocol chosen.
    pub alpn_protocol: Option<Vec<u8>>,
    /// Whether the session was resumed (`None`: the engine cannot tell).
    pub resumed: Option<bool>,
    /// The TLS session id, where the engine exposes one.
    pub session_id: Option<Vec<u8>>,
}

impl ConnectionInfo {
    /// Nothing negotiated yet (for engines, which fill in the fields).
    #[must_use]
    pub fn new(side: Side) -> Self {
        Self {
            side,
            handshake_complete: false,
            version: None,
            cipher_suite: None,
            key_exchange_group: None,
            server_name: None,
            alpn_protocol: None,
            resumed: None,
            session_id: None,
        }
    }
}

/// The seed's `Connection`: one TLS connection, driven by the bytes the
/// application moves.
///
/// Methods fall in four groups, as in quinn-proto: input
/// ([`data_from_wire`](Connection::data_from_wire),
/// [`wire_eof`](Connection::wire_eof), [`proceed`](Connection::proceed)),
/// output through the [`Wire`] callbacks, commands
/// ([`data_from_application`](Connection::data_from_application),
/// [`send_alert`](Connection::send_alert),
/// [`application_finished`](Connection::application_finished)) and getters
/// ([`info`](Connection::info), [`is_handshaking`](Connection::is_handshaking), ...).
///
/// # Closing
/// - `application_finished()` sends `close_notify`; further
///   `data_from_application` calls fail with [`Error::Invalidated`]
///   ([`InvalidatedReason::Finished`]); reading goes on.
/// - When the peer's `close_notify` arrives, the connection answers with its
///   own (if it has not sent one) and calls `wire_close(false)`. Later
///   non-empty `data_from_wire` calls fail with
///   [`InvalidatedReason::Closed`]; bytes that followed the `close_notify` in
///   the same input are ignored, as RFC 8446 section 6.1 requires.
/// - A fatal error (ours or the peer's) invalidates the connection: the alert
///   we send, if any, is written first, then `wire_close(false)` so the
///   transport may deliver it; after a fatal alert from the peer, or a
///   truncated stream, `wire_close(true)`.
/// - [`wire_eof`](Connection::wire_eof) tells the connection that the
///   transport's read side ended: without a `close_notify` first, that is a
///   truncation attack or a crash, reported as [`BadData::Truncated`].
/// - `application_finished()` before the handshake completed (also while a
///   certificate store has not answered) is kept: the `close_notify` goes
///   out as soon as the handshake completes, after the application data
///   given before it. A handshake that fails sends its own alert instead
///   and never the `close_notify`.
///
/// # Application callbacks that panic
/// A panic in the verify callback, a certificate store or the wire's
/// callbacks is caught at the boundary (it never unwinds through an
/// engine's C code): the call that ran it returns
/// [`Error::CallbackPanicked`], the connection is invalidated (the verify
/// callback's panic is a veto, so the peer gets `bad_certificate`), and
/// later calls answer [`Error::Invalidated`].
///
/// # Static dispatch
/// `Connection` with no type arguments (`Connection<dyn Session, dyn Wire>`)
/// holds an engine chosen at run time. An engine that implements
/// [`StaticEngine`](crate::StaticEngine) can also be started with
/// [`ClientTls::start_static`](crate::ClientTls::start_static): the result,
/// `Connection<E::ClientSession, W>` (or `E::ServerSession`), calls its session and wire directly (no
/// virtual calls; the compiler may inline the engine's data path). It is
/// the same type with the same code: every rule here holds for both.
pub struct Connection<S: Session + ?Sized = dyn Session, W: Wire + ?Sized = dyn Wire> {
    side: Side,
    session: Box<S>,
    wire: Box<W>,
    out: Vec<u8>,
    waker: Arc<StoreWaker>,
    hook: Option<Arc<VerifyHook>>,
    /// The error that invalidated the connection.
    failed: Option<Error>,
    /// An error that came after application data in the same input: the data
    /// was returned, the error waits for the next call.
    deferred: Option<Error>,
    finished: bool,
    /// `application_finished` came before the handshake completed: the
    /// `close_notify` goes out when it does.
    close_pending: bool,
    peer_closed: bool,
    /// `Some(immediate)` once `wire_close` was called.
    close_requested: Option<bool>,
    /// Peer bytes given while the handshake waited for a store.
    buffered_while_waiting: usize,
    /// What `data_from_wire_in_place` received beyond the caller's buffer.
    overflow: Vec<u8>,
    /// What was negotiated: asked of the session after each call while
    /// handshaking, then kept.
    info: ConnectionInfo,
    /// The peer's chain, asked of the session once, on first use after the
    /// handshake completed (parsing it costs as much as a part of the
    /// handshake; a connection that never looks at it never pays).
    peer_certificates: std::cell::OnceCell<Vec<Certificate>>,
}

impl Connection {
    /// How many bytes from the peer a connection keeps while its handshake
    /// waits for a certificate store (64 KiB: four full records, more than
    /// any flight a peer may send there). More is
    /// [`BadData::BufferLimit`], with an `unexpected_message` alert.
    pub const STORE_WAIT_BUFFER_LIMIT: usize = 64 * 1024;
}

impl<S: Session + ?Sized, W: Wire + ?Sized> Connection<S, W> {
    pub(crate) fn new(
        side: Side,
        session: Box<S>,
        wire: Box<W>,
        waker: Arc<StoreWaker>,
        hook: Option<Arc<VerifyHook>>,
    ) -> Result<Self, Error> {
        let mut conn = Self {
            side,
            session,
            wire,
            out: Vec::new(),
            waker,
            hook,
            failed: None,
            deferred: None,
            finished: false,
            close_pending: false,
            peer_closed: false,
            close_requested: None,
            buffered_while_waiting: 0,
            overflow: Vec::new(),
            info: ConnectionInfo::new(side),
            peer_certificates: std::cell::OnceCell::new(),
        };
        // The client's first flight (or a server store's synchronous answer
        // with nothing to send yet) goes out now.
        let mut plaintext = Vec::new();
        let done = conn.call_engine(|session, out| session.proceed(&mut plaintext, out));
        conn.conclude(done)?;
        Ok(conn)
    }

    // ---- Input ----------------------------------------------------------------

    /// Process bytes from the transport and return the application data they
    /// held (the seed's `data_from_wire`). Incomplete records are kept for
    /// the next call. Handshake replies, alerts and `close_notify` answers go
    /// to the wire.
    ///
    /// When a fault follows application data in the same input, the data is
    /// returned now and the error from the next call (so no data is lost).
    ///
    /// # Errors
    /// [`Error::AlertReceived`] (`TLSAlertError`), [`Error::BadTlsData`]
    /// (`BadTLSDataError`), [`Error::PeerCertificate`], [`Error::Rejected`],
    /// [`Error::Invalidated`] (`InvalidatedError`) once invalidated.
    pub fn data_from_wire(&mut self, input: &[u8]) -> Result<Vec<u8>, Error> {
        let mut plaintext = Vec::new();
        match self.data_from_wire_into(input, &mut plaintext) {
            Err(e) if !plaintext.is_empty() && self.deferred.is_none() => {
                self.deferred = Some(e);
                Ok(plaintext)
            }
            Err(e) => Err(e),
            Ok(()) => Ok(plaintext),
        }
    }

    /// [`Connection::data_from_wire`] appending the application data to
    /// `plaintext` (no allocation per call). On an error, the data that
    /// arrived before the fault is already in `plaintext`.
    ///
    /// # Errors
    /// As [`Connection::data_from_wire`].
    pub fn data_from_wire_into(&mut self, input: &[u8], plaintext: &mut Vec<u8>) -> Result<(), Error> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.check_live()?;
        if self.peer_closed {
            return if input.is_empty() { Ok(()) } else { Err(self.closed_error()) };
        }
        if self.session.status().waiting_for_store {
            self.buffered_while_waiting = self.buffered_while_waiting.saturating_add(input.len());
            if self.buffered_while_waiting > Connection::STORE_WAIT_BUFFER_LIMIT {
                return Err(self.refuse_flood());
            }
        } else {
            self.buffered_while_waiting = 0;
        }
        let done = self.call_engine(|session, out| session.read_tls(input, plaintext, out));
        self.conclude(done)
    }

    /// [`Connection::data_from_wire`] in the caller's buffer: `buf` holds
    /// the bytes from the transport, and once the engine has taken them the
    /// application data is written over them, from the start. What does not
    /// fit (a record begun in an earlier call can hold more than this
    /// input) is kept in the connection and returned as the second part.
    /// Incomplete records are kept for the next call, as with
    /// `data_from_wire`; a fault after application data is reported by the
    /// next call. The OpenSSL and BoringSSL engines read straight into
    /// `buf`; rustls's buffered API copies through its own buffer.
    ///
    /// ```
    /// # fn demo(conn: &mut wiretls_core::Connection, socket_bytes: &mut [u8]) -> Result<(), wiretls_core::Error> {
    /// let received = conn.data_from_wire_in_place(socket_bytes)?;
    /// let (head, tail) = received.as_slices();
    /// # let _ = (head, tail);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Connection::data_from_wire`].
    pub fn data_from_wire_in_place<'a>(&'a mut self, buf: &'a mut [u8]) -> Result<Received<'a>, Error> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.check_live()?;
        self.overflow.clear();
        if self.peer_closed {
            return if buf.is_empty() { Ok(Received::default()) } else { Err(self.closed_error()) };
        }
        if self.session.status().waiting_for_store {
            self.buffered_while_waiting = self.buffered_while_waiting.saturating_add(buf.len());
            if self.buffered_while_waiting > Connection::STORE_WAIT_BUFFER_LIMIT {
                return Err(self.refuse_flood());
            }
        } else {
            self.buffered_while_waiting = 0;
        }
        let mut overflow = std::mem::take(&mut self.overflow);
        let mut filled = 0;
        let done =
            self.call_engine(|session, out| session.read_tls_in_place(buf, &mut filled, &mut overflow, out));
        self.overflow = overflow;
        match self.conclude(done) {
            Err(e) if (filled > 0 || !self.overflow.is_empty()) && self.deferred.is_none() => {
                self.deferred = Some(e);
            }
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        Ok(Received { head: &buf[..filled], tail: &self.overflow })
    }

    /// The transport's read side ended (EOF). After the peer's
    /// `close_notify` that is the clean end; before it, a truncation.
    ///
    /// # Errors
    /// [`Error::BadTlsData`] with [`BadData::Truncated`] (and the connection
    /// is invalidated) when no `close_notify` arrived first.
    pub fn wire_eof(&mut self) -> Result<(), Error> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        if self.peer_closed || self.failed.is_some() {
            return Ok(());
        }
        let e = Error::BadTlsData { kind: BadData::Truncated, alert_sent: None };
        self.fail(e.clone(), true);
        Err(e)
    }

    /// Continue a handshake that waited for a certificate store's answer
    /// (see [`CertificateChainCallback`](crate::CertificateChainCallback)): the next flight is written to the wire, and
    /// the application data that peer bytes kept meanwhile held is returned.
    /// Does nothing while no answer is there. Any `data_from_wire` call
    /// resumes too.
    ///
    /// # Errors
    /// As [`Connection::data_from_wire`].
    pub fn proceed(&mut self) -> Result<Vec<u8>, Error> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.check_live()?;
        let mut plaintext = Vec::new();
        let done = self.call_engine(|session, out| session.proceed(&mut plaintext, out));
        match self.conclude(done) {
            Err(e) if !plaintext.is_empty() => {
                self.deferred = Some(e);
                Ok(plaintext)
            }
            Err(e) => Err(e),
            Ok(()) => Ok(plaintext),
        }
    }

    // ---- Commands -------------------------------------------------------------

    /// Encrypt application data and write it to the wire (the seed's
    /// `data_from_application`). Before the handshake completes, the data is
    /// kept and sent as soon as it can be.
    ///
    /// # Errors
    /// [`Error::Invalidated`] after a fatal error, after
    /// `application_finished`, or once the connection is closed.
    #[inline]
    pub fn data_from_application(&mut self, output: &[u8]) -> Result<(), Error> {
        self.check_live()?;
        if self.finished {
            return Err(Error::Invalidated { reason: InvalidatedReason::Finished });
        }
        if self.peer_closed {
            return Err(self.closed_error());
        }
        match self.call_engine(|session, out| session.write_plaintext(output, out)) {
            // A write reads nothing: neither the handshake's state nor the
            // peer's changes, so `conclude` has nothing to do unless the
            // write failed or the wire's callback panicked.
            Ok(()) if self.failed.is_none() => Ok(()),
            other => self.conclude_cold(other),
        }
    }

    /// Send an alert (the seed's `send_alert(alert_code, level=None)`).
    /// `level: None` picks the level the specification mandates. A fatal
    /// alert invalidates the connection and asks the transport to close; a
    /// `close_notify` is [`Connection::application_finished`].
    ///
    /// # Errors
    /// [`Error::InvalidAlertLevel`] for a level the specification forbids, or
    /// a missing level where it leaves the choice open;
    /// [`Error::ReservedAlert`]; [`Error::Unsupported`] when the engine cannot
    /// send this alert (the connection is unchanged); [`Error::Invalidated`].
    pub fn send_alert(
        &mut self,
        description: AlertDescription,
        level: Option<AlertLevel>,
    ) -> Result<(), Error> {
        self.check_live()?;
        let level = description.resolve_level(level, self.info.version)?;
        if description == AlertDescription::CLOSE_NOTIFY {
            return self.application_finished();
        }
        let alert = Alert { level, description };
        self.call_engine(|session, out| session.send_alert(alert, out))?;
        if level == AlertLevel::Fatal {
            self.session.forget_session();
            self.failed = Some(Error::Invalidated { reason: InvalidatedReason::AlertSent(alert) });
            self.request_close(false);
        }
        Ok(())
    }

    /// The application will send no more data: send `close_notify` (the
    /// seed's `application_finished`). Reading goes on until the peer's
    /// `close_notify`. Calling it again does nothing.
    ///
    /// # Errors
    /// [`Error::Invalidated`] after a fatal error.
    pub fn application_finished(&mut self) -> Result<(), Error> {
        self.check_live()?;
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        if self.session.status().handshaking {
            // Sent when the handshake completes (see the module's "Closing").
            self.close_pending = true;
            return Ok(());
        }
        let done = self.call_engine(|session, out| session.close_notify(out));
        self.conclude(done)
    }

    /// Register the waker woken when a certificate store answers (from any
    /// thread). The application then calls [`Connection::proceed`]. When a
    /// store answered before the waker was registered and the connection has
    /// not acted on it yet, the waker is woken at once.
    pub fn set_waker(&mut self, waker: Waker) {
        self.waker.register(waker);
    }

    // ---- Getters --------------------------------------------------------------

    /// What has been negotiated so far: final once the handshake completed
    /// (computed then, once; this call only reads it).
    #[must_use]
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// The peer's certificates as it sent them, leaf first (asked of the
    /// engine on the first call, then kept): empty before the handshake
    /// completed and when the peer sent none (a client
    /// without a certificate; a resumed session, on engines that do not
    /// keep the chain with the session). The verify callback gets the
    /// certification path built from them, during the handshake.
    #[must_use]
    pub fn peer_certificates(&self) -> &[Certificate] {
        if !self.info.handshake_complete {
            return &[];
        }
        self.peer_certificates.get_or_init(|| self.session.peer_certificates())
    }

    /// Which end this is.
    #[must_use]
    pub fn side(&self) -> Side {
        self.side
    }

    /// The handshake has not completed.
    #[must_use]
    pub fn is_handshaking(&self) -> bool {
        self.session.status().handshaking
    }

    /// The handshake waits for a certificate store: the store was asked and
    /// the handshake has not gone on with its answer yet (it may have
    /// answered: [`Connection::proceed`] goes on). The same on every engine.
    #[must_use]
    pub fn is_waiting_for_store(&self) -> bool {
        self.session.status().waiting_for_store
    }

    /// The peer's `close_notify` arrived.
    #[must_use]
    pub fn is_peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// `Some(immediate)` once the connection asked its wire to close (the
    /// `immediate` flag of that `wire_close` call), `None` before.
    #[must_use]
    pub fn close_requested(&self) -> Option<bool> {
        self.close_requested
    }

    /// The buffer of a wire that collects bytes in memory (such as
    /// [`MemoryWire`](crate::MemoryWire)): the TLS bytes written so far, for
    /// the application to carry to the peer and then clear. `None` for wires
    /// without one.
    pub fn wire_buffer(&mut self) -> Option<&mut Vec<u8>> {
        self.wire.buffer()
    }

    /// The connection is invalidated: the error that caused it.
    #[must_use]
    pub fn invalidated_by(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    // ---- Internals ------------------------------------------------------------

    #[inline(always)]
    fn check_live(&self) -> Result<(), Error> {
        match &self.failed {
            None => Ok(()),
            Some(e) => Err(Self::invalidated(e)),
        }
    }

    /// The error of every call after `e` invalidated the connection.
    #[cold]
    #[inline(never)]
    fn invalidated(e: &Error) -> Error {
        match e {
            Error::Invalidated { reason } => Error::Invalidated { reason: reason.clone() },
            e => Error::Invalidated { reason: InvalidatedReason::PreviousError(Box::new(e.clone())) },
        }
    }

    fn closed_error(&self) -> Error {
        Error::Invalidated { reason: InvalidatedReason::Closed }
    }

    /// Act on an engine call's result and the session's status. Every error
    /// an engine returns from the data path ends the connection: with a
    /// graceful close when an alert went out, an immediate one when none
    /// did (the peer's own alert, a truncation, an engine failure).
    #[inline]
    fn conclude(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        match result {
            Ok(()) => {
                let SessionStatus { peer_closed, handshaking, .. } = self.session.status();
                if self.close_pending && !handshaking {
                    self.close_pending = false;
                    if let Err(e) = self.call_engine(|session, out| session.close_notify(out)) {
                        return self.conclude(Err(e));
                    }
                }
                if peer_closed && !self.peer_closed {
                    self.peer_closed = true;
                    if !self.finished {
                        self.finished = true;
                        // The connection is ending; a failure to say goodbye changes nothing.
                        let _ = self.call_engine(|session, out| session.close_notify(out));
                    }
                    self.request_close(false);
                }
                match &self.failed {
                    // A wire callback panicked during the call.
                    Some(e @ Error::CallbackPanicked { .. }) => Err(e.clone()),
                    _ => Ok(()),
                }
            }
            Err(e) => {
                if let Some(Error::CallbackPanicked { .. }) = &self.failed {
                    // A wire callback panicked first: that is the error.
                    return Err(self.failed.clone().unwrap_or(e));
                }
                let e = match self.hook.as_ref().and_then(|hook| hook.take_panic()) {
                    Some(message) => Error::CallbackPanicked {
                        callback: Callback::Verify,
                        message,
                        alert_sent: e.alert_sent(),
                    },
                    None => e,
                };
                let immediate = e.alert_sent().is_none();
                self.fail(e.clone(), immediate);
                Err(e)
            }
        }
    }

    /// [`Connection::conclude`] out of line, for the hot paths' rare cases.
    #[cold]
    #[inline(never)]
    fn conclude_cold(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        self.conclude(result)
    }

    fn fail(&mut self, e: Error, immediate: bool) {
        self.session.forget_session();
        self.failed = Some(e);
        self.request_close(immediate);
    }

    /// The peer kept sending while the handshake waited for a store: send
    /// `unexpected_message` (through the engine where it can, else as a
    /// plain record: nothing is encrypted before a server's store answered)
    /// and invalidate.
    fn refuse_flood(&mut self) -> Error {
        let description = AlertDescription::UNEXPECTED_MESSAGE;
        let alert = Alert { level: AlertLevel::Fatal, description };
        let sent = self.call_engine(|session, out| {
            session.send_alert(alert, out).or_else(|_| {
                out.extend_from_slice(&alert.plaintext_record());
                Ok(())
            })
        });
        let e =
            Error::BadTlsData { kind: BadData::BufferLimit, alert_sent: sent.is_ok().then_some(description) };
        self.fail(e.clone(), false);
        e
    }

    /// Run one engine call with the buffer its output goes to: the wire's
    /// own buffer when it has one (written once, in place), else ours, handed
    /// to `write_to_wire` after the call. A panic of `write_to_wire`
    /// invalidates the connection ([`Error::CallbackPanicked`]).
    #[inline]
    fn call_engine(
        &mut self,
        call: impl FnOnce(&mut S, &mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        // Whatever a store answered so far, this call acts on.
        self.waker.clear();
        if let Some(buffer) = self.wire.buffer() {
            let result = call(&mut *self.session, buffer);
            self.refresh_info();
            return result;
        }
        let result = call(&mut *self.session, &mut self.out);
        self.refresh_info();
        if !self.out.is_empty() {
            let (wire, out) = (&mut self.wire, &mut self.out);
            if let Err(e) = Error::catch_callback(Callback::WriteToWire, || wire.write_owned(out)) {
                self.out.clear();
                self.fail(e, true);
            }
        }
        result
    }

    /// Keep what the session negotiated: while the handshake runs, after
    /// every call; once it completed, never again.
    #[inline]
    fn refresh_info(&mut self) {
        if !self.info.handshake_complete {
            self.info = self.session.info();
        }
    }

    fn request_close(&mut self, immediate: bool) {
        if self.close_requested.is_none() {
            self.close_requested = Some(immediate);
            let wire = &mut self.wire;
            if let Err(e) = Error::catch_callback(Callback::WireClose, || wire.wire_close(immediate)) {
                self.session.forget_session();
                if !matches!(self.failed, Some(Error::CallbackPanicked { .. })) {
                    self.failed = Some(e);
                }
            }
        }
    }
}

impl<S: Session + ?Sized, W: Wire + ?Sized> std::fmt::Debug for Connection<S, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("side", &self.side)
            .field("status", &self.session.status())
            .field("failed", &self.failed)
            .field("finished", &self.finished)
            .field("close_pending", &self.close_pending)
            .field("peer_closed", &self.peer_closed)
            .finish_non_exhaustive()
    }
}

/// The application data [`Connection::data_from_wire_in_place`] received:
/// first the part written into the caller's buffer, then what did not fit
/// there (kept in the connection until its next call).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received<'a> {
    head: &'a [u8],
    tail: &'a [u8],
}

impl<'a> Received<'a> {
    /// The two parts: in the caller's buffer, and beyond it.
    #[must_use]
    pub fn as_slices(&self) -> (&'a [u8], &'a [u8]) {
        (self.head, self.tail)
    }

    /// How many bytes arrived.
    #[must_use]
    pub fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Nothing arrived.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The data in one new vector.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        [self.head, self.tail].concat()
    }
}
