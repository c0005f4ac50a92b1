//! Small caches engines keep per configuration: engine objects made from a
//! certificate chain (a parsed key is expensive), and client sessions by
//! server name.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::chain::CertificateChain;
use crate::config::ServerTls;
use crate::error::Error;

/// How many chains a [`ChainCache`] keeps before it starts over.
pub const CHAIN_CACHE_LIMIT: usize = 64;

/// Engine objects made from certificate chains, one per chain seen.
pub struct ChainCache<T> {
    entries: Mutex<Vec<(CertificateChain, Arc<T>)>>,
}

impl<T> Default for ChainCache<T> {
    fn default() -> Self {
        Self { entries: Mutex::new(Vec::new()) }
    }
}

impl<T> ChainCache<T> {
    /// The object for `chain`, made by `make` the first time.
    ///
    /// # Errors
    /// Whatever `make` returns; nothing is kept then.
    pub fn get_or_try_insert(
        &self,
        chain: &CertificateChain,
        make: impl FnOnce(&CertificateChain) -> Result<T, Error>,
    ) -> Result<Arc<T>, Error> {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, made)) = entries.iter().find(|(c, _)| c == chain) {
            return Ok(Arc::clone(made));
        }
        let made = Arc::new(make(chain)?);
        if entries.len() >= CHAIN_CACHE_LIMIT {
            entries.clear();
        }
        entries.push((chain.clone(), Arc::clone(&made)));
        Ok(made)
    }
}

impl<T> std::fmt::Debug for ChainCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        write!(f, "ChainCache({n} chains)")
    }
}

/// Engine objects made from a server configuration and one chain its
/// store answered with (such as a context per chain that a connection
/// switches to), one per chain seen. It keeps its own copy of the
/// configuration ([`ServerTls::unprepared`]): kept inside what that
/// configuration prepares, a copy sharing its prepared slot would make a
/// reference cycle.
pub struct ServerChainCache<T> {
    tls: ServerTls,
    made: ChainCache<T>,
}

impl<T> ServerChainCache<T> {
    /// An empty cache for `tls`'s chains.
    #[must_use]
    pub fn new(tls: &ServerTls) -> Self {
        Self { tls: tls.unprepared(), made: ChainCache::default() }
    }

    /// The object for `chain`, made by `make` from the configuration and
    /// the chain the first time.
    ///
    /// # Errors
    /// Whatever `make` returns; nothing is kept then.
    pub fn get_or_try_insert(
        &self,
        chain: &CertificateChain,
        make: impl FnOnce(&ServerTls, &CertificateChain) -> Result<T, Error>,
    ) -> Result<Arc<T>, Error> {
        self.made.get_or_try_insert(chain, |chain| make(&self.tls, chain))
    }
}

impl<T> std::fmt::Debug for ServerChainCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.made.fmt(f)
    }
}

/// A client's resumable sessions, the latest per server name, forgotten
/// when a connection to that server ends with a fatal alert.
pub struct SessionCache<T> {
    sessions: Mutex<HashMap<String, T>>,
}

impl<T> Default for SessionCache<T> {
    fn default() -> Self {
        Self { sessions: Mutex::new(HashMap::new()) }
    }
}

impl<T: Clone> SessionCache<T> {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, T>> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session kept for `server_name`.
    pub fn get(&self, server_name: &str) -> Option<T> {
        self.lock().get(server_name).cloned()
    }

    /// Keep `session` for `server_name` (replacing an older one).
    pub fn put(&self, server_name: String, session: T) {
        self.lock().insert(server_name, session);
    }

    /// Forget the session of `server_name`.
    pub fn forget(&self, server_name: &str) {
        self.lock().remove(server_name);
    }
}

impl<T> std::fmt::Debug for SessionCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionCache(..)")
    }
}
