//! The client side.

use std::fmt;
use std::sync::{Arc, Mutex};

use rustls::client::{ResolvesClientCert, Resumption, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, Connection, SignatureScheme};
use wiretls_core::engine::{ChainRequest, Session, SessionContext, SessionStatus};
use wiretls_core::{
    Alert, AlertDescription, ClientCertificateStore, ClientTls, ConfigError, ConnectionInfo,
    DistinguishedName, Engine as _, Error, Feature, Side,
};

use crate::pump;
use crate::sessions::{ForgettingStore, KeyCache};
use crate::verify::{current, root_store, HookedServerVerifier, PerConnection, Scope};
use crate::{provider_for, rustls_versions, RustlsEngine};

/// What every connection of one `ClientTls` shares: one config, whose
/// verifier and resolver find each connection's own parts through
/// [`PerConnection`].
struct PreparedClient {
    config: Arc<ClientConfig>,
    provider: Arc<CryptoProvider>,
    sessions: Option<Arc<ForgettingStore>>,
    keys: Arc<KeyCache>,
    server_name: ServerName<'static>,
}

fn prepare(engine: &RustlsEngine, tls: &ClientTls) -> Result<PreparedClient, Error> {
    let provider = provider_for(engine, tls.usable_cipher_suites(), tls.groups())?;
    let trust = tls.trust_root()?;
    let roots = Arc::new(root_store(&trust)?);
    let webpki = WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(&provider))
        .build()
        .map_err(|e| Error::Engine { engine: engine.name(), detail: e.to_string() })?;
    let mut config = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&rustls_versions(tls.versions()))
        .map_err(|_| Error::Config(ConfigError::NoUsableCipherSuites))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(HookedServerVerifier { inner: webpki, trust }))
        .with_no_client_auth();
    if tls.client_certificate_store().is_some() {
        config.client_auth_cert_resolver = Arc::new(DispatchResolver);
    }
    config.alpn_protocols = tls.alpn_protocols().to_vec();
    let sessions = tls.resumption().then(|| Arc::new(ForgettingStore::new()));
    config.resumption = match &sessions {
        Some(store) => Resumption::store(Arc::clone(store) as _),
        None => Resumption::disabled(),
    };
    let server_name = ServerName::try_from(tls.server_hostname().to_owned())
        .map_err(|_| Error::Config(ConfigError::InvalidServerName(tls.server_hostname().to_owned())))?;
    Ok(PreparedClient { config: Arc::new(config), provider, sessions, keys: Arc::default(), server_name })
}

/// A rustls client connection: the session a [`wiretls_core::Connection`]
/// drives ([`wiretls_core::StaticEngine::ClientSession`] of [`crate::RustlsEngine`]).
pub struct ClientSession {
    conn: Connection,
    /// This connection's verify hook and store, when it has either.
    hooks: Option<Arc<PerConnection>>,
    prepared: Arc<PreparedClient>,
    peer_closed: bool,
    /// Our `close_notify` went out: nothing more is sent.
    sent_close: bool,
    engine: &'static str,
}

impl ClientSession {
    pub(crate) fn start(
        engine: &RustlsEngine,
        tls: &ClientTls,
        context: SessionContext,
    ) -> Result<Self, Error> {
        let prepared = tls.prepared().get_or_try_init(|| prepare(engine, tls))?;
        let resolver = tls.client_certificate_store().map(|store| StoreResolver {
            store: Arc::clone(store),
            waker: Arc::clone(&context.waker),
            keys: Arc::clone(&prepared.keys),
            provider: Arc::clone(&prepared.provider),
            failure: Mutex::new(None),
            engine: engine.name(),
        });
        // Always: the shared verifier fails closed outside a connection's scope.
        let hooks =
            Some(Arc::new(PerConnection { verify: context.verify, resolver, ..PerConnection::default() }));
        let mut conn = ClientConnection::new(Arc::clone(&prepared.config), prepared.server_name.clone())
            .map_err(|e| Error::Engine { engine: engine.name(), detail: e.to_string() })?;
        conn.set_buffer_limit(None);
        Ok(Self {
            conn: conn.into(),
            hooks,
            prepared,
            peer_closed: false,
            sent_close: false,
            engine: engine.name(),
        })
    }

    fn fail(&self, e: &rustls::Error, out: &[u8], start: usize) -> Error {
        if let Some(violation) = self.hooks.as_ref().and_then(|h| h.take_refusal()) {
            let alert_sent = (out.len() > start).then(|| violation.rule.alert());
            return Error::PeerCertificate {
                problem: violation.rule.problem(),
                alert_sent,
                detail: Some(violation.to_string()),
            };
        }
        if let Some(alert) = self.hooks.as_ref().and_then(|h| h.veto.alert()) {
            let sent = if crate::caps::VERIFY_ALERTS.contains(&alert) {
                alert
            } else {
                AlertDescription::CERTIFICATE_UNKNOWN
            };
            return Error::Rejected { alert_sent: (out.len() > start).then_some(sent) };
        }
        pump::failed(e, out, start, self.engine)
    }
}

impl Session for ClientSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        let scope = self.hooks.as_ref().map(Scope::enter);
        let result = pump::read(&mut self.conn, input, plaintext, out, !self.sent_close);
        drop(scope);
        if let Some(failure) =
            self.hooks.as_ref().and_then(|h| h.resolver.as_ref()).and_then(StoreResolver::take_failure)
        {
            // rustls went on without a certificate; what it wrote must not
            // reach the peer. The peer learns why the handshake ends from
            // an internal_error alert in the clear (rustls cannot send an
            // alert of ours; OpenSSL's own client sends its refusals
            // unencrypted at this point too).
            out.truncate(start);
            out.extend_from_slice(&Alert::fatal(AlertDescription::INTERNAL_ERROR).plaintext_record());
            // The error says which alert went out (and so the close is graceful).
            return Err(match failure {
                Error::CallbackPanicked { callback, message, alert_sent: None } => Error::CallbackPanicked {
                    callback,
                    message,
                    alert_sent: Some(AlertDescription::INTERNAL_ERROR),
                },
                other => other,
            });
        }
        match result {
            Ok(pumped) => {
                self.peer_closed |= pumped.peer_closed;
                Ok(())
            }
            Err(e) => Err(self.fail(&e, out, start)),
        }
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        pump::send(&mut self.conn, data, out, self.engine)
    }

    fn proceed(&mut self, _plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        pump::write(&mut self.conn, out);
        Ok(())
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.conn.send_close_notify();
        self.sent_close = true;
        pump::write(&mut self.conn, out);
        Ok(())
    }

    fn send_alert(&mut self, alert: Alert, _out: &mut Vec<u8>) -> Result<(), Error> {
        Err(Error::Unsupported { engine: self.engine, feature: Feature::SendAlert(alert.description) })
    }

    fn status(&self) -> SessionStatus {
        SessionStatus::new(self.conn.is_handshaking()).peer_closed(self.peer_closed)
    }

    fn peer_certificates(&self) -> Vec<wiretls_core::Certificate> {
        pump::peer_certificates(&self.conn)
    }

    fn info(&self) -> ConnectionInfo {
        let mut info = pump::info(&self.conn, Side::Client);
        if let ServerName::DnsName(name) = &self.prepared.server_name {
            info.server_name = Some(name.as_ref().to_owned());
        }
        info
    }

    fn forget_session(&mut self) {
        if let Some(sessions) = &self.prepared.sessions {
            sessions.forget(&self.prepared.server_name);
        }
    }
}

/// The resolver in the shared config: asks the current connection's store.
#[derive(Debug)]
struct DispatchResolver;

impl ResolvesClientCert for DispatchResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let hooks = current()?;
        hooks.resolver.as_ref()?.resolve(root_hint_subjects, sigschemes)
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// One connection's client-certificate choice, asking the application's store.
pub(crate) struct StoreResolver {
    store: Arc<dyn ClientCertificateStore>,
    waker: Arc<wiretls_core::engine::StoreWaker>,
    keys: Arc<KeyCache>,
    provider: Arc<CryptoProvider>,
    failure: Mutex<Option<Error>>,
    engine: &'static str,
}

impl StoreResolver {
    fn take_failure(&self) -> Option<Error> {
        self.failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }

    fn set_failure(&self, e: Error) {
        *self.failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
    }

    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let roots: Vec<DistinguishedName> =
            root_hint_subjects.iter().map(|der| DistinguishedName::from_der(der.to_vec())).collect();
        let (request, callback) =
            ChainRequest::new((!roots.is_empty()).then(|| roots.clone()), Arc::clone(&self.waker));
        // A panicking store is caught here: the handshake ends with that
        // error (`read_tls` takes it), never goes on as if it answered None.
        let store = wiretls_core::engine::StoreRef::Client(Some(Arc::clone(&self.store)));
        if let Err(e) = store.ask(None, &roots, callback) {
            self.set_failure(e);
            return None;
        }
        match request.take() {
            Some(Some(chain)) => match self.keys.certified_key(&chain, &self.provider, self.engine) {
                Ok(key) => Some(key),
                Err(e) => {
                    self.set_failure(e);
                    None
                }
            },
            Some(None) => None,
            None => {
                // The store will answer later; rustls cannot wait here.
                self.set_failure(Error::Unsupported {
                    engine: self.engine,
                    feature: Feature::LaterClientCertificateAnswer,
                });
                None
            }
        }
    }
}

impl fmt::Debug for StoreResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreResolver").finish_non_exhaustive()
    }
}
