//! What a connection shares with OpenSSL's callbacks: kept in the `SSL`'s
//! ex_data, found again from inside each callback.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use openssl::ex_data::Index;
use openssl::ssl::Ssl;
use wiretls_core::{Alert, AlertDescription, Error, Side, StoreQuery, VerifyHook};

use crate::context::ServerChains;
use crate::convert::ChainCache;

/// Per-connection state reachable from the callbacks.
pub(crate) struct Shared {
    pub(crate) side: Side,
    /// The certificate store's question for this handshake.
    pub(crate) query: StoreQuery,
    pub(crate) hook: Option<Arc<VerifyHook>>,
    /// Where the chains a store answers with are prepared.
    pub(crate) chains: Chains,
    /// The server name: the client's target, or the SNI a server got.
    pub(crate) server_name: Mutex<Option<String>>,
    pub(crate) state: Mutex<CallbackState>,
}

/// The chains of one side's configuration, prepared once each.
pub(crate) enum Chains {
    /// A client's chains, loaded (put on each connection that uses one).
    Client(Arc<ChainCache>),
    /// A server's contexts, one per chain (a connection switches to one).
    Server(Arc<ServerChains>),
}

/// What the callbacks found.
#[derive(Default)]
pub(crate) struct CallbackState {
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

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, CallbackState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
