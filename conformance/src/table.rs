//! Every version x cipher suite x key type the engines can offer, and the
//! guard that fails when an engine offers a combination this table misses
//! (rustls's `all_suites_covered` is the model).

use wiretls_core::{Capabilities, CipherSuite as S, KeyType as K, ProtocolVersion, SuiteAuth};

/// One combination to negotiate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The suite (which fixes the version).
    pub suite: S,
    /// The server's key type.
    pub key: K,
}

impl Row {
    /// The version of the suite.
    pub fn version(&self) -> ProtocolVersion {
        self.suite.version()
    }
}

macro_rules! rows {
    ($( $suite:ident x [$($key:ident),*] ),* $(,)?) => {
        &[ $( $( Row { suite: S::$suite, key: K::$key }, )* )* ]
    };
}

/// The table.
pub const TABLE: &[Row] = rows![
    TLS13_AES_128_GCM_SHA256 x [EcdsaP256, EcdsaP384, Ed25519, Rsa],
    TLS13_AES_256_GCM_SHA384 x [EcdsaP256, EcdsaP384, Ed25519, Rsa],
    TLS13_CHACHA20_POLY1305_SHA256 x [EcdsaP256, EcdsaP384, Ed25519, Rsa],
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 x [EcdsaP256, EcdsaP384, Ed25519],
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 x [EcdsaP256, EcdsaP384, Ed25519],
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 x [EcdsaP256, EcdsaP384, Ed25519],
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 x [Rsa],
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 x [Rsa],
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 x [Rsa],
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 x [Rsa],
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 x [Rsa],
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 x [Rsa],
];

/// Whether a key type can serve a suite at all.
pub fn compatible(suite: S, key: K) -> bool {
    match suite.info().auth {
        SuiteAuth::Any => true,
        SuiteAuth::Ecdsa => key.is_ecdsa_family(),
        SuiteAuth::Rsa => key == K::Rsa,
        other => panic!("the suite table does not know the authentication {other:?}: extend it"),
    }
}

/// The combinations `caps` offers that the table misses (should be empty).
pub fn missing(caps: &Capabilities) -> Vec<Row> {
    let mut missing = Vec::new();
    for &suite in caps.cipher_suites {
        for &key in caps.key_types {
            let row = Row { suite, key };
            if compatible(suite, key) && !TABLE.contains(&row) {
                missing.push(row);
            }
        }
    }
    missing
}

/// Whether both engines can negotiate this row.
pub fn both_offer(client: &Capabilities, server: &Capabilities, row: &Row) -> bool {
    [client, server].iter().all(|c| {
        c.offers_suite(row.suite) && c.key_types.contains(&row.key) && c.versions.contains(&row.version())
    }) && (row.suite.info().key_exchange != wiretls_core::KeyExchange::Dhe || server.dh_params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_suite_has_a_row() {
        for suite in S::ALL {
            assert!(TABLE.iter().any(|r| r.suite == *suite), "{suite:?} has no row");
        }
        for row in TABLE {
            assert!(compatible(row.suite, row.key), "{row:?} cannot work");
        }
    }
}
