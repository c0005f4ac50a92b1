//! The two configurations of the seed: [`ClientTls`] and [`ServerTls`].
//!
//! Both are plain values built with `with_*` methods, and start any number
//! of connections on any engine. An engine may keep prepared state (its own
//! config objects, session caches) inside them; changing a setting drops it.

use core::fmt;
use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex};

use crate::cert::Certificate;
use crate::chain::TrustStore;
use crate::connection::{Connection, Side};
use crate::error::{ConfigError, Error, Malformed};
use crate::store::{ClientCertificateStore, ServerCertificates};
use crate::suites::{CipherSuite, KeyExchange, NamedGroup, ProtocolVersion};
use crate::traits::{Engine, Session, SessionContext, StaticEngine};
use crate::verify::{VerifyCallback, VerifyHook};
use crate::wire::Wire;

/// The client's configuration (the seed's `ClientTLS`).
#[derive(Clone)]
pub struct ClientTls {
    server_hostname: String,
    common: Common,
    trust_root: Option<TrustStore>,
    client_certificate_store: Option<Arc<dyn ClientCertificateStore>>,
    resumption: bool,
}

/// Settings both sides share.
#[derive(Clone)]
struct Common {
    cipher_suites: Vec<CipherSuite>,
    /// `with_cipher_suites` was called.
    suites_chosen: bool,
    versions: Vec<ProtocolVersion>,
    groups: Option<Vec<NamedGroup>>,
    alpn_protocols: Vec<Vec<u8>>,
    prepared: Prepared,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            cipher_suites: CipherSuite::ALL
                .iter()
                .copied()
                .filter(|s| s.info().key_exchange != KeyExchange::Dhe)
                .collect(),
            suites_chosen: false,
            versions: ProtocolVersion::ALL.to_vec(),
            groups: None,
            alpn_protocols: Vec::new(),
            prepared: Prepared::default(),
        }
    }
}

impl Common {
    fn check(&self) -> Result<(), Error> {
        if self.versions.is_empty() {
            return Err(ConfigError::NoVersions.into());
        }
        if !self.cipher_suites.iter().any(|s| self.versions.contains(&s.version())) {
            return Err(ConfigError::NoUsableCipherSuites.into());
        }
        if self.groups.as_ref().is_some_and(Vec::is_empty) {
            return Err(ConfigError::NoGroups.into());
        }
        Ok(())
    }

    fn set_versions(&mut self, versions: &[ProtocolVersion]) -> Result<(), Error> {
        let mut sorted = versions.to_vec();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(ConfigError::DuplicateVersion(w[0]).into());
        }
        self.versions = sorted;
        self.prepared = Prepared::default();
        Ok(())
    }
}

/// `start_static` and `start_static_with` of a configuration: its
/// connection with the engine's session type (`$session`, made by
/// `StaticEngine::$make`) known at compile time.
macro_rules! static_starts {
    ($(#[$doc:meta])* $session:ident, $make:ident) => {
        $(#[$doc])*
        pub fn start_static<E: StaticEngine, W: Wire>(
            &self,
            engine: &E,
            wire: W,
        ) -> Result<Connection<E::$session, W>, Error> {
            self.start_static_with(engine, wire, StartOptions::default())
        }

        /// `start_static` with per-connection options (a verify callback).
        ///
        /// # Errors
        /// As `start_static`.
        pub fn start_static_with<E: StaticEngine, W: Wire>(
            &self,
            engine: &E,
            wire: W,
            options: StartOptions,
        ) -> Result<Connection<E::$session, W>, Error> {
            let start = |c: &Self, context| engine.$make(c, context).map(Box::new);
            self.start_inner(start, Box::new(wire), options.verify)
        }
    };
}

macro_rules! common_accessors {
    () => {
        /// Offer only these cipher suites, in this order of preference (the
        /// seed's `cipher_suites`). Default: every non-DHE suite of
        /// [`CipherSuite::ALL`](crate::CipherSuite::ALL).
        pub fn with_cipher_suites(mut self, suites: &[CipherSuite]) -> Self {
            self.common.cipher_suites = suites.to_vec();
            self.common.suites_chosen = true;
            self.common.prepared = Prepared::default();
            self
        }

        /// Enable only these versions. Default: TLS 1.2 and TLS 1.3.
        ///
        /// # Errors
        /// [`ConfigError::DuplicateVersion`].
        pub fn with_versions(mut self, versions: &[ProtocolVersion]) -> Result<Self, Error> {
            self.common.set_versions(versions)?;
            Ok(self)
        }

        /// Offer only these key-exchange groups, in this order. Default: the
        /// engine's own default list. An empty list is
        /// [`ConfigError::NoGroups`] when a connection starts; a group the
        /// engine lacks is [`Error::Unsupported`] then.
        pub fn with_groups(mut self, groups: &[NamedGroup]) -> Self {
            self.common.groups = Some(groups.to_vec());
            self.common.prepared = Prepared::default();
            self
        }

        /// Offer these ALPN protocols, most preferred first (RFC 7301).
        ///
        /// # Errors
        /// [`ConfigError::InvalidAlpnProtocol`] for an empty name or one
        /// longer than 255 bytes (the wire format cannot carry it).
        pub fn with_alpn_protocols<P: AsRef<[u8]>>(mut self, protocols: &[P]) -> Result<Self, Error> {
            if protocols.iter().any(|p| p.as_ref().is_empty() || p.as_ref().len() > 255) {
                return Err(ConfigError::InvalidAlpnProtocol.into());
            }
            self.common.alpn_protocols = protocols.iter().map(|p| p.as_ref().to_vec()).collect();
            self.common.prepared = Prepared::default();
            Ok(self)
        }

        /// The configured cipher suites, in preference order.
        pub fn cipher_suites(&self) -> &[CipherSuite] {
            &self.common.cipher_suites
        }

        /// Whether the suites were chosen (`with_cipher_suites` was called)
        /// rather than left at the default: an engine that cannot choose
        /// what it offers refuses a choice
        /// ([`Feature::CipherSuiteSelection`](crate::Feature::CipherSuiteSelection)).
        pub fn cipher_suites_chosen(&self) -> bool {
            self.common.suites_chosen
        }

        /// The configured suites that belong to an enabled version.
        pub fn usable_cipher_suites(&self) -> impl Iterator<Item = CipherSuite> + '_ {
            self.common.cipher_suites.iter().copied().filter(|s| self.common.versions.contains(&s.version()))
        }

        /// The enabled versions, oldest first.
        pub fn versions(&self) -> &[ProtocolVersion] {
            &self.common.versions
        }

        /// The enabled versions that have at least one configured suite:
        /// what is offered, oldest first.
        pub fn offered_versions(&self) -> Vec<ProtocolVersion> {
            self.common
                .versions
                .iter()
                .copied()
                .filter(|v| self.common.cipher_suites.iter().any(|s| s.version() == *v))
                .collect()
        }

        /// The configured groups, or `None` for the engine's default.
        pub fn groups(&self) -> Option<&[NamedGroup]> {
            self.common.groups.as_deref()
        }

        /// The ALPN protocols, most preferred first.
        pub fn alpn_protocols(&self) -> &[Vec<u8>] {
            &self.common.alpn_protocols
        }

        /// The engine's prepared state for this configuration (for engines).
        pub fn prepared(&self) -> &Prepared {
            &self.common.prepared
        }

        /// The same configuration with its own, empty prepared state (for
        /// engines that keep a copy of the configuration inside what they
        /// prepare: sharing the slot would make a reference cycle).
        #[must_use]
        pub fn unprepared(&self) -> Self {
            let mut copy = self.clone();
            copy.common.prepared = Prepared::default();
            copy
        }
    };
}

impl ClientTls {
    /// A client that will connect to `server_hostname`: a DNS name (sent as
    /// SNI and checked against the server's certificate) or an IP address
    /// (checked against the certificate's IP entries, no SNI).
    ///
    /// # Errors
    /// [`ConfigError::InvalidServerName`].
    pub fn new(server_hostname: impl Into<String>) -> Result<Self, Error> {
        let server_hostname = server_hostname.into();
        if server_hostname.parse::<std::net::IpAddr>().is_err()
            && !crate::name::is_valid_dns_name(&server_hostname)
        {
            return Err(ConfigError::InvalidServerName(server_hostname).into());
        }
        Ok(Self {
            server_hostname,
            common: Common::default(),
            trust_root: None,
            client_certificate_store: None,
            resumption: true,
        })
    }

    common_accessors!();

    /// Trust these CAs instead of the system's (the seed's `trust_root`).
    #[must_use]
    pub fn with_trust_root(mut self, trust_root: TrustStore) -> Self {
        self.trust_root = Some(trust_root);
        self.common.prepared = Prepared::default();
        self
    }

    /// Present certificates from this store when a server asks (the seed's
    /// `client_certificate_store`).
    pub fn with_client_certificate_store(mut self, store: Arc<dyn ClientCertificateStore>) -> Self {
        self.client_certificate_store = Some(store);
        self.common.prepared = Prepared::default();
        self
    }

    /// Turn session resumption on (the default) or off. Sessions are kept
    /// per `ClientTls` value (and its clones), per server name, and dropped
    /// when a connection ends with a fatal alert.
    #[must_use]
    pub fn with_resumption(mut self, enabled: bool) -> Self {
        self.resumption = enabled;
        self.common.prepared = Prepared::default();
        self
    }

    /// The server name given to [`ClientTls::new`].
    #[must_use]
    pub fn server_hostname(&self) -> &str {
        &self.server_hostname
    }

    /// The trust store given with [`ClientTls::with_trust_root`], if any
    /// (`None`: the system's).
    #[must_use]
    pub fn custom_trust_root(&self) -> Option<&TrustStore> {
        self.trust_root.as_ref()
    }

    /// The trust store: the one given, or the system's.
    ///
    /// # Errors
    /// [`ConfigError::SystemTrustStore`] when the system store is needed and
    /// cannot be loaded.
    pub fn trust_root(&self) -> Result<TrustStore, Error> {
        match &self.trust_root {
            Some(store) => Ok(store.clone()),
            None => TrustStore::system(),
        }
    }

    /// The client certificate store, if any.
    #[must_use]
    pub fn client_certificate_store(&self) -> Option<&Arc<dyn ClientCertificateStore>> {
        self.client_certificate_store.as_ref()
    }

    /// Whether session resumption is on.
    #[must_use]
    pub fn resumption(&self) -> bool {
        self.resumption
    }

    /// Start a connection (the seed's `ClientTLS.start`): the ClientHello
    /// reaches `wire` before this returns.
    ///
    /// # Errors
    /// Configuration errors, and [`Error::Unsupported`] for settings the
    /// engine lacks.
    pub fn start(&self, engine: &dyn Engine, wire: impl Wire + 'static) -> Result<Connection, Error> {
        self.start_inner(|c, context| engine.start_client(c, context), Box::new(wire), None)
    }

    /// [`ClientTls::start`] with per-connection options: the seed's
    /// `verify_callback` ([`StartOptions::verify`]), called once per
    /// negotiation after the built-in checks passed.
    ///
    /// # Errors
    /// As [`ClientTls::start`].
    pub fn start_with(
        &self,
        engine: &dyn Engine,
        wire: impl Wire + 'static,
        options: StartOptions,
    ) -> Result<Connection, Error> {
        self.start_inner(|c, context| engine.start_client(c, context), Box::new(wire), options.verify)
    }

    static_starts! {
        /// [`ClientTls::start`] with the engine's type known at compile time:
        /// the connection calls its session and wire directly, with no virtual
        /// calls (see [`Connection`]'s "Static dispatch").
        ///
        /// ```
        /// # fn demo<E: wiretls_core::StaticEngine>(engine: &E) -> Result<(), wiretls_core::Error> {
        /// use wiretls_core::{ClientTls, MemoryWire};
        /// let tls = ClientTls::new("example.test")?;
        /// // A `Connection<E::ClientSession, MemoryWire>`: no virtual calls.
        /// let mut conn = tls.start_static(engine, MemoryWire::default())?;
        /// assert!(conn.is_handshaking());
        /// assert!(!conn.wire_buffer().map_or(true, |b| b.is_empty()), "the ClientHello is written");
        /// # Ok(()) }
        /// ```
        ///
        /// # Errors
        /// As [`ClientTls::start`].
        ClientSession, client_session
    }

    fn start_inner<S: Session + ?Sized, W: Wire + ?Sized>(
        &self,
        start: impl FnOnce(&Self, SessionContext) -> Result<Box<S>, Error>,
        wire: Box<W>,
        verify: Option<Box<dyn VerifyCallback>>,
    ) -> Result<Connection<S, W>, Error> {
        self.common.check()?;
        let context = SessionContext::new(verify.map(|cb| VerifyHook::new(cb, self.trust_root.clone())));
        let (waker, hook) = (Arc::clone(&context.waker), context.verify.clone());
        let session = start(self, context)?;
        Connection::new(Side::Client, session, wire, waker, hook)
    }
}

impl fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientTls")
            .field("server_hostname", &self.server_hostname)
            .field("versions", &self.common.versions)
            .field("cipher_suites", &self.common.cipher_suites)
            .field("custom_trust_root", &self.trust_root.is_some())
            .field("client_certificate_store", &self.client_certificate_store.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether, and how, a server asks clients for certificates.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// Do not ask (the default).
    #[default]
    None,
    /// Ask, naming these CAs; accept clients without a certificate.
    Optional(TrustStore),
    /// Ask, naming these CAs; refuse clients without one (`certificate_required`).
    Required(TrustStore),
}

impl ClientAuth {
    /// The trust store, when certificates are asked for.
    #[must_use]
    pub fn trust_store(&self) -> Option<&TrustStore> {
        match self {
            Self::None => None,
            Self::Optional(t) | Self::Required(t) => Some(t),
        }
    }
}

/// Finite-field Diffie-Hellman parameters for TLS 1.2 DHE suites (the seed's
/// `dh_params`): a PKCS#3 `DHParameter` in DER.
#[derive(Clone, PartialEq, Eq)]
pub struct DhParams {
    der: Arc<[u8]>,
}

impl DhParams {
    /// Parameters from a PEM file holding one `DH PARAMETERS` section.
    ///
    /// # Errors
    /// [`Error::Malformed`] when there is no such section or it is not a
    /// DER `SEQUENCE` of two or three `INTEGER`s.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let sections = pem::parse_many(pem).map_err(|e| malformed(e.to_string()))?;
        let mut dh = sections.into_iter().filter(|s| s.tag() == "DH PARAMETERS");
        match (dh.next(), dh.next()) {
            (Some(section), None) => Self::from_der(section.into_contents()),
            (None, _) => Err(malformed("no DH PARAMETERS section".into())),
            (Some(_), Some(_)) => Err(malformed("more than one DH PARAMETERS section".into())),
        }
    }

    /// Parameters from DER.
    ///
    /// # Errors
    /// [`Error::Malformed`] as for [`DhParams::from_pem`].
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, Error> {
        use x509_parser::der_parser::ber::BerObjectContent;
        let der = der.into();
        let (rest, obj) = x509_parser::der_parser::parse_der(&der).map_err(|e| malformed(e.to_string()))?;
        let ok = rest.is_empty()
            && match &obj.content {
                BerObjectContent::Sequence(items) => {
                    (2..=3).contains(&items.len())
                        && items.iter().all(|i| matches!(i.content, BerObjectContent::Integer(_)))
                }
                _ => false,
            };
        if !ok {
            return Err(malformed("not a PKCS#3 DHParameter".into()));
        }
        Ok(Self { der: der.into() })
    }

    /// The DER bytes.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM text.
    #[must_use]
    pub fn to_pem(&self) -> String {
        pem::encode(&pem::Pem::new("DH PARAMETERS", self.der.to_vec()))
    }
}

impl fmt::Debug for DhParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DhParams({} bytes)", self.der.len())
    }
}

fn malformed(detail: String) -> Error {
    Error::Malformed { what: Malformed::DhParams, detail }
}

/// The server's configuration (the seed's `ServerTLS`).
#[derive(Clone)]
pub struct ServerTls {
    certificates: Arc<dyn ServerCertificates>,
    dh_params: Option<DhParams>,
    client_auth: ClientAuth,
    client_ca_names: bool,
    common: Common,
}

impl ServerTls {
    /// A server presenting chains from `certificates` (a
    /// [`ServerCertificateChain`](crate::ServerCertificateChain), an
    /// [`SniServerCertificates`](crate::SniServerCertificates) or the
    /// application's own [`ServerCertificates`]).
    pub fn new(certificates: Arc<dyn ServerCertificates>) -> Self {
        Self {
            certificates,
            dh_params: None,
            client_auth: ClientAuth::None,
            client_ca_names: true,
            common: Common::default(),
        }
    }

    /// A server presenting one chain to every client: the common case of
    /// [`ServerTls::new`] with a
    /// [`ServerCertificateChain`](crate::ServerCertificateChain), in one call.
    /// `ServerTls::from(chain)` is the same.
    ///
    /// ```
    /// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures");
    /// # let pem = std::fs::read(format!("{dir}/server-p256.pem")).unwrap();
    /// use wiretls_core::{CertificateChain, ServerTls};
    /// let server = ServerTls::from_chain(CertificateChain::from_pem(&pem)?);
    /// # Ok::<(), wiretls_core::Error>(())
    /// ```
    #[must_use]
    pub fn from_chain(chain: crate::CertificateChain) -> Self {
        Self::new(Arc::new(crate::ServerCertificateChain::from(chain)))
    }

    common_accessors!();

    /// Use these parameters for TLS 1.2 DHE suites (the seed's `dh_params`).
    /// An engine without DHE support refuses them with [`Error::Unsupported`].
    #[must_use]
    pub fn with_dh_params(mut self, dh_params: DhParams) -> Self {
        self.dh_params = Some(dh_params);
        self.common.prepared = Prepared::default();
        self
    }

    /// Ask clients for certificates.
    #[must_use]
    pub fn with_client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self.common.prepared = Prepared::default();
        self
    }

    /// Whether the CertificateRequest names the trusted client CAs (the
    /// default). Without names, clients use their store's
    /// `default_certificate_chain`.
    #[must_use]
    pub fn with_client_ca_names(mut self, send: bool) -> Self {
        self.client_ca_names = send;
        self.common.prepared = Prepared::default();
        self
    }

    /// Whether the CertificateRequest names the trusted client CAs.
    #[must_use]
    pub fn client_ca_names(&self) -> bool {
        self.client_ca_names
    }

    /// The certificate source.
    #[must_use]
    pub fn certificates(&self) -> &Arc<dyn ServerCertificates> {
        &self.certificates
    }

    /// The DH parameters, if any.
    #[must_use]
    pub fn dh_params(&self) -> Option<&DhParams> {
        self.dh_params.as_ref()
    }

    /// The client-certificate policy.
    #[must_use]
    pub fn client_auth(&self) -> &ClientAuth {
        &self.client_auth
    }

    /// Start a connection (the seed's `ServerTLS.start`). Unlike the seed's
    /// server, this one also takes a `wire_close` (the [`Wire`] trait has
    /// both): a server must be able to ask for the transport to close too.
    ///
    /// # Errors
    /// Configuration errors, and [`Error::Unsupported`] for settings the
    /// engine lacks.
    pub fn start(&self, engine: &dyn Engine, wire: impl Wire + 'static) -> Result<Connection, Error> {
        self.start_inner(|c, context| engine.start_server(c, context), Box::new(wire), None)
    }

    /// [`ServerTls::start`] with per-connection options: a verify callback
    /// for client certificates ([`StartOptions::verify`]).
    ///
    /// # Errors
    /// As [`ServerTls::start`].
    pub fn start_with(
        &self,
        engine: &dyn Engine,
        wire: impl Wire + 'static,
        options: StartOptions,
    ) -> Result<Connection, Error> {
        self.start_inner(|c, context| engine.start_server(c, context), Box::new(wire), options.verify)
    }

    static_starts! {
        /// [`ServerTls::start`] with the engine's type known at compile time
        /// (see [`ClientTls::start_static`]).
        ///
        /// # Errors
        /// As [`ServerTls::start`].
        ServerSession, server_session
    }

    fn start_inner<S: Session + ?Sized, W: Wire + ?Sized>(
        &self,
        start: impl FnOnce(&Self, SessionContext) -> Result<Box<S>, Error>,
        wire: Box<W>,
        verify: Option<Box<dyn VerifyCallback>>,
    ) -> Result<Connection<S, W>, Error> {
        self.common.check()?;
        if self.dh_params.is_none() {
            if let Some(s) = self.usable_cipher_suites().find(|s| s.info().key_exchange == KeyExchange::Dhe) {
                return Err(ConfigError::DhSuiteWithoutParams(s).into());
            }
        }
        let trust = self.client_auth.trust_store().cloned();
        let context = SessionContext::new(verify.map(|cb| VerifyHook::new(cb, trust)));
        let (waker, hook) = (Arc::clone(&context.waker), context.verify.clone());
        let session = start(self, context)?;
        Connection::new(Side::Server, session, wire, waker, hook)
    }
}

/// Options of one connection, given to [`ClientTls::start_with`] and
/// [`ServerTls::start_with`] (the seed's keyword arguments of `start`).
///
/// ```
/// use wiretls_core::{Certificate, Reject, StartOptions, VerifyContext};
/// let options = StartOptions::new().verify(|chain: &[Certificate], _: &VerifyContext<'_>| {
///     // the application's veto, after the built-in checks passed
///     if chain.len() > 4 { Err(Reject::default()) } else { Ok(()) }
/// });
/// # let _ = options;
/// ```
#[derive(Default)]
#[must_use]
pub struct StartOptions {
    verify: Option<Box<dyn VerifyCallback>>,
}

impl StartOptions {
    /// No options: what [`ClientTls::start`] and [`ServerTls::start`] use.
    pub fn new() -> Self {
        Self::default()
    }

    /// The seed's `verify_callback`: called once per negotiation with the
    /// peer's certification path, after the engine's built-in checks and
    /// wiretls's policy passed; its [`Reject`](crate::Reject) is a veto.
    pub fn verify(mut self, callback: impl VerifyCallback + 'static) -> Self {
        self.verify = Some(Box::new(callback));
        self
    }
}

impl fmt::Debug for StartOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartOptions").field("verify", &self.verify.is_some()).finish()
    }
}

impl From<crate::CertificateChain> for ServerTls {
    /// [`ServerTls::from_chain`].
    fn from(chain: crate::CertificateChain) -> Self {
        Self::from_chain(chain)
    }
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("versions", &self.common.versions)
            .field("cipher_suites", &self.common.cipher_suites)
            .field("dh_params", &self.dh_params)
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

/// State an engine prepares once per configuration and reuses for every
/// connection (its own config objects, caches). Keyed by type, so engines
/// cannot collide. Clones of a configuration share it; changing a setting
/// starts a fresh one.
#[derive(Clone)]
pub struct Prepared {
    slots: Arc<Mutex<Vec<PreparedSlot>>>,
    id: u64,
}

impl Default for Prepared {
    fn default() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self { slots: Arc::default(), id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) }
    }
}

type PreparedSlot = (TypeId, Arc<dyn Any + Send + Sync>);

impl Prepared {
    /// An id unique in this process for this configuration (shared by its
    /// clones, new after any change).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The prepared value of type `T`, made by `make` the first time.
    ///
    /// # Errors
    /// Whatever `make` returns; nothing is kept then.
    pub fn get_or_try_init<T: Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> Result<T, Error>,
    ) -> Result<Arc<T>, Error> {
        let id = TypeId::of::<T>();
        {
            let slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((_, value)) = slots.iter().find(|(t, _)| *t == id) {
                if let Ok(value) = Arc::clone(value).downcast::<T>() {
                    return Ok(value);
                }
            }
        }
        // Made outside the lock: `make` may be slow. A racing thread may make
        // it too; the first one stored wins.
        let made = Arc::new(make()?);
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, value)) = slots.iter().find(|(t, _)| *t == id) {
            if let Ok(value) = Arc::clone(value).downcast::<T>() {
                return Ok(value);
            }
        }
        slots.push((id, Arc::clone(&made) as Arc<dyn Any + Send + Sync>));
        Ok(made)
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Prepared(..)")
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<ClientTls>();
    check::<ServerTls>();
    check::<Certificate>();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_names_are_checked_at_the_builder() {
        let invalid = |names: &[&[u8]]| {
            matches!(
                ClientTls::new("example.com").and_then(|t| t.with_alpn_protocols(names)),
                Err(Error::Config(ConfigError::InvalidAlpnProtocol))
            )
        };
        assert!(invalid(&[b""]));
        assert!(invalid(&[b"h2", &[b'x'; 256]]));
        assert!(!invalid(&[b"h2", &[b'x'; 255]]));
    }

    #[test]
    fn an_empty_group_list_is_refused_at_start() -> Result<(), Error> {
        let tls = ClientTls::new("example.com")?;
        assert!(tls.common.check().is_ok(), "the engine's default groups");
        let tls = tls.with_groups(&[]);
        assert_eq!(tls.common.check(), Err(Error::Config(ConfigError::NoGroups)));
        assert!(tls.with_groups(&[NamedGroup::X25519]).common.check().is_ok());
        Ok(())
    }

    #[test]
    fn server_names_are_checked() {
        assert!(ClientTls::new("example.com").is_ok());
        assert!(ClientTls::new("127.0.0.1").is_ok());
        assert!(matches!(ClientTls::new("bad name"), Err(Error::Config(ConfigError::InvalidServerName(_)))));
    }

    #[test]
    fn unprepared_copies_keep_settings_not_prepared_state() -> Result<(), Error> {
        let tls = ClientTls::new("example.com")?.with_alpn_protocols(&[b"h2"])?;
        let clone = tls.clone();
        let copy = tls.unprepared();
        assert_eq!(clone.prepared().id(), tls.prepared().id());
        assert_ne!(copy.prepared().id(), tls.prepared().id());
        tls.prepared().get_or_try_init(|| Ok(7u8))?;
        let made = copy.prepared().get_or_try_init(|| Ok(8u8))?;
        assert_eq!(*made, 8, "the copy's slot is its own");
        assert_eq!(copy.alpn_protocols(), tls.alpn_protocols());
        assert_eq!(copy.server_hostname(), tls.server_hostname());
        Ok(())
    }
}
