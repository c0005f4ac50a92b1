//! State shared by all connections of one configuration: client session
//! and server session storage that forget sessions after a fatal alert, and
//! loaded keys.

use std::sync::Arc;

use rustls::client::{
    ClientSessionMemoryCache, ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use rustls::server::StoresServerSessions;
use rustls::sign::CertifiedKey;
use rustls::NamedGroup;
use wiretls_core::{CertificateChain, Error, Feature};

/// rustls's in-memory client session cache, plus [`ForgettingStore::forget`]
/// (the seed's Future Work: "invalidate session-resumption data on receipt
/// of an alert").
#[derive(Debug)]
pub(crate) struct ForgettingStore {
    inner: ClientSessionMemoryCache,
}

impl ForgettingStore {
    pub(crate) fn new() -> Self {
        Self { inner: ClientSessionMemoryCache::new(256) }
    }

    /// Drop everything kept for `server_name`.
    pub(crate) fn forget(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name);
        while self.inner.take_tls13_ticket(server_name).is_some() {}
    }
}

impl ClientSessionStore for ForgettingStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.inner.set_kx_hint(server_name, group);
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.inner.kx_hint(server_name)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.inner.set_tls12_session(server_name, value);
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.inner.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name);
    }

    fn insert_tls13_ticket(&self, server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.inner.insert_tls13_ticket(server_name, value);
    }

    fn take_tls13_ticket(&self, server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.inner.take_tls13_ticket(server_name)
    }
}

/// rustls's in-memory server session cache, remembering which keys each
/// connection used or issued (through its [`PerConnection`](crate::verify::PerConnection)
/// scope), so a connection that ends with a fatal alert can drop them.
#[derive(Debug)]
pub(crate) struct ForgettingServerStore {
    inner: Arc<rustls::server::ServerSessionMemoryCache>,
}

impl ForgettingServerStore {
    pub(crate) fn new() -> Self {
        Self { inner: rustls::server::ServerSessionMemoryCache::new(1024) }
    }

    /// Drop the sessions `keys` name.
    pub(crate) fn forget(&self, keys: &[Vec<u8>]) {
        for key in keys {
            let _ = self.inner.take(key);
        }
    }

    fn record(key: &[u8]) {
        if let Some(hooks) = crate::verify::current() {
            hooks.session_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(key.to_vec());
        }
    }
}

impl StoresServerSessions for ForgettingServerStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        Self::record(&key);
        self.inner.put(key, value)
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let found = self.inner.get(key);
        if found.is_some() {
            Self::record(key);
        }
        found
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.take(key)
    }

    fn can_cache(&self) -> bool {
        self.inner.can_cache()
    }
}

/// Loaded signing keys, one per chain seen, so a chain's key is parsed once.
#[derive(Debug, Default)]
pub(crate) struct KeyCache(wiretls_core::engine::cache::ChainCache<CertifiedKey>);

impl KeyCache {
    /// The rustls key for `chain`.
    pub(crate) fn certified_key(
        &self,
        chain: &CertificateChain,
        provider: &CryptoProvider,
        engine: &'static str,
    ) -> Result<Arc<CertifiedKey>, Error> {
        self.0.get_or_try_insert(chain, |chain| load(chain, provider, engine))
    }
}

fn load(
    chain: &CertificateChain,
    provider: &CryptoProvider,
    engine: &'static str,
) -> Result<CertifiedKey, Error> {
    let certs = chain.certificates().iter().map(|c| c.der().clone()).collect();
    let key = chain.private_key().der().clone_key();
    CertifiedKey::from_der(certs, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => {
            Error::KeyMismatch { subject: chain.leaf().subject_text().to_owned() }
        }
        rustls::Error::General(_) => {
            Error::Unsupported { engine, feature: Feature::KeyType(chain.leaf().key_type()) }
        }
        other => Error::Malformed { what: wiretls_core::Malformed::PrivateKey, detail: other.to_string() },
    })
}
