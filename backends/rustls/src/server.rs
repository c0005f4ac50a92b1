//! The server side: rustls's `Acceptor` reads the ClientHello, the
//! application's `ServerCertificates` answers (now or later), and the
//! server config for that chain takes over.

use std::fmt;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;
use rustls::server::{Accepted, Acceptor, ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{Connection, ServerConfig, SupportedProtocolVersion};
use wiretls_core::engine::cache::ChainCache;
use wiretls_core::engine::StoreRef;
use wiretls_core::engine::{no_certificate_alert, server_store_failed};
use wiretls_core::engine::{ChainRequest, Session, SessionContext, SessionStatus, VerifyHook};
use wiretls_core::Engine as _;
use wiretls_core::{
    Alert, BadData, CertificateChain, ClientAuth, ConfigError, ConnectionInfo, Error, Feature,
    ServerCertificates, ServerTls, Side,
};

use wiretls_core::engine::record::RecordBoundaries;

use crate::pump;
use crate::sessions::{ForgettingServerStore, KeyCache};
use crate::verify::{root_store, HookedClientVerifier, PerConnection, Scope};
use crate::{provider_for, rustls_versions, RustlsEngine};

/// What every connection of one `ServerTls` shares.
struct PreparedServer {
    provider: Arc<CryptoProvider>,
    versions: Vec<&'static SupportedProtocolVersion>,
    client_verifier: Arc<dyn ClientCertVerifier>,
    sessions: Arc<ForgettingServerStore>,
    alpn: Vec<Vec<u8>>,
    keys: KeyCache,
    engine: &'static str,
    /// One config per chain the store returned.
    configs: ChainCache<ServerConfig>,
}

fn prepare(engine: &RustlsEngine, tls: &ServerTls) -> Result<PreparedServer, Error> {
    if tls.dh_params().is_some() {
        return Err(engine.capabilities().unsupported(Feature::DhParams));
    }
    let provider = provider_for(engine, tls.usable_cipher_suites(), tls.groups())?;
    let build_err = |e: rustls::server::VerifierBuilderError| Error::Engine {
        engine: engine.name(),
        detail: e.to_string(),
    };
    let builder = |trust| -> Result<_, Error> {
        let builder =
            WebPkiClientVerifier::builder_with_provider(Arc::new(root_store(trust)?), Arc::clone(&provider));
        Ok(if tls.client_ca_names() { builder } else { builder.clear_root_hint_subjects() })
    };
    let webpki = match tls.client_auth() {
        ClientAuth::None => None,
        ClientAuth::Optional(trust) => {
            Some(builder(trust)?.allow_unauthenticated().build().map_err(build_err)?)
        }
        ClientAuth::Required(trust) => Some(builder(trust)?.build().map_err(build_err)?),
        _ => {
            return Err(engine
                .capabilities()
                .unsupported(Feature::NewerSetting("this client authentication mode")))
        }
    };
    let client_verifier: Arc<dyn ClientCertVerifier> = match webpki {
        None => WebPkiClientVerifier::no_client_auth(),
        Some(inner) => Arc::new(HookedClientVerifier {
            inner,
            trust: tls.client_auth().trust_store().cloned().ok_or(Error::Engine {
                engine: engine.name(),
                detail: "client authentication without a trust store".into(),
            })?,
        }),
    };
    let prepared = PreparedServer {
        provider,
        versions: rustls_versions(tls.versions()),
        client_verifier,
        sessions: Arc::new(ForgettingServerStore::new()),
        alpn: tls.alpn_protocols().to_vec(),
        keys: KeyCache::default(),
        engine: engine.name(),
        configs: ChainCache::default(),
    };
    // Fail now, not at the first client, when the versions and suites clash.
    prepared.build(None, Arc::clone(&prepared.client_verifier))?;
    Ok(prepared)
}

impl PreparedServer {
    fn build(
        &self,
        key: Option<Arc<CertifiedKey>>,
        verifier: Arc<dyn ClientCertVerifier>,
    ) -> Result<ServerConfig, Error> {
        let mut config = ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_protocol_versions(&self.versions)
            .map_err(|_| Error::Config(ConfigError::NoUsableCipherSuites))?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(Fixed(key)));
        config.session_storage = Arc::clone(&self.sessions) as _;
        config.alpn_protocols = self.alpn.clone();
        // The configured suite order is the server's preference, as on every engine.
        config.ignore_client_order = true;
        Ok(config)
    }

    /// The config for `chain` (one per chain, shared by its connections).
    fn config(&self, chain: &CertificateChain) -> Result<Arc<ServerConfig>, Error> {
        self.configs.get_or_try_insert(chain, |chain| {
            let key = self.keys.certified_key(chain, &self.provider, self.engine)?;
            self.build(Some(key), Arc::clone(&self.client_verifier))
        })
    }
}

/// A cert resolver that always gives the chain the store chose.
#[derive(Debug)]
struct Fixed(Option<Arc<CertifiedKey>>);

impl ResolvesServerCert for Fixed {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0.clone()
    }
}

enum State {
    /// Reading the ClientHello.
    Accepting(Box<Acceptor>),
    /// The store was asked; waiting for its answer.
    Waiting { accepted: Box<Accepted>, request: ChainRequest },
    /// The handshake goes on in `conn`.
    Connected(Box<Connection>),
    /// Failed before a connection existed.
    Failed,
}

/// A rustls server connection: the session a [`wiretls_core::Connection`]
/// drives ([`wiretls_core::StaticEngine::ServerSession`] of [`crate::RustlsEngine`]).
pub struct ServerSession {
    state: State,
    /// Peer bytes that arrived while the store had not answered.
    pending: Vec<u8>,
    server_name: Option<String>,
    prepared: Arc<PreparedServer>,
    store: Arc<dyn ServerCertificates>,
    hook: Option<Arc<VerifyHook>>,
    /// The verify hook's scope, once the SNI name is known.
    hooks: Option<Arc<PerConnection>>,
    /// The record in progress while reading the ClientHello.
    record: Vec<u8>,
    waker: Arc<wiretls_core::engine::StoreWaker>,
    peer_closed: bool,
    /// Application data given before the connection existed.
    queued: Vec<u8>,
    records: RecordBoundaries,
    /// Warning alerts taken before the ClientHello (refused beyond
    /// [`MAX_WARNING_ALERTS`], as rustls refuses them after it).
    warning_alerts: usize,
    /// Our `close_notify` went out: nothing more is sent.
    sent_close: bool,
    engine: &'static str,
}

/// The warning alerts a server takes before the ClientHello: rustls's own
/// limit for a connection (and BoringSSL's `kMaxWarningAlerts`).
const MAX_WARNING_ALERTS: usize = 4;

/// The longest plaintext record (RFC 8446 5.1, RFC 5246 6.2.1).
const MAX_PLAINTEXT_RECORD: usize = 1 << 14;

impl ServerSession {
    pub(crate) fn start(
        engine: &RustlsEngine,
        tls: &ServerTls,
        context: SessionContext,
    ) -> Result<Self, Error> {
        let prepared = tls.prepared().get_or_try_init(|| prepare(engine, tls))?;
        Ok(Self {
            state: State::Accepting(Box::default()),
            pending: Vec::new(),
            server_name: None,
            prepared,
            store: Arc::clone(tls.certificates()),
            hook: context.verify,
            hooks: None,
            record: Vec::new(),
            waker: context.waker,
            peer_closed: false,
            sent_close: false,
            queued: Vec::new(),
            records: RecordBoundaries::new(),
            warning_alerts: 0,
            engine: engine.name(),
        })
    }

    /// Fail before the ClientHello was read: the alert for `kind` in the
    /// clear (nothing is encrypted yet), and the typed fault.
    fn refuse(&mut self, kind: BadData, out: &mut Vec<u8>) -> Error {
        self.state = State::Failed;
        let alert_sent = kind.alert();
        if let Some(alert) = alert_sent {
            out.extend_from_slice(&Alert::fatal(alert).plaintext_record());
        }
        Error::BadTlsData { kind, alert_sent }
    }

    fn accept(&mut self, mut input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        // Whole records at a time, so that the acceptor takes nothing beyond
        // the ClientHello (what follows stays in `pending`, on a record
        // boundary) and an alert in place of a ClientHello is recognised.
        while !input.is_empty() {
            let (piece, complete) = self.records.next_piece(&mut input);
            self.record.extend_from_slice(piece);
            // Bytes that are no TLS record (an HTTP request, zeros) are
            // refused from the header, as rustls's own deframer does
            // (unknown content type or version: decode_error), not after a
            // record's worth of them.
            if let [kind, major, ..] = self.record[..] {
                if !(20..=24).contains(&kind) || major != 3 {
                    return Err(self.refuse(BadData::Decode, out));
                }
            }
            // An over-long record is refused from its header (rustls's
            // acceptor would only report its buffer full, without an alert).
            if let [_, _, _, high, low, ..] = self.record[..] {
                if usize::from(u16::from_be_bytes([high, low])) > MAX_PLAINTEXT_RECORD {
                    return Err(self.refuse(BadData::RecordOverflow, out));
                }
            }
            if !complete {
                return Ok(());
            }
            let record = std::mem::take(&mut self.record);
            // Alerts in place of a ClientHello: rustls's acceptor does not
            // read them (it takes any alert for a fatal one).
            if record.first() == Some(&21) {
                match *record.get(5..).unwrap_or_default() {
                    [2, description] => {
                        self.state = State::Failed;
                        return Err(Error::AlertReceived {
                            description: wiretls_core::AlertDescription::from_wire(description),
                            level: wiretls_core::AlertLevel::Fatal,
                        });
                    }
                    [1, _] if self.warning_alerts < MAX_WARNING_ALERTS => {
                        self.warning_alerts += 1;
                        continue;
                    }
                    [1, _] => return Err(self.refuse(BadData::UnexpectedMessage, out)),
                    [_, _] => return Err(self.refuse(BadData::IllegalParameter, out)),
                    _ => return Err(self.refuse(BadData::Decode, out)),
                }
            }
            let State::Accepting(acceptor) = &mut self.state else { return Ok(()) };
            let mut piece = &record[..];
            while !piece.is_empty() {
                // rustls's acceptor refuses more input only when its buffer
                // is full: a ClientHello in so many small records that their
                // headers fill it. The peer's fault, answered with
                // decode_error (rustls alone drops the connection silently).
                if !matches!(acceptor.read_tls(&mut piece), Ok(n) if n > 0) {
                    return Err(self.refuse(BadData::Decode, out));
                }
            }
            match acceptor.accept() {
                Ok(None) => {}
                Ok(Some(accepted)) => {
                    self.pending.extend_from_slice(input);
                    self.server_name = accepted.client_hello().server_name().map(str::to_owned);
                    // Always: the session cache records this connection's keys.
                    self.hooks = Some(Arc::new(PerConnection {
                        verify: self.hook.clone(),
                        server_name: self.server_name.clone(),
                        ..PerConnection::default()
                    }));
                    let (request, callback) = ChainRequest::new(None, Arc::clone(&self.waker));
                    self.state = State::Waiting { accepted: Box::new(accepted), request };
                    let store = StoreRef::Server(Arc::clone(&self.store));
                    if let Err(e) = store.ask(self.server_name.as_deref(), &[], callback) {
                        // The store panicked: nothing is encrypted yet, so
                        // internal_error goes out as a plain record.
                        self.state = State::Failed;
                        return Err(server_store_failed(e, Side::Server, out));
                    }
                    return self.proceed(plaintext, out);
                }
                Err((e, mut alert)) => {
                    self.state = State::Failed;
                    let start = out.len();
                    if let rustls::Error::InvalidMessage(m) = &e {
                        // rustls's acceptor answers every ClientHello it
                        // cannot decode with decode_error, where a
                        // ServerConnection sends the alert the fault maps to
                        // (illegal_parameter for a repeated extension): the
                        // latter, as rustls alone answers (issue 14).
                        let alert = wiretls_core::AlertDescription::from_wire(u8::from(
                            rustls::AlertDescription::from(*m),
                        ));
                        out.extend_from_slice(&Alert::fatal(alert).plaintext_record());
                        return Err(pump::failed(&e, out, start, self.engine));
                    }
                    // Writing into a Vec cannot fail.
                    let _ = alert.write_all(out);
                    if out.len() == start {
                        // rustls queued no alert; nothing is encrypted yet, so
                        // send the one the protocol asks for in the clear.
                        if let Some(alert) = crate::errors::rustls_alert(&e) {
                            let alert = wiretls_core::AlertDescription::from_wire(u8::from(alert));
                            out.extend_from_slice(&Alert::fatal(alert).plaintext_record());
                        }
                    }
                    return Err(pump::failed(&e, out, start, self.engine));
                }
            }
        }
        Ok(())
    }

    fn connect(
        &mut self,
        accepted: Accepted,
        chain: Option<CertificateChain>,
        plaintext: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(chain) = chain else {
            self.state = State::Failed;
            let alert = no_certificate_alert(self.server_name.as_deref());
            // Nothing is encrypted yet: the alert goes out as a plain record.
            out.extend_from_slice(&Alert::fatal(alert).plaintext_record());
            return Err(Error::NoServerCertificate {
                server_name: self.server_name.clone(),
                alert_sent: Some(alert),
            });
        };
        let config = match self.prepared.config(&chain) {
            Ok(config) => config,
            Err(e) => {
                self.state = State::Failed;
                out.extend_from_slice(
                    &Alert::fatal(wiretls_core::AlertDescription::INTERNAL_ERROR).plaintext_record(),
                );
                return Err(e);
            }
        };
        let scope = self.hooks.as_ref().map(Scope::enter);
        let connected = accepted.into_connection(config);
        drop(scope);
        match connected {
            Ok(mut conn) => {
                conn.set_buffer_limit(None);
                let mut conn = Connection::from(conn);
                let pending = std::mem::take(&mut self.pending);
                let start = out.len();
                let queued = std::mem::take(&mut self.queued);
                if !queued.is_empty() {
                    pump::send(&mut conn, &queued, out, self.engine)?;
                }
                let scope = self.hooks.as_ref().map(Scope::enter);
                let result = pump::read(&mut conn, &pending, plaintext, out, !self.sent_close);
                drop(scope);
                self.state = State::Connected(Box::new(conn));
                self.finish(result, out, start)
            }
            Err((e, mut alert)) => {
                self.state = State::Failed;
                let start = out.len();
                // Writing into a Vec cannot fail.
                let _ = alert.write_all(out);
                Err(pump::failed(&e, out, start, self.engine))
            }
        }
    }

    fn finish(
        &mut self,
        result: Result<pump::Pumped, rustls::Error>,
        out: &[u8],
        start: usize,
    ) -> Result<(), Error> {
        match result {
            Ok(pumped) => {
                self.peer_closed |= pumped.peer_closed;
                Ok(())
            }
            Err(e) => {
                if let Some(violation) = self.hooks.as_ref().and_then(|h| h.take_refusal()) {
                    let alert_sent = (out.len() > start).then(|| violation.rule.alert());
                    return Err(Error::PeerCertificate {
                        problem: violation.rule.problem(),
                        alert_sent,
                        detail: Some(violation.to_string()),
                    });
                }
                if let Some(alert) = self.hooks.as_ref().and_then(|h| h.veto.alert()) {
                    let sent = if crate::caps::VERIFY_ALERTS.contains(&alert) {
                        alert
                    } else {
                        wiretls_core::AlertDescription::CERTIFICATE_UNKNOWN
                    };
                    return Err(Error::Rejected { alert_sent: (out.len() > start).then_some(sent) });
                }
                Err(pump::failed(&e, out, start, self.engine))
            }
        }
    }

    fn failed_state(&self) -> Error {
        Error::Engine { engine: self.engine, detail: "the handshake already failed".into() }
    }
}

impl Session for ServerSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        match &mut self.state {
            State::Accepting(_) => self.accept(input, plaintext, out),
            State::Waiting { .. } => {
                self.pending.extend_from_slice(input);
                self.proceed(plaintext, out)
            }
            State::Connected(conn) => {
                let start = out.len();
                let scope = self.hooks.as_ref().map(Scope::enter);
                let result = pump::read(conn, input, plaintext, out, !self.sent_close);
                drop(scope);
                self.finish(result, out, start)
            }
            State::Failed => Err(self.failed_state()),
        }
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        match &mut self.state {
            State::Connected(conn) => pump::send(conn, data, out, self.engine),
            // Before the connection exists, hold the data; it goes to rustls
            // (which sends it once the handshake allows) when it does.
            State::Accepting(_) | State::Waiting { .. } => {
                self.queued.extend_from_slice(data);
                Ok(())
            }
            State::Failed => Err(self.failed_state()),
        }
    }

    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        match &mut self.state {
            State::Waiting { request, .. } => {
                let Some(answer) = request.take() else { return Ok(()) };
                let State::Waiting { accepted, .. } = std::mem::replace(&mut self.state, State::Failed)
                else {
                    unreachable!("matched Waiting above")
                };
                self.connect(*accepted, answer, plaintext, out)
            }
            State::Connected(conn) => {
                pump::write(conn, out);
                Ok(())
            }
            State::Accepting(_) | State::Failed => Ok(()),
        }
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.sent_close = true;
        match &mut self.state {
            State::Connected(conn) => {
                conn.send_close_notify();
                pump::write(conn, out);
            }
            _ => out.extend_from_slice(
                &Alert {
                    level: wiretls_core::AlertLevel::Warning,
                    description: wiretls_core::AlertDescription::CLOSE_NOTIFY,
                }
                .plaintext_record(),
            ),
        }
        Ok(())
    }

    fn send_alert(&mut self, alert: Alert, _out: &mut Vec<u8>) -> Result<(), Error> {
        Err(Error::Unsupported { engine: self.engine, feature: Feature::SendAlert(alert.description) })
    }

    fn status(&self) -> SessionStatus {
        match &self.state {
            State::Connected(conn) => SessionStatus::new(conn.is_handshaking()).peer_closed(self.peer_closed),
            State::Waiting { .. } => SessionStatus::new(true).waiting_for_store(true),
            State::Accepting(_) | State::Failed => SessionStatus::new(true),
        }
    }

    fn forget_session(&mut self) {
        if let Some(hooks) = &self.hooks {
            let keys = std::mem::take(
                &mut *hooks.session_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            self.prepared.sessions.forget(&keys);
        }
    }

    fn peer_certificates(&self) -> Vec<wiretls_core::Certificate> {
        match &self.state {
            State::Connected(conn) => pump::peer_certificates(conn),
            _ => Vec::new(),
        }
    }

    fn info(&self) -> ConnectionInfo {
        let mut info = match &self.state {
            State::Connected(conn) => pump::info(conn, Side::Server),
            _ => ConnectionInfo::new(Side::Server),
        };
        info.server_name.clone_from(&self.server_name);
        info
    }
}

impl fmt::Debug for ServerSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSession").field("status", &self.status()).finish_non_exhaustive()
    }
}
