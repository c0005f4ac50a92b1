//! The seed's `Connection`: one TLS connection, driven by the bytes the
//! application moves.
//!
//! Methods fall in four groups, as in quinn-proto: input
//! ([`data_from_wire`](Connection::data_from_wire),
//! [`wire_eof`](Connection::wire_eof), [`resume`](Connection::resume)),
//! output through the [`Wire`] callbacks, commands
//! ([`data_from_application`](Connection::data_from_application),
//! [`send_alert`](Connection::send_alert),
//! [`application_finished`](Connection::application_finished)) and getters
//! ([`info`](Connection::info), [`is_handshaking`](Connection::is_handshaking), ...).
//!
//! # Closing
//! - `application_finished()` sends `close_notify`; further
//!   `data_from_application` calls fail with [`Error::Invalidated`]
//!   ([`InvalidatedReason::Finished`]); reading goes on.
//! - When the peer's `close_notify` arrives, the connection answers with its
//!   own (if it has not sent one) and calls `wire_close(false)`. Later
//!   non-empty `data_from_wire` calls fail with
//!   [`InvalidatedReason::Closed`]; bytes that followed the `close_notify` in
//!   the same input are ignored, as RFC 8446 section 6.1 requires.
//! - A fatal error (ours or the peer's) invalidates the connection: the alert
//!   we send, if any, is written first, then `wire_close(false)` so the
//!   transport may deliver it; after a fatal alert from the peer, or a
//!   truncated stream, `wire_close(true)`.
//! - [`wire_eof`](Connection::wire_eof) tells the connection that the
//!   transport's read side ended: without a `close_notify` first, that is a
//!   truncation attack or a crash, reported as [`BadData::Truncated`].

use std::sync::{Arc, Mutex};
use std::task::Waker;

use crate::alert::{Alert, AlertDescription, AlertLevel};
use crate::cert::Certificate;
use crate::engine::{Session, SessionStatus};
use crate::error::{BadData, Error, InvalidatedReason};
use crate::suites::{CipherSuite, NamedGroup, ProtocolVersion};
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
    /// The peer's certificates as it sent them, leaf first.
    pub peer_certificates: Vec<Certificate>,
    /// Whether the session was resumed (`None`: the engine cannot tell).
    pub resumed: Option<bool>,
    /// The TLS session id, where the engine exposes one.
    pub session_id: Option<Vec<u8>>,
}

impl ConnectionInfo {
    /// Nothing negotiated yet (for engines, which fill in the fields).
    pub fn new(side: Side) -> Self {
        Self {
            side,
            handshake_complete: false,
            version: None,
            cipher_suite: None,
            key_exchange_group: None,
            server_name: None,
            alpn_protocol: None,
            peer_certificates: Vec::new(),
            resumed: None,
            session_id: None,
        }
    }
}

/// One TLS connection (the seed's `Connection`).
pub struct Connection {
    side: Side,
    session: Box<dyn Session>,
    wire: Box<dyn Wire>,
    out: Vec<u8>,
    waker: Arc<Mutex<Option<Waker>>>,
    /// The error that invalidated the connection.
    failed: Option<Error>,
    /// An error that came after application data in the same input: the data
    /// was returned, the error waits for the next call.
    deferred: Option<Error>,
    finished: bool,
    peer_closed: bool,
    /// `Some(immediate)` once `wire_close` was called.
    close_requested: Option<bool>,
}

impl Connection {
    pub(crate) fn new(
        side: Side,
        session: Box<dyn Session>,
        wire: Box<dyn Wire>,
        waker: Arc<Mutex<Option<Waker>>>,
    ) -> Result<Self, Error> {
        let mut conn = Self {
            side,
            session,
            wire,
            out: Vec::new(),
            waker,
            failed: None,
            deferred: None,
            finished: false,
            peer_closed: false,
            close_requested: None,
        };
        // The client's first flight (or a server store's synchronous answer
        // with nothing to send yet) goes out now.
        let mut plaintext = Vec::new();
        let done = conn.drive(|session, out| session.resume(&mut plaintext, out));
        conn.settle(done)?;
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
            return if input.is_empty() { Ok(()) } else { Err(self.closed()) };
        }
        let done = self.drive(|session, out| session.read_tls(input, plaintext, out));
        self.settle(done)
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
    /// (see [`crate::store`]): the next flight is written to the wire, and
    /// the application data that peer bytes kept meanwhile held is returned.
    /// Does nothing while no answer is there. Any `data_from_wire` call
    /// resumes too.
    ///
    /// # Errors
    /// As [`Connection::data_from_wire`].
    pub fn resume(&mut self) -> Result<Vec<u8>, Error> {
        self.check_live()?;
        let mut plaintext = Vec::new();
        let done = self.drive(|session, out| session.resume(&mut plaintext, out));
        match self.settle(done) {
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
            return Err(self.closed());
        }
        let done = self.drive(|session, out| session.write_plaintext(output, out));
        self.settle(done)
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
        let level = description.resolve_level(level, self.session.info().version)?;
        self.check_live()?;
        if description == AlertDescription::CLOSE_NOTIFY {
            return self.application_finished();
        }
        let alert = Alert { level, description };
        self.drive(|session, out| session.send_alert(alert, out)).0?;
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
        let done = self.drive(|session, out| session.close_notify(out));
        self.settle(done)
    }

    /// Register the waker woken when a certificate store answers (from any
    /// thread). The application then calls [`Connection::resume`].
    pub fn set_waker(&mut self, waker: Waker) {
        *self.waker.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(waker);
    }

    // ---- Getters --------------------------------------------------------------

    /// What has been negotiated so far.
    pub fn info(&self) -> ConnectionInfo {
        self.session.info()
    }

    /// Which end this is.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The handshake has not completed.
    pub fn is_handshaking(&self) -> bool {
        self.session.status().handshaking
    }

    /// The handshake waits for a certificate store's answer.
    pub fn is_waiting_for_store(&self) -> bool {
        self.session.status().waiting_for_store
    }

    /// The peer's `close_notify` arrived.
    pub fn is_peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// `Some(immediate)` once the connection asked its wire to close (the
    /// `immediate` flag of that `wire_close` call), `None` before.
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
    pub fn invalidated_by(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    // ---- Internals ------------------------------------------------------------

    #[inline]
    fn check_live(&self) -> Result<(), Error> {
        match &self.failed {
            None => Ok(()),
            Some(Error::Invalidated { reason }) => Err(Error::Invalidated { reason: reason.clone() }),
            Some(e) => {
                Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(Box::new(e.clone())) })
            }
        }
    }

    fn closed(&self) -> Error {
        Error::Invalidated { reason: InvalidatedReason::Closed }
    }

    /// Send what the engine produced, then act on its result and status.
    /// Every error an engine returns from the data path ends the connection:
    /// with a graceful close when an alert went out, an immediate one when
    /// nothing did (the peer's own alert, a truncation, an engine failure).
    #[inline]
    fn settle(&mut self, (result, wrote): (Result<(), Error>, bool)) -> Result<(), Error> {
        match result {
            Ok(()) => {
                let SessionStatus { peer_closed, .. } = self.session.status();
                if peer_closed && !self.peer_closed {
                    self.peer_closed = true;
                    if !self.finished {
                        self.finished = true;
                        // The connection is ending; a failure to say goodbye changes nothing.
                        let _ = self.drive(|session, out| session.close_notify(out));
                    }
                    self.request_close(false);
                }
                Ok(())
            }
            Err(e) => {
                self.fail(e.clone(), !wrote);
                Err(e)
            }
        }
    }

    fn fail(&mut self, e: Error, immediate: bool) {
        self.session.forget_session();
        self.failed = Some(e);
        self.request_close(immediate);
    }

    /// Run one engine call with the buffer its output goes to: the wire's
    /// own buffer when it has one (written once, in place), else ours, handed
    /// to `write_to_wire` after the call. Returns the result and whether
    /// anything was written.
    #[inline]
    fn drive(
        &mut self,
        call: impl FnOnce(&mut dyn Session, &mut Vec<u8>) -> Result<(), Error>,
    ) -> (Result<(), Error>, bool) {
        if let Some(buffer) = self.wire.buffer() {
            let before = buffer.len();
            let result = call(&mut *self.session, buffer);
            let wrote = buffer.len() > before;
            return (result, wrote);
        }
        let result = call(&mut *self.session, &mut self.out);
        let wrote = !self.out.is_empty();
        if wrote {
            self.wire.write_owned(&mut self.out);
        }
        (result, wrote)
    }

    fn request_close(&mut self, immediate: bool) {
        if self.close_requested.is_none() {
            self.close_requested = Some(immediate);
            self.wire.wire_close(immediate);
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("side", &self.side)
            .field("status", &self.session.status())
            .field("failed", &self.failed)
            .field("finished", &self.finished)
            .field("peer_closed", &self.peer_closed)
            .finish_non_exhaustive()
    }
}
