//! The certificates of `conformance/fixtures/`.

use wiretls_core::{CertificateChain, KeyType, TrustStore};

/// The name the server certificates carry.
pub const SERVER_NAME: &str = "server.wiretls.test";

/// PEM: leaf, intermediate, key.
pub const P256: &[u8] = include_bytes!("../../conformance/fixtures/server-p256.pem");
/// PEM: leaf, intermediate, key.
pub const RSA2048: &[u8] = include_bytes!("../../conformance/fixtures/server-rsa2048.pem");
/// PEM: the root CA.
pub const ROOT: &[u8] = include_bytes!("../../conformance/fixtures/root-ca.pem");

/// The server chain PEM for a key type.
pub fn chain_pem(key: KeyType) -> &'static [u8] {
    match key {
        KeyType::Rsa => RSA2048,
        _ => P256,
    }
}

/// The server chain for a key type.
pub fn chain(key: KeyType) -> CertificateChain {
    CertificateChain::from_pem(chain_pem(key)).expect("fixture chain")
}

/// The root store.
pub fn roots() -> TrustStore {
    TrustStore::from_pem(ROOT).expect("fixture root")
}
