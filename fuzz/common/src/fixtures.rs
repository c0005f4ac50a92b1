//! The certificates the targets use (conformance/fixtures, built in).

use std::sync::OnceLock;

use wiretls_core::{CertificateChain, ClientTls, ServerTls, SniServerCertificates, TrustStore};

const SERVER: &[u8] = include_bytes!("../../../conformance/fixtures/server-p256.pem");
const ALPHA: &[u8] = include_bytes!("../../../conformance/fixtures/sni-alpha.pem");
const BETA: &[u8] = include_bytes!("../../../conformance/fixtures/sni-beta-wildcard.pem");
const ROOT: &[u8] = include_bytes!("../../../conformance/fixtures/root-ca.pem");

/// The name the server chains carry.
pub const SERVER_NAME: &str = "server.wiretls.test";

/// The server's P-256 chain (`server-p256.pem`).
pub fn server_chain() -> &'static CertificateChain {
    static CHAIN: OnceLock<CertificateChain> = OnceLock::new();
    CHAIN.get_or_init(|| CertificateChain::from_pem(SERVER).expect("the server fixture"))
}

/// A server with the fixture chain.
pub fn server() -> ServerTls {
    ServerTls::from_chain(server_chain().clone())
}

/// A client for [`SERVER_NAME`] trusting the fixture root.
pub fn client() -> ClientTls {
    static ROOTS: OnceLock<TrustStore> = OnceLock::new();
    let roots = ROOTS.get_or_init(|| TrustStore::from_pem(ROOT).expect("the root fixture"));
    ClientTls::new(SERVER_NAME).expect("a valid name").with_trust_root(roots.clone())
}

/// An SNI store with an exact name, a wildcard and a default.
pub fn sni_store() -> &'static SniServerCertificates {
    static STORE: OnceLock<SniServerCertificates> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut certificates = Vec::new();
        for pem in [ALPHA, BETA] {
            certificates
                .extend(CertificateChain::from_pem(pem).expect("an SNI fixture").certificates().to_vec());
        }
        SniServerCertificates::new(certificates, server_chain().certificates().to_vec())
            .expect("the SNI store")
    })
}
