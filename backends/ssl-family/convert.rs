//! wiretls certificates as the library's objects, loaded once per chain.
//! One source for the OpenSSL and BoringSSL engines (`backends/ssl-family`).

use wiretls_core::{Certificate, CertificateChain, Error, Malformed, TrustStore};

use crate::errors::engine_error;
use crate::ssl_lib::pkey::{PKey, Private};
use crate::ssl_lib::x509::store::{X509Store, X509StoreBuilder};
use crate::ssl_lib::x509::X509;

/// One chain as the library's objects.
pub(crate) struct Loaded {
    pub(crate) leaf: X509,
    pub(crate) intermediates: Vec<X509>,
    pub(crate) key: PKey<Private>,
}

/// Loaded chains, one per chain seen, so a key is parsed once.
pub(crate) type ChainCache = wiretls_core::engine::cache::ChainCache<Loaded>;

/// An X509 from a wiretls certificate.
pub(crate) fn x509(cert: &Certificate) -> Result<X509, Error> {
    X509::from_der(cert.der())
        .map_err(|e| Error::Malformed { what: Malformed::Certificate, detail: e.to_string() })
}

/// A store of trust anchors.
pub(crate) fn store(trust: &TrustStore) -> Result<X509Store, Error> {
    let mut builder = X509StoreBuilder::new().map_err(|e| engine_error(&e))?;
    for cert in trust.certificates() {
        builder.add_cert(x509(cert)?).map_err(|e| engine_error(&e))?;
    }
    Ok(builder.build())
}

/// A private key. Neither OpenSSL 3.0 nor BoringSSL reads PKCS#8 v2 keys
/// (RFC 5958, what rcgen and *ring* write for Ed25519): those are
/// re-encoded as v1 first.
pub(crate) fn private_key(key: &wiretls_core::PrivateKey) -> Result<PKey<Private>, Error> {
    let der = key.pkcs8_v1_der();
    PKey::private_key_from_der(der.as_deref().unwrap_or(key.secret_der()))
        .map_err(|e| Error::Malformed { what: Malformed::PrivateKey, detail: e.to_string() })
}

/// Load a chain, checking that the key belongs to the leaf.
pub(crate) fn load(chain: &CertificateChain) -> Result<Loaded, Error> {
    let certs = chain.certificates();
    let loaded = Loaded {
        leaf: x509(chain.leaf())?,
        intermediates: certs[1..].iter().map(x509).collect::<Result<_, _>>()?,
        key: private_key(chain.private_key())?,
    };
    let matches = loaded.leaf.public_key().map(|public| public.public_eq(&loaded.key)).unwrap_or(false);
    if !matches {
        return Err(Error::KeyMismatch { subject: chain.leaf().subject_text().to_owned() });
    }
    Ok(loaded)
}
