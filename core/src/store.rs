use core::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Waker;

use crate::cert::{Certificate, DistinguishedName};
use crate::chain::{group_chains, CertificateChain};
use crate::error::{Callback, Error, InvalidatedReason};

/// The server's source of certificate chains (the seed's `ServerCertificates`).
///
/// Implemented by the user, called by wiretls once per handshake, when the
/// ClientHello has arrived.
pub trait ServerCertificates: Send + Sync {
    /// Answer `callback` with the chain to send to a client that asked for
    /// `server_name` (`None` when it sent no SNI). Answering `None` fails the
    /// handshake with an alert. A default chain that does not match the name
    /// is acceptable. The answer may come after this method returns.
    #[doc(alias = "get_certificate_chain_for_server_name")]
    fn certificate_chain_for_server_name(
        &self,
        server_name: Option<&str>,
        callback: CertificateChainCallback,
    );

    /// The one chain this source gives every client, whatever name it
    /// asks for, if it is fixed: [`ServerCertificateChain`] says so. An
    /// engine that cannot ask a store during the handshake (native-tls)
    /// takes this chain when the connection starts, and refuses a source
    /// without one ([`Feature::ServerCertificateStore`](crate::Feature::ServerCertificateStore)).
    /// The default: `None`.
    fn fixed_chain(&self) -> Option<&CertificateChain> {
        None
    }
}

/// The client's source of its own certificate chain (the seed's
/// `ClientCertificateStore`), used when the server asks for one.
pub trait ClientCertificateStore: Send + Sync {
    /// Answer `callback` with a chain that reaches one of `roots`, the CA
    /// names of the server's CertificateRequest, or `None`.
    ///
    /// The seed describes `roots` as "a set of keyless certificates"; the
    /// protocol carries only the CAs' distinguished names, so that is what
    /// wiretls passes.
    #[doc(alias = "get_certificate_chain_for_roots")]
    fn certificate_chain_for_roots(&self, roots: &[DistinguishedName], callback: CertificateChainCallback);

    /// Answer `callback` with the chain to use when the server named no CAs,
    /// or `None`.
    #[doc(alias = "get_default_certificate_chain")]
    fn default_certificate_chain(&self, callback: CertificateChainCallback);
}

/// The one-shot callback a store answers through (the seed's
/// `certificate_chain_callback`). Cheap to clone; every clone answers the
/// same request.
///
/// Certificate stores the application implements, and the one-shot callback
/// through which they answer — synchronously, later on the same thread, or
/// from another thread.
///
/// # The answer contract
/// An engine that needs a chain calls the store's method with a
/// [`CertificateChainCallback`] and returns to its caller. When the store
/// answers (inside the method, or at any later time, on any thread):
/// - the answer is kept in the callback's slot, and the connection's waker
///   (see [`Connection::set_waker`](crate::Connection::set_waker)) is woken;
/// - the application then calls [`Connection::proceed`](crate::Connection::proceed)
///   (any `data_from_wire` call resumes too), which continues the handshake
///   and writes its next flight to the wire: the peer need not send anything;
/// - peer bytes given to `data_from_wire` while the store had not answered
///   are kept and processed after the answer;
/// - answering a second time gives [`Error::Invalidated`] with
///   [`InvalidatedReason::AlreadyAnswered`]; an answer that is refused
///   (for example [`Error::NoCertificateChain`]) does not count, so the store
///   may answer again with a better chain or `None`;
/// - a store that drops every clone of the callback without answering (a
///   task that failed or was cancelled, a store that forgot) has answered
///   `None`: the handshake goes on without a chain (a server ends it with
///   [`Error::NoServerCertificate`]), it never waits forever.
#[derive(Clone)]
pub struct CertificateChainCallback {
    slot: Arc<Slot>,
    roots: Option<Arc<[DistinguishedName]>>,
    /// Shared by the clones: the last one dropped answers `None` if nobody answered.
    _unanswered: Arc<AnswerNoneOnDrop>,
}

/// Answers `None` for a store that dropped its callback without answering.
struct AnswerNoneOnDrop(Arc<Slot>);

impl Drop for AnswerNoneOnDrop {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        if state.answered || state.abandoned {
            return;
        }
        state.answered = true;
        state.answer = Some(None);
        drop(state);
        self.0.waker.notify();
    }
}

struct Slot {
    state: Mutex<SlotState>,
    waker: Arc<StoreWaker>,
}

/// A connection's waker cell: the waker a store's answer wakes, and whether
/// an answer came that the connection has not acted on yet (so that an
/// answer given before a waker was registered is not lost: registering then
/// wakes at once).
#[derive(Debug, Default)]
pub struct StoreWaker {
    waker: Mutex<Option<Waker>>,
    /// An answer came that the connection has not acted on (an atomic: the
    /// connection clears it before every engine call, on the data path).
    unseen_answer: AtomicBool,
}

impl StoreWaker {
    fn waker(&self) -> MutexGuard<'_, Option<Waker>> {
        self.waker.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A store answered: remember it and wake the registered waker.
    pub fn notify(&self) {
        // Set before the waker is read: a `register` that misses this
        // waker sees the flag (both are sequentially consistent).
        self.unseen_answer.store(true, Ordering::SeqCst);
        let waker = self.waker().clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Register `waker`; wake it at once when an answer came before.
    pub fn register(&self, waker: Waker) {
        *self.waker() = Some(waker.clone());
        if self.unseen_answer.load(Ordering::SeqCst) {
            waker.wake();
        }
    }

    /// The connection is about to act on whatever answers came.
    #[inline]
    pub fn clear(&self) {
        if self.unseen_answer.load(Ordering::Relaxed) {
            self.unseen_answer.store(false, Ordering::SeqCst);
        }
    }

    /// Whether an answer came that the connection has not acted on.
    pub fn has_unseen_answer(&self) -> bool {
        self.unseen_answer.load(Ordering::SeqCst)
    }
}

#[derive(Default)]
struct SlotState {
    answered: bool,
    answer: Option<Option<CertificateChain>>,
    abandoned: bool,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // A panic while holding this lock leaves plain data behind; recover it.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl CertificateChainCallback {
    /// Answer with a chain, or `None` for "no certificate available".
    ///
    /// # Errors
    /// - [`Error::Invalidated`] ([`InvalidatedReason::AlreadyAnswered`]) on a
    ///   second answer, and ([`InvalidatedReason::Abandoned`]) when the
    ///   connection that asked is gone;
    /// - [`Error::NoCertificateChain`] when the server named CAs and the
    ///   chain reaches none of them.
    pub fn answer(&self, chain: Option<CertificateChain>) -> Result<(), Error> {
        let mut state = self.slot.lock();
        if state.answered {
            return Err(Error::Invalidated { reason: InvalidatedReason::AlreadyAnswered });
        }
        if state.abandoned {
            return Err(Error::Invalidated { reason: InvalidatedReason::Abandoned });
        }
        if let (Some(roots), Some(chain)) = (&self.roots, &chain) {
            if !roots.is_empty() && !chain.reaches_any(roots) {
                return Err(Error::NoCertificateChain { roots: roots.len() });
            }
        }
        state.answered = true;
        state.answer = Some(chain);
        drop(state);
        self.slot.waker.notify();
        Ok(())
    }

    /// Answer with a set of certificates, ordered and checked as
    /// [`CertificateChain::new`] does: the seed's callback "may also raise
    /// LeafCertificateHasNoPrivateKeyError, MoreThanOneLeafCertificateError,
    /// or NoLeafCertificateError". A refused set does not count as an answer.
    ///
    /// # Errors
    /// Those of [`CertificateChain::new`] and of [`CertificateChainCallback::answer`].
    pub fn answer_certificates(
        &self,
        certificates: impl IntoIterator<Item = Certificate>,
    ) -> Result<(), Error> {
        if self.slot.lock().answered {
            return Err(Error::Invalidated { reason: InvalidatedReason::AlreadyAnswered });
        }
        self.answer(Some(CertificateChain::new(certificates)?))
    }

    /// Whether the connection that asked is gone (an answer would be
    /// refused with [`InvalidatedReason::Abandoned`]).
    #[must_use]
    pub fn is_abandoned(&self) -> bool {
        self.slot.lock().abandoned
    }

    /// The CA names the server sent (`None` for a server-side request or the
    /// default-chain request).
    #[must_use]
    pub fn roots(&self) -> Option<&[DistinguishedName]> {
        self.roots.as_deref()
    }
}

impl fmt::Debug for CertificateChainCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateChainCallback").field("answered", &self.slot.lock().answered).finish()
    }
}

/// The engine's side of a [`CertificateChainCallback`]: made by an engine
/// when it asks a store, polled until the store has answered.
pub struct ChainRequest {
    slot: Arc<Slot>,
}

impl ChainRequest {
    /// A new request and the callback to hand to the store. `waker` is the
    /// connection's waker cell ([`crate::traits::SessionContext::waker`]).
    pub fn new(
        roots: Option<Vec<DistinguishedName>>,
        waker: Arc<StoreWaker>,
    ) -> (Self, CertificateChainCallback) {
        let slot = Arc::new(Slot { state: Mutex::new(SlotState::default()), waker });
        let callback = CertificateChainCallback {
            slot: Arc::clone(&slot),
            roots: roots.map(Into::into),
            _unanswered: Arc::new(AnswerNoneOnDrop(Arc::clone(&slot))),
        };
        (Self { slot }, callback)
    }

    /// The answer, once: `Some(answer)` the first time after the store
    /// answered, `None` before that (and after it was taken).
    #[must_use]
    pub fn take(&self) -> Option<Option<CertificateChain>> {
        self.slot.lock().answer.take()
    }

    /// Whether the store has answered (the answer may already be taken).
    #[must_use]
    pub fn is_answered(&self) -> bool {
        self.slot.lock().answered
    }
}

impl Drop for ChainRequest {
    fn drop(&mut self) {
        self.slot.lock().abandoned = true;
    }
}

impl fmt::Debug for ChainRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainRequest").field("answered", &self.is_answered()).finish()
    }
}

/// Which store a connection asks: a server's, or a client's (if it has one).
#[derive(Clone)]
pub enum StoreRef {
    /// The server's certificate source.
    Server(Arc<dyn ServerCertificates>),
    /// The client's store, if the configuration has one.
    Client(Option<Arc<dyn ClientCertificateStore>>),
}

/// What a [`StoreQuery`] found.
#[derive(Debug)]
pub enum StoreAnswer {
    /// The store chose this chain.
    Chain(CertificateChain),
    /// The store has no chain (or there is no store).
    NoChain,
    /// The store has not answered yet.
    Pending,
    /// The store's method panicked ([`Error::CallbackPanicked`]).
    Failed(Error),
}

/// One handshake's question to its certificate store, for engines whose
/// library calls back repeatedly until it gets an answer (OpenSSL's and
/// BoringSSL's certificate callbacks): the store is asked once, its answer
/// polled after that. The answer is kept: a library that runs its callback
/// again in the same handshake (OpenSSL does for the second ClientHello,
/// after a HelloRetryRequest) gets the same chain, and the store is not
/// asked twice.
pub struct StoreQuery {
    store: StoreRef,
    waker: Arc<StoreWaker>,
    state: Mutex<QueryState>,
}

#[derive(Default)]
struct QueryState {
    asked: bool,
    request: Option<ChainRequest>,
    /// The answer once taken from `request`.
    answer: Option<Option<CertificateChain>>,
}

impl StoreQuery {
    /// A question to `store`; `waker` is the connection's waker cell.
    pub fn new(store: StoreRef, waker: Arc<StoreWaker>) -> Self {
        Self { store, waker, state: Mutex::default() }
    }

    fn lock(&self) -> MutexGuard<'_, QueryState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Ask the store the first time (a server store with `server_name`, a
    /// client store with the CA names `roots`, or for its default chain when
    /// there are none); after that, poll the answer. A store that panics is
    /// caught here and answers [`StoreAnswer::Failed`].
    pub fn poll(&self, server_name: Option<&str>, roots: &[DistinguishedName]) -> StoreAnswer {
        let mut state = self.lock();
        if !state.asked {
            state.asked = true;
            let named = !roots.is_empty();
            let (request, callback) =
                ChainRequest::new(named.then(|| roots.to_vec()), Arc::clone(&self.waker));
            state.request = Some(request);
            // The store may answer at once: our lock must not be held then.
            drop(state);
            if let Err(e) = self.store.ask(server_name, roots, callback) {
                self.lock().request = None;
                return StoreAnswer::Failed(e);
            }
            state = self.lock();
        }
        if let Some(answer) = &state.answer {
            return answer.clone().map_or(StoreAnswer::NoChain, StoreAnswer::Chain);
        }
        let Some(request) = &state.request else { return StoreAnswer::NoChain };
        match request.take() {
            None => StoreAnswer::Pending,
            Some(answer) => {
                state.request = None;
                state.answer = Some(answer.clone());
                answer.map_or(StoreAnswer::NoChain, StoreAnswer::Chain)
            }
        }
    }

    /// Whether the store was asked and its answer has not been taken yet
    /// (it may have answered: the handshake goes on at the next
    /// [`Connection::proceed`](crate::Connection::proceed)). The meaning of
    /// [`Connection::is_waiting_for_store`](crate::Connection::is_waiting_for_store)
    /// on every engine.
    pub fn is_pending(&self) -> bool {
        self.lock().request.is_some()
    }
}

impl StoreRef {
    /// Ask this store for a chain, catching a panic of the store's method
    /// (a server store with `server_name`; a client store with the CA names
    /// `roots`, or for its default chain when there are none; no client
    /// store answers `None` at once).
    ///
    /// # Errors
    /// [`Error::CallbackPanicked`] when the store's method panicked.
    pub fn ask(
        &self,
        server_name: Option<&str>,
        roots: &[DistinguishedName],
        callback: CertificateChainCallback,
    ) -> Result<(), Error> {
        match self {
            Self::Server(store) => Error::catch_callback(Callback::ServerCertificates, || {
                store.certificate_chain_for_server_name(server_name, callback);
            }),
            Self::Client(Some(store)) if !roots.is_empty() => {
                Error::catch_callback(Callback::ClientCertificateStore, || {
                    store.certificate_chain_for_roots(roots, callback);
                })
            }
            Self::Client(Some(store)) => Error::catch_callback(Callback::ClientCertificateStore, || {
                store.default_certificate_chain(callback);
            }),
            Self::Client(None) => {
                // No store: answer for it (a fresh callback accepts `None`).
                let _ = callback.answer(None);
                Ok(())
            }
        }
    }
}

impl fmt::Debug for StoreQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreQuery").field("pending", &self.is_pending()).finish_non_exhaustive()
    }
}

/// The alert a server sends when its store answered `None`:
/// `unrecognized_name` when the client asked for a name (RFC 6066 section 3),
/// `handshake_failure` when it did not.
#[must_use]
pub fn no_certificate_alert(server_name: Option<&str>) -> crate::AlertDescription {
    match server_name {
        Some(_) => crate::AlertDescription::UNRECOGNIZED_NAME,
        None => crate::AlertDescription::HANDSHAKE_FAILURE,
    }
}

/// A server store failed (its method panicked): before the store answered
/// nothing is encrypted, so `internal_error` goes out as a plain record and
/// the error says so. Other errors, and a client's, pass unchanged.
pub fn server_store_failed(e: Error, side: crate::Side, out: &mut Vec<u8>) -> Error {
    match e {
        Error::CallbackPanicked { callback, message, alert_sent: None } if side == crate::Side::Server => {
            let alert = crate::AlertDescription::INTERNAL_ERROR;
            out.extend_from_slice(&crate::Alert::fatal(alert).plaintext_record());
            Error::CallbackPanicked { callback, message, alert_sent: Some(alert) }
        }
        e => e,
    }
}

/// One chain sent to every client (the seed's `ServerCertificateChain`).
#[derive(Clone, Debug)]
pub struct ServerCertificateChain {
    chain: CertificateChain,
}

impl ServerCertificateChain {
    /// The chain from an unordered set of certificates.
    ///
    /// # Errors
    /// Those of [`CertificateChain::new`].
    pub fn new(chain: impl IntoIterator<Item = Certificate>) -> Result<Self, Error> {
        Ok(Self { chain: CertificateChain::new(chain)? })
    }

    /// The chain.
    #[must_use]
    pub fn chain(&self) -> &CertificateChain {
        &self.chain
    }
}

impl From<CertificateChain> for ServerCertificateChain {
    fn from(chain: CertificateChain) -> Self {
        Self { chain }
    }
}

impl ServerCertificates for ServerCertificateChain {
    fn certificate_chain_for_server_name(
        &self,
        _server_name: Option<&str>,
        callback: CertificateChainCallback,
    ) {
        // A fresh callback cannot have been answered; nothing to report.
        let _ = callback.answer(Some(self.chain.clone()));
    }

    fn fixed_chain(&self) -> Option<&CertificateChain> {
        Some(&self.chain)
    }
}

/// Several chains chosen by SNI, with an optional default (the seed's
/// `SNIServerCertificates`).
#[derive(Clone, Debug)]
pub struct SniServerCertificates {
    chains: Vec<CertificateChain>,
    default: Option<CertificateChain>,
}

impl SniServerCertificates {
    /// Group `certificates` into chains (one per leaf, each leaf with its
    /// issuers from the set) and keep `default` (an empty set: no default).
    ///
    /// # Errors
    /// [`Error::LeafCertificateHasNoPrivateKey`] for a leaf without its key,
    /// [`Error::ExtraneousPrivateKey`], [`Error::CertificateNotInChain`] for a
    /// CA no chain uses, [`Error::NoLeafCertificate`]; for `default`, those of
    /// [`CertificateChain::new`].
    pub fn new(
        certificates: impl IntoIterator<Item = Certificate>,
        default: impl IntoIterator<Item = Certificate>,
    ) -> Result<Self, Error> {
        let default: Vec<Certificate> = default.into_iter().collect();
        let default = if default.is_empty() { None } else { Some(CertificateChain::new(default)?) };
        Ok(Self { chains: group_chains(certificates)?, default })
    }

    /// The chain for `server_name`: a leaf whose DNS names match exactly
    /// first, then one matching by wildcard, then the default.
    #[must_use]
    pub fn select(&self, server_name: Option<&str>) -> Option<&CertificateChain> {
        let Some(name) = server_name else { return self.default.as_ref() };
        let exact = self.chains.iter().find(|c| {
            c.leaf()
                .dns_names()
                .iter()
                .any(|n| !n.starts_with("*.") && crate::name::dns_name_matches(n, name))
        });
        exact.or_else(|| self.chains.iter().find(|c| c.leaf().matches_name(name))).or(self.default.as_ref())
    }

    /// The chains, in the order they were found.
    #[must_use]
    pub fn chains(&self) -> &[CertificateChain] {
        &self.chains
    }
}

impl ServerCertificates for SniServerCertificates {
    fn certificate_chain_for_server_name(
        &self,
        server_name: Option<&str>,
        callback: CertificateChainCallback,
    ) {
        // A fresh callback cannot have been answered; nothing to report.
        let _ = callback.answer(self.select(server_name).cloned());
    }
}
