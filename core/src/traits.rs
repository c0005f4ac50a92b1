//! The interface engines implement: [`Engine`] (object-safe, so an engine
//! can be chosen at run time by name) and the sans-IO [`Session`] behind a
//! [`Connection`](crate::Connection), plus the [`Capabilities`] each engine
//! declares.

use std::sync::Arc;

use crate::alert::{Alert, AlertDescription};
use crate::cert::KeyType;
use crate::config::{ClientTls, ServerTls};
use crate::connection::ConnectionInfo;
use crate::error::Error;
use crate::suites::{CipherSuite, NamedGroup, ProtocolVersion};
use crate::verify::VerifyHook;

/// A TLS engine (rustls, OpenSSL, BoringSSL, ...).
pub trait Engine: Send + Sync {
    /// A short lower-case name: `"rustls"`, `"openssl"`, ...
    fn name(&self) -> &'static str;

    /// What this engine can and cannot do.
    fn capabilities(&self) -> &Capabilities;

    /// A client session for `config`. The session's first flight is taken
    /// by the [`Connection`](crate::Connection) through [`Session::proceed`].
    ///
    /// # Errors
    /// Configuration errors and [`Error::Unsupported`].
    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error>;

    /// A server session for `config`.
    ///
    /// # Errors
    /// Configuration errors and [`Error::Unsupported`].
    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error>;

    /// Check a certificate chain the way this engine's handshake would,
    /// without a handshake (used for the x509-limbo path-validation cases,
    /// and for diagnostics).
    ///
    /// # Errors
    /// [`Error::PeerCertificate`] when the chain is refused;
    /// [`Error::Unsupported`] ([`Feature::ChainCheck`](crate::Feature::ChainCheck))
    /// for a check the engine cannot express.
    fn check_chain(&self, check: &ChainCheck<'_>) -> Result<(), Error> {
        let _ = check;
        Err(self.capabilities().unsupported(crate::Feature::ChainCheck))
    }
}

/// An engine whose session type is known at compile time, for
/// [`ClientTls::start_static`] and [`ServerTls::start_static`]: the
/// connection they return calls the session directly. Every engine crate
/// of wiretls implements it; [`Engine::start_client`] and
/// [`Engine::start_server`] box the same sessions.
pub trait StaticEngine: Engine {
    /// The engine's client session.
    type ClientSession: Session + 'static;
    /// The engine's server session.
    type ServerSession: Session + 'static;

    /// A client session for `config` (what [`Engine::start_client`] boxes).
    ///
    /// # Errors
    /// As [`Engine::start_client`].
    fn client_session(
        &self,
        config: &ClientTls,
        context: SessionContext,
    ) -> Result<Self::ClientSession, Error>;

    /// A server session for `config` (what [`Engine::start_server`] boxes).
    ///
    /// # Errors
    /// As [`Engine::start_server`].
    fn server_session(
        &self,
        config: &ServerTls,
        context: SessionContext,
    ) -> Result<Self::ServerSession, Error>;
}

/// A pointer to an engine is an engine, so `&engine` works where
/// `&dyn Engine` is asked: for the `Box<dyn Engine>` that `wiretls::engine`
/// gives and for an `Arc<dyn Engine>` shared by threads.
macro_rules! engine_through_pointer {
    ($($pointer:ident),*) => {$(
        impl<E: Engine + ?Sized> Engine for $pointer<E> {
            fn name(&self) -> &'static str {
                (**self).name()
            }
            fn capabilities(&self) -> &Capabilities {
                (**self).capabilities()
            }
            fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
                (**self).start_client(config, context)
            }
            fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
                (**self).start_server(config, context)
            }
            fn check_chain(&self, check: &ChainCheck<'_>) -> Result<(), Error> {
                (**self).check_chain(check)
            }
        }
    )*};
}

engine_through_pointer!(Box, Arc);

/// A name a certificate must be valid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerName<'a> {
    /// A DNS host name.
    Dns(&'a str),
    /// An IP address.
    Ip(std::net::IpAddr),
}

/// What [`Engine::check_chain`] checks.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ChainCheck<'a> {
    /// The trust anchors.
    pub trust: &'a crate::TrustStore,
    /// The leaf, then the untrusted intermediates the peer would send.
    pub chain: &'a [crate::Certificate],
    /// The name the leaf must be valid for, if any.
    pub peer_name: Option<PeerName<'a>>,
    /// Which side presents the chain: `Server` checks server authentication,
    /// `Client` client authentication.
    pub presented_by: crate::Side,
    /// The time of validation (`None`: now).
    pub at: Option<std::time::SystemTime>,
}

impl<'a> ChainCheck<'a> {
    /// A check of `chain` against `trust`, presented by a server, now, without a name.
    #[must_use]
    pub fn new(trust: &'a crate::TrustStore, chain: &'a [crate::Certificate]) -> Self {
        Self { trust, chain, peer_name: None, presented_by: crate::Side::Server, at: None }
    }

    /// Require the leaf to be valid for `name`.
    #[must_use]
    pub fn with_peer_name(mut self, name: PeerName<'a>) -> Self {
        self.peer_name = Some(name);
        self
    }

    /// Check client authentication instead of server authentication.
    #[must_use]
    pub fn presented_by(mut self, side: crate::Side) -> Self {
        self.presented_by = side;
        self
    }

    /// Validate at `time` instead of now.
    #[must_use]
    pub fn at(mut self, time: std::time::SystemTime) -> Self {
        self.at = Some(time);
        self
    }
}

/// What a connection hands its engine session.
#[derive(Debug)]
#[non_exhaustive]
pub struct SessionContext {
    /// The verify callback, if the application gave one.
    pub verify: Option<Arc<VerifyHook>>,
    /// The connection's waker cell: chain requests wake it when a store answers.
    pub waker: Arc<crate::store::StoreWaker>,
}

impl SessionContext {
    /// A context with this verify hook and a fresh waker cell.
    pub fn new(verify: Option<VerifyHook>) -> Self {
        Self { verify: verify.map(Arc::new), waker: Arc::default() }
    }
}

/// The sans-IO engine session behind a [`Connection`](crate::Connection).
///
/// Every method appends the TLS bytes it produces to `out`; the connection
/// hands them to the wire. When a method fails, the bytes already in `out`
/// (an alert, typically) are still sent.
pub trait Session: Send {
    /// Process bytes from the peer, append decrypted application data to
    /// `plaintext`. Incomplete records are kept for the next call.
    ///
    /// # Errors
    /// The peer's faults ([`Error::BadTlsData`], [`Error::AlertReceived`],
    /// [`Error::PeerCertificate`]) and the callbacks' vetoes.
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error>;

    /// [`Session::read_tls`] from a buffer the session may overwrite once it
    /// has taken the input: the application data is written into `buf` from
    /// its start, as much as fits (`*filled` bytes, set before returning,
    /// also on an error), and the rest is appended to `overflow`.
    ///
    /// The default reads into `overflow` and moves what fits into `buf`. An
    /// engine whose library can write plaintext into a caller's buffer
    /// overrides it, so no other buffer holds the data on its way.
    ///
    /// # Errors
    /// As [`Session::read_tls`].
    fn read_tls_in_place(
        &mut self,
        buf: &mut [u8],
        filled: &mut usize,
        overflow: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        // A vector of this call's own: what fits in `buf` leaves it, and no
        // capacity stays behind in the connection between calls.
        let mut plaintext = Vec::new();
        let result = self.read_tls(buf, &mut plaintext, out);
        let n = plaintext.len().min(buf.len());
        buf[..n].copy_from_slice(&plaintext[..n]);
        overflow.extend_from_slice(&plaintext[n..]);
        *filled = n;
        result
    }

    /// Encrypt application data. Before the handshake completes the data is
    /// buffered and sent once it can be; it is never dropped.
    ///
    /// # Errors
    /// Engine failures.
    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;

    /// Continue after a store answered (or emit the first flight): process
    /// any peer bytes kept meanwhile, appending application data to
    /// `plaintext`.
    ///
    /// # Errors
    /// As [`Session::read_tls`].
    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error>;

    /// Send `close_notify`.
    ///
    /// # Errors
    /// Engine failures.
    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error>;

    /// Send an alert other than `close_notify` (the level is already checked).
    ///
    /// # Errors
    /// [`Error::Unsupported`] where the engine cannot.
    fn send_alert(&mut self, alert: Alert, out: &mut Vec<u8>) -> Result<(), Error>;

    /// Where the session stands.
    fn status(&self) -> SessionStatus;

    /// The negotiated parameters so far, without the peer's chain. The
    /// connection asks after each call while the handshake runs, and once
    /// more when it completed; never after.
    fn info(&self) -> ConnectionInfo;

    /// The peer's certificates as it sent them, leaf first (empty when it
    /// sent none). Asked at most once, after the handshake completed.
    fn peer_certificates(&self) -> Vec<crate::Certificate>;

    /// The connection ended with a fatal error: forget resumption data.
    fn forget_session(&mut self) {}
}

/// Where a [`Session`] stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SessionStatus {
    /// The handshake has not completed yet.
    pub handshaking: bool,
    /// The handshake waits for a certificate store's answer.
    pub waiting_for_store: bool,
    /// The peer's `close_notify` arrived.
    pub peer_closed: bool,
}

impl SessionStatus {
    /// A session that is handshaking (or not), not waiting for a store, and
    /// whose peer has not closed.
    #[must_use]
    pub const fn new(handshaking: bool) -> Self {
        Self { handshaking, waiting_for_store: false, peer_closed: false }
    }

    /// The same, waiting (or not) for a certificate store's answer.
    #[must_use]
    pub const fn waiting_for_store(mut self, waiting: bool) -> Self {
        self.waiting_for_store = waiting;
        self
    }

    /// The same, with the peer's `close_notify` received (or not).
    #[must_use]
    pub const fn peer_closed(mut self, closed: bool) -> Self {
        self.peer_closed = closed;
        self
    }
}

/// How much of `send_alert` an engine can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum AlertSending {
    /// Only `close_notify` (through `application_finished` or `send_alert`).
    CloseNotifyOnly,
    /// Fatal alerts of any description, and `close_notify`; no warnings.
    FatalOnly,
    /// Any alert at any level the rules allow.
    Any,
}

/// What an engine can do, as data: read by the conformance suite, the docs
/// table and the CLI alike.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Capabilities {
    /// The engine's name.
    pub engine: &'static str,
    /// The versions it negotiates.
    pub versions: &'static [ProtocolVersion],
    /// The versions it negotiates as a server (a subset of `versions`;
    /// native-tls's server on OpenSSL has no TLS 1.3).
    pub server_versions: &'static [ProtocolVersion],
    /// The cipher suites it offers (a subset of [`CipherSuite::ALL`]).
    pub cipher_suites: &'static [CipherSuite],
    /// The certificate key types it can use and verify.
    pub key_types: &'static [KeyType],
    /// The key-exchange groups it offers.
    pub groups: &'static [NamedGroup],
    /// Whether the TLS 1.3 suites offered can be restricted.
    pub tls13_suite_selection: bool,
    /// Whether `dh_params` (TLS 1.2 DHE suites) work.
    pub dh_params: bool,
    /// Whether a `ServerCertificates` may answer after its method returned.
    pub later_server_certificate_answer: bool,
    /// Whether a `ClientCertificateStore` may answer after its method returned.
    pub later_client_certificate_answer: bool,
    /// What `send_alert` can send.
    pub alert_sending: AlertSending,
    /// The alerts a verify-callback veto can send (others are replaced by the nearest).
    pub verify_alerts: &'static [AlertDescription],
    /// Whether `ConnectionInfo::session_id` is reported.
    pub session_id: bool,
    /// Whether session resumption works (and `ConnectionInfo::resumed` is reported).
    pub resumption: bool,
    /// Whether ALPN works.
    pub alpn: bool,
    /// Whether the verify callback can be given (`StartOptions::verify`).
    pub verify_callback: bool,
    /// Whether a server can take its chains from any [`ServerCertificates`](crate::ServerCertificates)
    /// (SNI, the application's own store); without it, only a source with a
    /// [`fixed_chain`](crate::ServerCertificates::fixed_chain) works.
    pub server_certificate_stores: bool,
    /// Whether a server can ask clients for certificates ([`ClientAuth`](crate::ClientAuth)).
    pub client_auth: bool,
    /// Whether a client's [`ClientCertificateStore`](crate::ClientCertificateStore)
    /// is asked during the handshake, with the CA names of the server's
    /// CertificateRequest; without it, the store is asked for its default
    /// chain when the connection starts, and must answer then.
    pub client_certificate_roots: bool,
    /// Whether the cipher suites offered can be chosen at all
    /// ([`ClientTls::with_cipher_suites`](crate::ClientTls::with_cipher_suites)).
    pub cipher_suite_selection: bool,
    /// Whether the key-exchange groups offered can be chosen.
    pub group_selection: bool,
    /// Whether [`Connection::peer_certificates`](crate::Connection::peer_certificates)
    /// holds the peer's whole chain (without it: its leaf only).
    pub peer_chain: bool,
}

impl Capabilities {
    /// An engine that can do nothing: the starting point engines fill in
    /// (in a `const fn`, as the struct is `#[non_exhaustive]`).
    pub const NONE: Self = Self {
        engine: "",
        versions: &[],
        server_versions: &[],
        cipher_suites: &[],
        key_types: &[],
        groups: &[],
        tls13_suite_selection: false,
        dh_params: false,
        later_server_certificate_answer: false,
        later_client_certificate_answer: false,
        alert_sending: AlertSending::CloseNotifyOnly,
        verify_alerts: &[],
        session_id: false,
        resumption: false,
        alpn: false,
        verify_callback: false,
        server_certificate_stores: false,
        client_auth: false,
        client_certificate_roots: false,
        cipher_suite_selection: false,
        group_selection: false,
        peer_chain: false,
    };

    /// The same declarations with every switch of wiretls's own API that a
    /// full TLS library gives an engine turned on: the verify callback, any
    /// server certificate source, client authentication, client stores
    /// asked with the server's CA names, choosing suites and groups, the
    /// peer's whole chain. rustls, OpenSSL and BoringSSL start from it;
    /// native-tls, whose API offers none of them, does not.
    #[must_use]
    pub const fn with_full_control(mut self) -> Self {
        self.verify_callback = true;
        self.server_certificate_stores = true;
        self.client_auth = true;
        self.client_certificate_roots = true;
        self.cipher_suite_selection = true;
        self.group_selection = true;
        self.peer_chain = true;
        self
    }

    /// Whether this engine offers `suite`.
    #[must_use]
    pub fn offers_suite(&self, suite: CipherSuite) -> bool {
        self.cipher_suites.contains(&suite)
    }

    /// Whether `send_alert` can send `alert`.
    #[must_use]
    pub fn can_send(&self, alert: Alert) -> bool {
        match self.alert_sending {
            AlertSending::Any => true,
            AlertSending::FatalOnly => {
                alert.level == crate::AlertLevel::Fatal || alert.description == AlertDescription::CLOSE_NOTIFY
            }
            AlertSending::CloseNotifyOnly => alert.description == AlertDescription::CLOSE_NOTIFY,
        }
    }

    /// Whether this engine can do `feature` (each [`Feature`](crate::Feature)
    /// read from the declaration it belongs to): an engine answers a
    /// feature this gives `false` for with [`Error::Unsupported`].
    #[must_use]
    pub fn supports(&self, feature: &crate::Feature) -> bool {
        use crate::Feature as F;
        match feature {
            F::SendAlert(a) => self.can_send(Alert::fatal(*a)),
            F::LaterClientCertificateAnswer => self.later_client_certificate_answer,
            F::LaterServerCertificateAnswer => self.later_server_certificate_answer,
            F::DhParams => self.dh_params,
            F::Tls13SuiteSelection => self.tls13_suite_selection,
            F::CipherSuite(s) => self.offers_suite(*s),
            F::Version(v) => self.versions.contains(v),
            F::ServerVersion(v) => self.server_versions.contains(v),
            F::Group(g) => self.groups.contains(g),
            F::KeyType(k) => self.key_types.contains(k),
            F::SessionId => self.session_id,
            F::ResumptionReport => self.resumption,
            F::VerifyAlert(a) => self.verify_alerts.contains(a),
            F::VerifyCallback => self.verify_callback,
            F::ServerCertificateStore => self.server_certificate_stores,
            F::ClientAuth => self.client_auth,
            F::CipherSuiteSelection => self.cipher_suite_selection,
            F::GroupSelection => self.group_selection,
            F::Alpn => self.alpn,
            // Not declared field by field: engines answer them per check.
            F::ChainCheck | F::ChainCheckWithout(_) | F::NewerSetting(_) => false,
        }
    }

    /// The [`Error::Unsupported`] for `feature`, named after this engine.
    #[must_use]
    pub fn unsupported(&self, feature: crate::Feature) -> Error {
        Error::Unsupported { engine: self.engine, feature }
    }
}
