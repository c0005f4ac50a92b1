//! What a connection shares with OpenSSL's callbacks: kept in the `SSL`'s
//! ex_data, found again from inside each callback.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::Waker;

use openssl::ex_data::Index;
use openssl::ssl::Ssl;
use wiretls_core::{
    Alert, AlertDescription, CertificateChain, ChainRequest, ClientCertificateStore, DistinguishedName,
    Error, ServerCertificates, Side, VerifyHook,
};

use crate::convert::ChainCache;

/// Which store a connection asks.
pub(crate) enum Store {
    Server(Arc<dyn ServerCertificates>),
    Client(Option<Arc<dyn ClientCertificateStore>>),
}

/// Per-connection state reachable from the callbacks.
pub(crate) struct Shared {
    pub(crate) side: Side,
    pub(crate) store: Store,
    pub(crate) waker: Arc<Mutex<Option<Waker>>>,
    pub(crate) hook: Option<Arc<VerifyHook>>,
    pub(crate) chains: Arc<ChainCache>,
    /// The server name: the client's target, or the SNI a server got.
    pub(crate) server_name: Mutex<Option<String>>,
    pub(crate) state: Mutex<CallbackState>,
}

/// What the callbacks found.
#[derive(Default)]
pub(crate) struct CallbackState {
    /// The store was asked and has not answered yet.
    pub(crate) request: Option<ChainRequest>,
    /// The store was asked (an answer, once taken, is not asked again).
    pub(crate) asked: bool,
    /// A server store answered `None`.
    pub(crate) no_certificate: bool,
    /// A failure inside a callback (a key that does not load, ...).
    pub(crate) failure: Option<Error>,
    /// The alert a verify-callback veto asked for.
    pub(crate) veto: Option<AlertDescription>,
    /// The last fatal alert OpenSSL sent.
    pub(crate) alert_sent: Option<Alert>,
    /// The last alert OpenSSL received.
    pub(crate) alert_received: Option<Alert>,
}

/// The answer a certificate callback acts on.
pub(crate) enum Decision {
    /// Use this chain.
    Use(CertificateChain),
    /// Go on without a certificate (a client) or fail (a server).
    Nothing,
    /// The store has not answered: suspend the handshake.
    Wait,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, CallbackState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Ask the store once, then poll its answer.
    pub(crate) fn decide(&self, server_name: Option<&str>, roots: Vec<DistinguishedName>) -> Decision {
        let mut state = self.lock();
        if !state.asked {
            state.asked = true;
            let named = !roots.is_empty();
            let (request, callback) = ChainRequest::new(named.then(|| roots.clone()), self.waker.clone());
            state.request = Some(request);
            // The store may answer at once, and must not find our lock held.
            drop(state);
            match &self.store {
                Store::Server(store) => store.certificate_chain_for_server_name(server_name, callback),
                Store::Client(Some(store)) if named => store.certificate_chain_for_roots(&roots, callback),
                Store::Client(Some(store)) => store.default_certificate_chain(callback),
                Store::Client(None) => drop(callback),
            }
            state = self.lock();
            if matches!(self.store, Store::Client(None)) {
                state.request = None;
                return Decision::Nothing;
            }
        }
        let Some(request) = &state.request else { return Decision::Nothing };
        match request.take() {
            None => Decision::Wait,
            Some(answer) => {
                state.request = None;
                match answer {
                    Some(chain) => Decision::Use(chain),
                    None => {
                        if self.side == Side::Server {
                            state.no_certificate = true;
                        }
                        Decision::Nothing
                    }
                }
            }
        }
    }

    /// Whether a certificate request is outstanding.
    pub(crate) fn waiting(&self) -> bool {
        self.lock().request.as_ref().is_some_and(|r| !r.is_answered())
    }
}

/// The ex_data slot of the `SSL` holding its [`Shared`].
pub(crate) fn index() -> Result<Index<Ssl, Arc<Shared>>, Error> {
    static INDEX: OnceLock<Result<Index<Ssl, Arc<Shared>>, String>> = OnceLock::new();
    INDEX
        .get_or_init(|| Ssl::new_ex_index::<Arc<Shared>>().map_err(|e| e.to_string()))
        .clone()
        .map_err(|detail| Error::Engine { engine: "openssl", detail })
}
