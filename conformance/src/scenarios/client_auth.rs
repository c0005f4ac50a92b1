//! Client certificates: chosen by the CA names the server sends, none, a
//! wrong chain, optional authentication, no names at all.

use std::sync::{Arc, Mutex};

use wiretls_core::{
    AlertDescription as A, BadData, CertificateChain, CertificateChainCallback, ClientAuth,
    ClientCertificateStore, DistinguishedName, Engine, Error,
};

use super::{assert_alert, common_versions, ders};
use crate::fixtures;
use crate::pair::Pair;

/// A store answering synchronously from a list of chains: the first that
/// reaches one of the roots, or the first for the default request. It
/// records what it was asked and what its answers returned.
#[derive(Debug, Default)]
pub struct FixedStore {
    chains: Vec<CertificateChain>,
    /// Answer this chain first, whatever the roots (to test refusals).
    pub force: Option<CertificateChain>,
    /// What happened.
    pub log: Mutex<StoreLog>,
}

/// What a [`FixedStore`] was asked and what its answers returned.
#[derive(Debug, Default)]
pub struct StoreLog {
    /// The roots of every `certificate_chain_for_roots` call.
    pub roots: Vec<Vec<DistinguishedName>>,
    /// How many `default_certificate_chain` calls.
    pub defaults: usize,
    /// What each `answer` returned.
    pub answers: Vec<Result<(), Error>>,
}

impl FixedStore {
    /// A store holding one chain, or none.
    pub fn new(chain: Option<CertificateChain>) -> Self {
        Self { chains: chain.into_iter().collect(), ..Self::default() }
    }

    /// A store holding several chains.
    pub fn with_chains(chains: Vec<CertificateChain>) -> Self {
        Self { chains, ..Self::default() }
    }

    fn answer(&self, callback: &CertificateChainCallback, chain: Option<CertificateChain>) {
        let result = callback.answer(chain);
        let refused = result.is_err();
        self.log.lock().expect("lock").answers.push(result);
        if refused {
            let second = callback.answer(None);
            self.log.lock().expect("lock").answers.push(second);
        }
    }
}

impl ClientCertificateStore for FixedStore {
    fn certificate_chain_for_roots(&self, roots: &[DistinguishedName], callback: CertificateChainCallback) {
        self.log.lock().expect("lock").roots.push(roots.to_vec());
        let chain = self.force.clone().or_else(|| self.chains.iter().find(|c| c.reaches_any(roots)).cloned());
        self.answer(&callback, chain);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        self.log.lock().expect("lock").defaults += 1;
        self.answer(&callback, self.force.clone().or_else(|| self.chains.first().cloned()));
    }
}

/// The store sees the server's CA names and its matching chain is sent.
pub fn chosen_by_ca_names(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let store = Arc::new(FixedStore::with_chains(vec![
            fixtures::chain("client2.pem"),
            fixtures::chain("client1.pem"),
        ]));
        let c = fixtures::client()
            .with_versions(&[version])
            .expect("v")
            .with_client_certificate_store(Arc::clone(&store) as _);
        let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
        let mut pair = Pair::new(client, &c, server, &s);
        pair.handshake();
        assert_eq!(
            ders(pair.server.peer_certificates()),
            ders(fixtures::chain("client1.pem").certificates()),
            "{version}"
        );
        let log = store.log.lock().expect("lock");
        assert_eq!(log.roots, vec![vec![fixtures::ca("client-root-ca.pem").subject().clone()]], "{version}");
        assert_eq!(log.defaults, 0);
        assert!(log.answers.iter().all(Result::is_ok));
        pair.client_sends(b"authenticated");
        assert_eq!(pair.server_log.received, b"authenticated");
    }
}

#[track_caller]
fn refused_without_certificate(client: &dyn Engine, server: &dyn Engine, store: Arc<FixedStore>) {
    for version in common_versions(client, server) {
        let c = fixtures::client()
            .with_versions(&[version])
            .expect("v")
            .with_client_certificate_store(Arc::clone(&store) as _);
        let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
        let mut pair = Pair::new(client, &c, server, &s);
        pair.run();
        let sent = match pair.server_log.error() {
            Some(Error::BadTlsData { kind: BadData::MissingCertificate, alert_sent: Some(sent) }) => *sent,
            other => panic!("{version}: expected MissingCertificate, got {other:?}"),
        };
        assert!([A::CERTIFICATE_REQUIRED, A::HANDSHAKE_FAILURE].contains(&sent), "{version}: {sent}");
        assert_alert(pair.client_log.error(), sent);
    }
}

/// The store has nothing: the server refuses the client.
pub fn none_available(client: &dyn Engine, server: &dyn Engine) {
    refused_without_certificate(client, server, Arc::new(FixedStore::new(None)));
}

/// A chain that reaches none of the roots is refused with
/// `NoCertificateChain`; the store may then answer `None`.
pub fn wrong_chain_is_refused(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(FixedStore { force: Some(fixtures::chain("client2.pem")), ..FixedStore::default() });
    refused_without_certificate(client, server, Arc::clone(&store));
    let log = store.log.lock().expect("lock");
    assert!(matches!(log.answers[0], Err(Error::NoCertificateChain { roots: 1 })), "{:?}", log.answers);
    assert!(log.answers[1].is_ok());
}

/// Optional authentication: a client without a store gets through, and the
/// server sees no certificate.
pub fn optional_without_certificate(client: &dyn Engine, server: &dyn Engine) {
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Optional(fixtures::client_roots()));
    let mut pair = Pair::new(client, &fixtures::client(), server, &s);
    pair.handshake();
    assert!(pair.server.peer_certificates().is_empty());
}

/// A server that names no CAs: the store's default chain is used.
pub fn default_chain_without_names(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server()
        .with_client_auth(ClientAuth::Required(fixtures::client_roots()))
        .with_client_ca_names(false);
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    let log = store.log.lock().expect("lock");
    assert_eq!(log.defaults, 1);
    assert!(log.roots.is_empty());
    assert_eq!(ders(pair.server.peer_certificates()), ders(fixtures::chain("client1.pem").certificates()));
}
