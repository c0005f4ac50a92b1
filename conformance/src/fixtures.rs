//! The test certificates of `conformance/fixtures/` (made by the
//! `make-fixtures` binary with rcgen) and ready-made configurations.

use std::sync::Arc;

use wiretls_core::{
    Certificate, CertificateChain, ClientTls, KeyType, ServerCertificateChain, ServerTls, TrustStore,
};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $name))
    };
}

/// The name every test server certificate carries.
pub const SERVER_NAME: &str = "server.wiretls.test";

/// PEM bytes of a fixture file, by name.
pub fn pem(name: &str) -> &'static [u8] {
    match name {
        "root-ca.pem" => fixture!("root-ca.pem"),
        "inter-ca.pem" => fixture!("inter-ca.pem"),
        "other-root-ca.pem" => fixture!("other-root-ca.pem"),
        "client-root-ca.pem" => fixture!("client-root-ca.pem"),
        "client2-root-ca.pem" => fixture!("client2-root-ca.pem"),
        "server-p256.pem" => fixture!("server-p256.pem"),
        "server-p384.pem" => fixture!("server-p384.pem"),
        "server-ed25519.pem" => fixture!("server-ed25519.pem"),
        "server-rsa2048.pem" => fixture!("server-rsa2048.pem"),
        "server-expired.pem" => fixture!("server-expired.pem"),
        "server-wrong-eku.pem" => fixture!("server-wrong-eku.pem"),
        "server-untrusted.pem" => fixture!("server-untrusted.pem"),
        "server-p256.crt" => fixture!("server-p256.crt"),
        "server-p256.key" => fixture!("server-p256.key"),
        "sni-alpha.pem" => fixture!("sni-alpha.pem"),
        "sni-beta-wildcard.pem" => fixture!("sni-beta-wildcard.pem"),
        "client1.pem" => fixture!("client1.pem"),
        "client2.pem" => fixture!("client2.pem"),
        "ffdhe2048.pem" => fixture!("ffdhe2048.pem"),
        other => panic!("no fixture named {other}"),
    }
}

/// The directory holding the fixture files (for external tools).
pub fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A chain fixture (leaf, issuers, key).
pub fn chain(name: &str) -> CertificateChain {
    CertificateChain::from_pem(pem(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The certificates of a fixture file, keys attached where the file has one.
pub fn certificates(name: &str) -> Vec<Certificate> {
    chain(name).certificates().to_vec()
}

/// A CA certificate fixture.
pub fn ca(name: &str) -> Certificate {
    let certs =
        wiretls_core::certificates_from_pem(pem(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    certs.into_iter().next().unwrap_or_else(|| panic!("fixture {name} is empty"))
}

/// The trust store of the test root CA.
pub fn roots() -> TrustStore {
    TrustStore::new([ca("root-ca.pem")]).unwrap_or_else(|e| panic!("root store: {e}"))
}

/// The trust store of the client CA.
pub fn client_roots() -> TrustStore {
    TrustStore::new([ca("client-root-ca.pem")]).unwrap_or_else(|e| panic!("client root store: {e}"))
}

/// The server chain fixture for a key type.
pub fn server_chain(key: KeyType) -> CertificateChain {
    chain(match key {
        KeyType::EcdsaP256 => "server-p256.pem",
        KeyType::EcdsaP384 => "server-p384.pem",
        KeyType::Ed25519 => "server-ed25519.pem",
        KeyType::Rsa => "server-rsa2048.pem",
        other => panic!("no server fixture for {other:?}"),
    })
}

/// A client for [`SERVER_NAME`] that trusts the test root.
pub fn client() -> ClientTls {
    client_for(SERVER_NAME)
}

/// A client for `name` that trusts the test root.
pub fn client_for(name: &str) -> ClientTls {
    ClientTls::new(name).unwrap_or_else(|e| panic!("client for {name}: {e}")).with_trust_root(roots())
}

/// A server presenting the chain of this key type.
pub fn server(key: KeyType) -> ServerTls {
    ServerTls::new(Arc::new(ServerCertificateChain::from(server_chain(key))))
}

/// A server presenting the P-256 chain.
pub fn p256_server() -> ServerTls {
    server(KeyType::EcdsaP256)
}
