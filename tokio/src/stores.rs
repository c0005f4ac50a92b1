//! Certificate stores with async methods, bridged onto the core stores'
//! later answers: a store may await a database or an HTTP call while the
//! handshake waits (and the task that runs the connection sleeps until the
//! answer wakes it).

use std::sync::Arc;

use async_trait::async_trait;
use tokio::runtime::Handle;
use wiretls_core::{
    CertificateChain, CertificateChainCallback, ClientCertificateStore, DistinguishedName, ServerCertificates,
};

/// A server's certificates by SNI name, answered by an async method (the
/// seed's `ServerCertificates`, async). `None` is "no chain for this name":
/// the handshake ends with `unrecognized_name` (`handshake_failure` without
/// SNI). A store that fails should answer `None`; one that panics or whose
/// task is cancelled has answered `None` too, so a handshake never waits
/// forever.
#[async_trait]
pub trait AsyncServerCertificates: Send + Sync + 'static {
    /// The chain for `server_name` (`None`: the client sent no SNI).
    async fn certificate_chain_for_server_name(&self, server_name: Option<&str>) -> Option<CertificateChain>;
}

/// A client's certificates by the CA names a server sent, answered by async
/// methods (the seed's `ClientCertificateStore`, async). `None` sends no
/// certificate. Engines that cannot wait for a client store's later answer
/// (see [`Capabilities::later_client_certificate_answer`](wiretls_core::Capabilities))
/// refuse the handshake with their declared `Unsupported`.
#[async_trait]
pub trait AsyncClientCertificateStore: Send + Sync + 'static {
    /// A chain that reaches one of `roots`.
    async fn certificate_chain_for_roots(&self, roots: &[DistinguishedName]) -> Option<CertificateChain>;

    /// A chain for a server that named no CAs.
    async fn default_certificate_chain(&self) -> Option<CertificateChain>;
}

/// An async store as a core store: each question runs as a task on the
/// tokio runtime that runs the connection (or the one this was made on),
/// and its result answers the callback.
///
/// ```no_run
/// use std::sync::Arc;
/// use wiretls::{CertificateChain, ServerTls};
/// use wiretls_tokio::{AsyncServerCertificates, AsyncStore};
///
/// struct FromDatabase;
///
/// #[async_trait::async_trait]
/// impl AsyncServerCertificates for FromDatabase {
///     async fn certificate_chain_for_server_name(&self, name: Option<&str>) -> Option<CertificateChain> {
///         let pem = tokio::fs::read(format!("/etc/certs/{}.pem", name?)).await.ok()?;
///         CertificateChain::from_pem(&pem).ok()
///     }
/// }
///
/// let config = ServerTls::new(Arc::new(AsyncStore::new(FromDatabase)));
/// # let _ = config;
/// ```
pub struct AsyncStore<S> {
    store: Arc<S>,
    handle: Option<Handle>,
}

impl<S> AsyncStore<S> {
    /// Wrap `store`. The runtime is the one current when a question comes
    /// (the connection's), else the one current now.
    pub fn new(store: S) -> Self {
        Self { store: Arc::new(store), handle: Handle::try_current().ok() }
    }

    /// Wrap `store`, running its questions on `handle` when no runtime is
    /// current where the question comes.
    pub fn with_handle(store: S, handle: Handle) -> Self {
        Self { store: Arc::new(store), handle: Some(handle) }
    }

    /// The async store.
    #[must_use]
    pub fn store(&self) -> &Arc<S> {
        &self.store
    }

    /// Run `answer` on the runtime; without one the callback is dropped,
    /// which answers `None`.
    fn spawn<F>(&self, answer: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if let Some(handle) = Handle::try_current().ok().or_else(|| self.handle.clone()) {
            drop(handle.spawn(answer));
        }
    }
}

/// Answer `callback` with `chain`. A refused answer (a chain that reaches
/// none of the CA names) drops the callback, which answers `None`.
fn answer(callback: &CertificateChainCallback, chain: Option<CertificateChain>) {
    let _refused_means_none = callback.answer(chain);
}

impl<S: AsyncServerCertificates> ServerCertificates for AsyncStore<S> {
    fn certificate_chain_for_server_name(
        &self,
        server_name: Option<&str>,
        callback: CertificateChainCallback,
    ) {
        let (store, name) = (Arc::clone(&self.store), server_name.map(str::to_owned));
        self.spawn(async move {
            let chain = store.certificate_chain_for_server_name(name.as_deref()).await;
            answer(&callback, chain);
        });
    }
}

impl<S: AsyncClientCertificateStore> ClientCertificateStore for AsyncStore<S> {
    fn certificate_chain_for_roots(&self, roots: &[DistinguishedName], callback: CertificateChainCallback) {
        let (store, roots) = (Arc::clone(&self.store), roots.to_vec());
        self.spawn(async move {
            let chain = store.certificate_chain_for_roots(&roots).await;
            answer(&callback, chain);
        });
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        let store = Arc::clone(&self.store);
        self.spawn(async move {
            let chain = store.default_certificate_chain().await;
            answer(&callback, chain);
        });
    }
}

impl<S> std::fmt::Debug for AsyncStore<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncStore").field("handle", &self.handle.is_some()).finish_non_exhaustive()
    }
}
