//! What a connection shares with the library's callbacks (core's
//! [`CallbackShared`]): kept in the `SSL`'s ex_data, found again from inside
//! each callback. One source for the OpenSSL and BoringSSL engines
//! (`backends/ssl-family`).

use std::sync::{Arc, OnceLock};

use wiretls_core::engine::callbacks::CallbackShared;
use wiretls_core::Error;

use crate::context::ServerChains;
use crate::convert::ChainCache;
use crate::errors::ENGINE;
use crate::ssl_lib::ex_data::Index;
use crate::ssl_lib::ssl::Ssl;

/// Per-connection state reachable from the callbacks.
pub(crate) type Shared = CallbackShared<Chains>;

/// The chains of one side's configuration, prepared once each.
pub(crate) enum Chains {
    /// A client's chains, loaded (put on each connection that uses one).
    Client(Arc<ChainCache>),
    /// A server's contexts, one per chain (a connection switches to one).
    Server(Arc<ServerChains>),
}

/// The ex_data slot of the `SSL` holding its [`Shared`].
pub(crate) fn index() -> Result<Index<Ssl, Arc<Shared>>, Error> {
    static INDEX: OnceLock<Result<Index<Ssl, Arc<Shared>>, String>> = OnceLock::new();
    INDEX
        .get_or_init(|| Ssl::new_ex_index::<Arc<Shared>>().map_err(|e| e.to_string()))
        .clone()
        .map_err(|detail| Error::Engine { engine: ENGINE, detail })
}
