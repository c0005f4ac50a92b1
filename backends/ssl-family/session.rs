//! One connection over in-memory buffers: the engine's `Session`. One
//! source for the OpenSSL and BoringSSL engines (`backends/ssl-family`);
//! where the two libraries differ, it calls the crate's `quirks`.

use std::sync::Arc;

use crate::ssl_lib::ssl::{ErrorCode, ShutdownState, Ssl, SslRef, SslStream, SslVersion};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::engine::{Session, SessionContext, SessionStatus, StoreQuery, StoreRef};
use wiretls_core::{Alert, CipherSuite, ClientTls, ConnectionInfo, Error, ProtocolVersion, ServerTls, Side};

use crate::context::{self, ClientContext, ServerContext, SessionCache};
use crate::errors::{engine_error, translate};
use crate::quirks;
use crate::shared::{index, Chains, Shared};

/// Where a read's application data goes.
enum Sink<'a> {
    /// Appended to a vector.
    Vec(&'a mut Vec<u8>),
    /// Into `buf` (its first `filled` bytes are taken), then `overflow`.
    Buffer { buf: &'a mut [u8], filled: &'a mut usize, overflow: &'a mut Vec<u8> },
}

/// How much plaintext one read makes room for.
const READ_CHUNK: usize = 16 * 1024;

/// One connection of the engine: the session a [`wiretls_core::Connection`]
/// drives (the type of [`wiretls_core::StaticEngine`]'s sessions).
pub struct EngineSession {
    stream: SslStream<MemIo>,
    shared: Arc<Shared>,
    handshake_done: bool,
    /// Application data given before the handshake completed.
    pending: Vec<u8>,
    /// `close_notify` asked for before the handshake completed.
    close_pending: bool,
    peer_closed: bool,
    sessions: Option<Arc<SessionCache>>,
    /// The connection ended with a fatal error.
    failed: bool,
    /// The client's session-cache key (its server name).
    session_key: Option<String>,
}

/// The session-cache key of a client connection.
pub(crate) fn cache_key(ssl: &SslRef) -> Option<String> {
    ssl.ex_data(index().ok()?)?.server_name()
}

impl EngineSession {
    pub(crate) fn client(tls: &ClientTls, context: SessionContext) -> Result<Self, Error> {
        let prepared = tls.prepared().get_or_try_init(|| context::client(tls))?;
        let name = tls.server_hostname();
        let shared = Arc::new(
            Shared::new(
                Side::Client,
                StoreQuery::new(StoreRef::Client(tls.client_certificate_store().cloned()), context.waker),
                context.verify,
                Chains::Client(Arc::clone(&prepared.chains)),
                Some(name.to_owned()),
            )
            .with_trust(tls.trust_root().ok()),
        );
        let mut ssl = Ssl::new(&prepared.ctx).map_err(|e| engine_error(&e))?;
        match name.parse::<std::net::IpAddr>() {
            Ok(ip) => ssl.param_mut().set_ip(ip).map_err(|e| engine_error(&e))?,
            Err(_) => {
                ssl.set_hostname(name).map_err(|e| engine_error(&e))?;
                ssl.param_mut().set_host(name).map_err(|e| engine_error(&e))?;
            }
        }
        ssl.param_mut().set_hostflags(
            crate::ssl_lib::x509::verify::X509CheckFlags::NO_PARTIAL_WILDCARDS
                | crate::ssl_lib::x509::verify::X509CheckFlags::NEVER_CHECK_SUBJECT,
        );
        let ClientContext { sessions, .. } = &*prepared;
        if let Some(session) = sessions.as_ref().and_then(|s| s.get(name)) {
            crate::ffi::resume_session(&mut ssl, &session)?;
        }
        Self::new(ssl, shared, sessions.clone(), Some(name.to_owned()))
    }

    pub(crate) fn server(tls: &ServerTls, context: SessionContext) -> Result<Self, Error> {
        let prepared = tls.prepared().get_or_try_init(|| context::server(tls))?;
        let ServerContext { ctx, chains, .. } = &*prepared;
        let shared = Arc::new(
            Shared::new(
                Side::Server,
                StoreQuery::new(StoreRef::Server(Arc::clone(tls.certificates())), context.waker),
                context.verify,
                Chains::Server(Arc::clone(chains)),
                None,
            )
            .with_trust(tls.client_auth().trust_store().cloned()),
        );
        let mut ssl = Ssl::new(ctx).map_err(|e| engine_error(&e))?;
        quirks::start_server(&mut ssl, &prepared.extra)?;
        Self::new(ssl, shared, None, None)
    }

    fn new(
        mut ssl: Ssl,
        shared: Arc<Shared>,
        sessions: Option<Arc<SessionCache>>,
        session_key: Option<String>,
    ) -> Result<Self, Error> {
        ssl.set_ex_data(index()?, Arc::clone(&shared));
        quirks::set_side(&mut ssl, shared.side);
        let stream = SslStream::new(ssl, MemIo::default()).map_err(|e| engine_error(&e))?;
        Ok(Self {
            stream,
            shared,
            handshake_done: false,
            pending: Vec::new(),
            close_pending: false,
            peer_closed: false,
            sessions,
            failed: false,
            session_key,
        })
    }

    /// Run `f` with the library writing straight into `out` (the buffers are
    /// swapped, not copied).
    #[inline]
    fn with_output<T>(&mut self, out: &mut Vec<u8>, f: impl FnOnce(&mut Self) -> T) -> T {
        std::mem::swap(&mut self.stream.get_mut().output, out);
        let result = f(self);
        std::mem::swap(&mut self.stream.get_mut().output, out);
        result
    }

    fn fail(&self, e: &crate::ssl_lib::ssl::Error) -> Error {
        translate(e, self.stream.ssl(), &self.shared)
    }

    /// Advance the handshake, then read application data, as far as the
    /// input allows.
    fn advance(&mut self, plaintext: &mut Sink<'_>) -> Result<(), Error> {
        if !self.handshake_done {
            match self.stream.do_handshake() {
                Ok(()) => {
                    self.handshake_done = true;
                    if !self.pending.is_empty() {
                        let pending = std::mem::take(&mut self.pending);
                        self.write_all(&pending)?;
                    }
                    if self.close_pending {
                        self.shutdown()?;
                    }
                }
                Err(e) if e.code() == ErrorCode::WANT_READ => return Ok(()),
                Err(e) if quirks::suspended(e.code()) => return self.suspended(),
                Err(e) => return Err(self.fail(&e)),
            }
        }
        self.read(plaintext)
    }

    /// The certificate callback suspended the handshake: a store has not
    /// answered, or answered in a way the handshake cannot go on with.
    fn suspended(&mut self) -> Result<(), Error> {
        let mut state = self.shared.lock();
        if let Some(failure) = state.failure.take() {
            drop(state);
            let out = &mut self.stream.get_mut().output;
            return Err(wiretls_core::engine::server_store_failed(failure, self.shared.side, out));
        }
        if state.no_certificate {
            drop(state);
            let server_name = self.shared.server_name();
            let alert = wiretls_core::engine::no_certificate_alert(server_name.as_deref());
            // Only the ClientHello has been read: nothing is encrypted yet.
            self.stream.get_mut().output.extend_from_slice(&Alert::fatal(alert).plaintext_record());
            return Err(Error::NoServerCertificate { server_name, alert_sent: Some(alert) });
        }
        Ok(())
    }

    fn read(&mut self, plaintext: &mut Sink<'_>) -> Result<(), Error> {
        loop {
            let read = match plaintext {
                Sink::Vec(v) => crate::ffi::read_into(&mut self.stream, v, READ_CHUNK),
                Sink::Buffer { buf, filled, .. } if **filled < buf.len() => {
                    let at = **filled;
                    self.stream.ssl_read(&mut buf[at..]).inspect(|n| **filled = at + n)
                }
                Sink::Buffer { overflow, .. } => {
                    crate::ffi::read_into(&mut self.stream, overflow, READ_CHUNK)
                }
            };
            match read {
                Ok(_) => {}
                Err(e) if e.code() == ErrorCode::ZERO_RETURN => {
                    self.peer_closed = true;
                    return Ok(());
                }
                Err(e) if e.code() == ErrorCode::WANT_READ => return self.send_key_update(),
                Err(e) => return Err(self.fail(&e)),
            }
        }
    }

    /// Send the KeyUpdate the library keeps for the application's next
    /// write (its answer to the peer's `update_requested`): a peer waiting
    /// for it must not wait on our application (RFC 8446 4.6.3). Nothing
    /// after our `close_notify`.
    fn send_key_update(&mut self) -> Result<(), Error> {
        let sent_close = self.stream.get_shutdown().contains(ShutdownState::SENT);
        if !self.handshake_done || sent_close {
            return Ok(());
        }
        quirks::send_pending_key_update(&mut self.stream).map_err(|e| self.fail(&e))?;
        // Everything read is processed: an idle connection holds no record buffers.
        quirks::release_idle_buffers(self.stream.ssl());
        Ok(())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut rest = data;
        while !rest.is_empty() {
            match self.stream.ssl_write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) => return Err(self.fail(&e)),
            }
        }
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), Error> {
        match self.stream.shutdown() {
            Ok(_) => Ok(()),
            Err(e) if e.code() == ErrorCode::WANT_READ => Ok(()),
            Err(e) => Err(self.fail(&e)),
        }
    }
}

impl Session for EngineSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.stream.get_mut().feed(input);
        self.with_output(out, |s| s.advance(&mut Sink::Vec(plaintext)))
    }

    fn read_tls_in_place(
        &mut self,
        buf: &mut [u8],
        filled: &mut usize,
        overflow: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.stream.get_mut().feed(buf);
        *filled = 0;
        self.with_output(out, |s| s.advance(&mut Sink::Buffer { buf, filled, overflow }))
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        if !self.handshake_done {
            self.pending.extend_from_slice(data);
            return Ok(());
        }
        self.with_output(out, |s| s.write_all(data))
    }

    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.with_output(out, |s| s.advance(&mut Sink::Vec(plaintext)))
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if !self.handshake_done {
            self.close_pending = true;
            return Ok(());
        }
        self.with_output(out, Self::shutdown)
    }

    fn send_alert(&mut self, alert: Alert, out: &mut Vec<u8>) -> Result<(), Error> {
        self.with_output(out, |s| quirks::send_alert(s.stream.ssl(), alert))
    }

    fn status(&self) -> SessionStatus {
        SessionStatus::new(!self.handshake_done)
            .waiting_for_store(!self.handshake_done && self.shared.query.is_pending())
            .peer_closed(self.peer_closed)
    }

    fn peer_certificates(&self) -> Vec<wiretls_core::Certificate> {
        let ssl = self.stream.ssl();
        let mut peer = Vec::new();
        // A server's peer_cert_chain leaves out the client's leaf.
        if self.shared.side == Side::Server {
            peer.extend(ssl.peer_certificate().and_then(|c| c.to_der().ok()));
        }
        if let Some(chain) = ssl.peer_cert_chain() {
            peer.extend(chain.iter().filter_map(|c| c.to_der().ok()));
        }
        peer.into_iter().filter_map(|der| wiretls_core::Certificate::from_der(der).ok()).collect()
    }

    fn info(&self) -> ConnectionInfo {
        let ssl = self.stream.ssl();
        let mut info = ConnectionInfo::new(self.shared.side);
        info.handshake_complete = self.handshake_done;
        // The version is reported as soon as it is negotiated (the level
        // rules of send_alert depend on it): once a cipher suite is chosen,
        // which is when the library's version is the negotiated one and not
        // the highest it offers.
        if self.handshake_done || ssl.current_cipher().is_some() {
            info.version = match ssl.version2() {
                Some(v) if v == SslVersion::TLS1_3 => Some(ProtocolVersion::Tls13),
                Some(v) if v == SslVersion::TLS1_2 => Some(ProtocolVersion::Tls12),
                _ => None,
            };
        }
        if !self.handshake_done {
            return info;
        }
        info.cipher_suite = ssl.current_cipher().and_then(|c| CipherSuite::from_iana(quirks::suite_id(c)));
        info.key_exchange_group = quirks::group(ssl);
        info.server_name = match self.shared.side {
            Side::Client => self.session_key.clone().filter(|n| n.parse::<std::net::IpAddr>().is_err()),
            Side::Server => ssl.servername(crate::ssl_lib::ssl::NameType::HOST_NAME).map(str::to_owned),
        };
        info.alpn_protocol = ssl.selected_alpn_protocol().map(<[u8]>::to_vec);
        info.resumed = Some(ssl.session_reused());
        info.session_id = ssl.session().map(|s| s.id().to_vec()).filter(|id| !id.is_empty());
        info
    }

    fn forget_session(&mut self) {
        self.failed = true;
        if let (Some(sessions), Some(key)) = (&self.sessions, &self.session_key) {
            sessions.forget(key);
        }
        quirks::forget_session(self.stream.ssl(), self.shared.side);
    }
}

impl Drop for EngineSession {
    /// The library drops the session of a connection freed without a
    /// close_notify exchange (`SSL_free` calls it a bad session). Dropping a
    /// healthy connection is the application's choice, not a fault: mark it
    /// shut down so its session stays resumable. A connection that failed
    /// keeps the library's judgement (and wiretls's: the session is forgotten).
    #[doc(alias = "SSL_set_shutdown")]
    fn drop(&mut self) {
        if self.handshake_done && !self.failed {
            self.stream.set_shutdown(ShutdownState::SENT | ShutdownState::RECEIVED);
        }
    }
}
