use std::sync::{Arc, OnceLock};

use rustls_pki_types::pem::{self, SectionKind};

use crate::cert::{Certificate, DistinguishedName, PrivateKey};
use crate::error::{ConfigError, Error, Malformed};

/// One certificate chain, leaf first, whose leaf carries its private key.
///
/// Ordered certificate chains and trust stores, and the strict loaders the
/// seed's TODO asks for.
///
/// The rules, shared by every constructor here:
/// - a chain has exactly one leaf (non-CA certificate):
///   [`Error::NoLeafCertificate`], [`Error::MoreThanOneLeafCertificate`];
/// - the leaf carries the private key: [`Error::LeafCertificateHasNoPrivateKey`];
///   no other certificate does, and a PEM file holds at most one key:
///   [`Error::ExtraneousPrivateKey`];
/// - the certificates are put in order, leaf first, each followed by its
///   issuer; a certificate that is not on that path is refused:
///   [`Error::CertificateNotInChain`];
/// - a trust store holds no private keys: [`Error::ExtraneousPrivateKey`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateChain {
    certs: Arc<[Certificate]>,
}

impl CertificateChain {
    /// Order a set of certificates into a chain (the seed's
    /// `ServerCertificateChain(chain)` takes an unordered set).
    ///
    /// # Errors
    /// See the rules on [`CertificateChain`].
    pub fn new(certificates: impl IntoIterator<Item = Certificate>) -> Result<Self, Error> {
        let mut pool = dedup(certificates);
        let leaf_index = single_leaf(&pool)?;
        let leaf = pool.swap_remove(leaf_index);
        let chain = order_from(leaf, &mut pool)?;
        if let Some(stray) = pool.first() {
            return Err(Error::CertificateNotInChain { subject: stray.subject_text().to_owned() });
        }
        Self::check_keys(&chain)?;
        Ok(Self { certs: chain.into() })
    }

    /// A chain from a PEM file holding the certificates (any order) and the
    /// leaf's private key.
    ///
    /// # Errors
    /// [`Error::Malformed`] for bad PEM or DER, a section that is neither a
    /// certificate nor a private key, and the rules on [`CertificateChain`].
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let (certs, key) = read_pem(pem)?;
        Self::from_parts(certs, key)
    }

    /// A chain from a PEM file of certificates and a separate PEM file
    /// holding exactly the leaf's key.
    ///
    /// # Errors
    /// As [`CertificateChain::from_pem`]; the key file must hold one key and
    /// no certificate.
    pub fn from_pem_with_key(certificates_pem: &[u8], key_pem: &[u8]) -> Result<Self, Error> {
        let (certs, key) = read_pem(certificates_pem)?;
        if key.is_some() {
            return Err(Error::ExtraneousPrivateKey { subject: "the certificate file".into() });
        }
        let (key_certs, key) = read_pem(key_pem)?;
        if let Some(cert) = key_certs.first() {
            return Err(Error::CertificateNotInChain { subject: cert.subject_text().to_owned() });
        }
        Self::from_parts(certs, key)
    }

    /// A chain from DER certificates (any order) and the leaf's DER key.
    ///
    /// # Errors
    /// As [`CertificateChain::new`], plus [`Error::Malformed`].
    pub fn from_der(certificates: &[&[u8]], key: &[u8]) -> Result<Self, Error> {
        let certs =
            certificates.iter().map(|der| Certificate::from_der(*der)).collect::<Result<Vec<_>, _>>()?;
        Self::from_parts(certs, Some(PrivateKey::from_der(key)?))
    }

    fn from_parts(certs: Vec<Certificate>, key: Option<PrivateKey>) -> Result<Self, Error> {
        let mut pool = dedup(certs);
        let leaf = single_leaf(&pool)?;
        if let Some(key) = key {
            let cert = pool[leaf].clone().with_private_key(key);
            pool[leaf] = cert;
        }
        Self::new(pool)
    }

    fn check_keys(chain: &[Certificate]) -> Result<(), Error> {
        // Invariant: order_from always returns the leaf first.
        let leaf = &chain[0];
        if leaf.private_key().is_none() {
            return Err(Error::LeafCertificateHasNoPrivateKey { subject: leaf.subject_text().to_owned() });
        }
        if let Some(ca) = chain[1..].iter().find(|c| c.private_key().is_some()) {
            return Err(Error::ExtraneousPrivateKey { subject: ca.subject_text().to_owned() });
        }
        Ok(())
    }

    /// The leaf (with its key).
    #[must_use]
    pub fn leaf(&self) -> &Certificate {
        &self.certs[0]
    }

    /// The leaf's private key.
    #[must_use]
    pub fn private_key(&self) -> &PrivateKey {
        // Invariant: check_keys ran in every constructor.
        match self.certs[0].private_key() {
            Some(key) => key,
            None => unreachable!("CertificateChain built without a leaf key"),
        }
    }

    /// All certificates, leaf first, each followed by its issuer.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// Whether this chain reaches one of `roots`: some certificate in it is
    /// named by, or was issued by, one of the names.
    #[must_use]
    pub fn reaches_any(&self, roots: &[DistinguishedName]) -> bool {
        self.certs.iter().any(|c| roots.contains(c.subject()) || roots.contains(c.issuer()))
    }
}

/// A set of trusted CA certificates (the seed's `TrustStore`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustStore {
    certs: Arc<[Certificate]>,
}

impl TrustStore {
    /// Whether `other` is this store or a clone of it (the same anchors,
    /// shared): the identity the policy's verdict cache keys on.
    pub(crate) fn is_same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.certs, &other.certs)
    }
}

impl TrustStore {
    /// A store of the given certificates.
    ///
    /// # Errors
    /// [`Error::ExtraneousPrivateKey`] when any certificate carries a key.
    pub fn new(certificates: impl IntoIterator<Item = Certificate>) -> Result<Self, Error> {
        let certs = dedup(certificates);
        if let Some(c) = certs.iter().find(|c| c.private_key().is_some()) {
            return Err(Error::ExtraneousPrivateKey { subject: c.subject_text().to_owned() });
        }
        Ok(Self { certs: certs.into() })
    }

    /// A store from a PEM file of certificates.
    ///
    /// # Errors
    /// [`Error::ExtraneousPrivateKey`] when the file holds a private key;
    /// [`Error::Malformed`] for bad PEM or DER.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let (certs, key) = read_pem(pem)?;
        if key.is_some() {
            return Err(Error::ExtraneousPrivateKey { subject: "a trust store PEM file".into() });
        }
        Self::new(certs)
    }

    /// The operating system's trust store (on Linux the OpenSSL directories,
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR` honoured), loaded once per process.
    /// This is `ClientTls`'s default `trust_root`.
    ///
    /// # Errors
    /// [`ConfigError::SystemTrustStore`] when no certificate could be loaded.
    pub fn system() -> Result<Self, Error> {
        static SYSTEM: OnceLock<Result<TrustStore, Error>> = OnceLock::new();
        SYSTEM
            .get_or_init(|| {
                let loaded = rustls_native_certs::load_native_certs();
                let certs: Vec<Certificate> = loaded
                    .certs
                    .into_iter()
                    .filter_map(|der| Certificate::from_der(der.to_vec()).ok())
                    .collect();
                if certs.is_empty() {
                    let why = loaded
                        .errors
                        .first()
                        .map_or_else(|| "no certificates found".to_owned(), |e| e.to_string());
                    return Err(ConfigError::SystemTrustStore(why).into());
                }
                Self::new(certs)
            })
            .clone()
    }

    /// The trusted certificates.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// The subject names of the trusted certificates (what a server puts in
    /// its CertificateRequest).
    #[must_use]
    pub fn subjects(&self) -> Vec<DistinguishedName> {
        self.certs.iter().map(|c| c.subject().clone()).collect()
    }

    /// Complete a chain the peer presented with the trusted root it reaches,
    /// so that the verify callback sees leaf to root-most certificate. The
    /// presented chain's order is kept; the root is appended when a trusted
    /// certificate issued its last element and is not already there.
    #[must_use]
    pub fn complete_chain(&self, presented: &[Certificate]) -> Vec<Certificate> {
        let mut chain = presented.to_vec();
        if let Some(last) = presented.last() {
            if !last.is_self_issued() {
                if let Some(root) = self.certs.iter().find(|r| last.is_issued_by(r)) {
                    if !chain.iter().any(|c| c.same_der(root)) {
                        chain.push(root.clone());
                    }
                }
            }
        }
        chain
    }
}

/// Split certificates into chains, one per leaf, each leaf followed by its
/// issuers from the pool; every certificate must be used by some chain.
pub(crate) fn group_chains(
    certificates: impl IntoIterator<Item = Certificate>,
) -> Result<Vec<CertificateChain>, Error> {
    let pool = dedup(certificates);
    let (leaves, mut cas): (Vec<_>, Vec<_>) = pool.into_iter().partition(Certificate::is_leaf);
    if leaves.is_empty() {
        return Err(no_leaf(&cas));
    }
    let mut used = vec![false; cas.len()];
    let mut chains = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        let mut chain = vec![leaf];
        loop {
            // Invariant: chain starts non-empty and only grows.
            let last = &chain[chain.len() - 1];
            if last.is_self_issued() && !last.is_leaf() {
                break;
            }
            let Some(i) =
                cas.iter().position(|c| last.is_issued_by(c) && !chain.iter().any(|x| x.same_der(c)))
            else {
                break;
            };
            used[i] = true;
            chain.push(cas[i].clone());
        }
        CertificateChain::check_keys(&chain)?;
        chains.push(CertificateChain { certs: chain.into() });
    }
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(Error::CertificateNotInChain { subject: cas.swap_remove(i).subject_text().to_owned() });
    }
    Ok(chains)
}

fn dedup(certificates: impl IntoIterator<Item = Certificate>) -> Vec<Certificate> {
    let mut out: Vec<Certificate> = Vec::new();
    for cert in certificates {
        match out.iter_mut().find(|c| c.same_der(&cert)) {
            // Keep the copy that carries a key, so a key is never lost.
            Some(existing) => {
                if existing.private_key().is_none() && cert.private_key().is_some() {
                    *existing = cert;
                }
            }
            None => out.push(cert),
        }
    }
    out
}

fn single_leaf(pool: &[Certificate]) -> Result<usize, Error> {
    let mut leaves = pool.iter().enumerate().filter(|(_, c)| c.is_leaf());
    match (leaves.next(), leaves.count()) {
        (None, _) => Err(no_leaf(pool)),
        (Some((i, _)), 0) => Ok(i),
        (Some(_), more) => Err(Error::MoreThanOneLeafCertificate { count: more + 1 }),
    }
}

/// [`Error::NoLeafCertificate`] for a set without a leaf: how many
/// certificates it had, and one of them (a self-signed one first: that is
/// what `openssl req -x509` makes).
pub(crate) fn no_leaf(certificates: &[Certificate]) -> Error {
    let example = certificates.iter().find(|c| c.is_self_issued()).or(certificates.first()).map(|c| {
        let signed = if c.is_self_issued() { "self-signed" } else { "not self-signed" };
        format!("{}, {signed}", c.subject_text())
    });
    Error::NoLeafCertificate { count: certificates.len(), example }
}

fn order_from(leaf: Certificate, pool: &mut Vec<Certificate>) -> Result<Vec<Certificate>, Error> {
    let mut chain = vec![leaf];
    loop {
        // Invariant: chain starts non-empty and only grows.
        let last = &chain[chain.len() - 1];
        if last.is_self_issued() && last.is_ca() {
            break;
        }
        match pool.iter().position(|c| last.is_issued_by(c)) {
            Some(i) => chain.push(pool.swap_remove(i)),
            None => break,
        }
    }
    Ok(chain)
}

/// Read a PEM file: certificates and at most one private key; anything else
/// is refused.
fn read_pem(input: &[u8]) -> Result<(Vec<Certificate>, Option<PrivateKey>), Error> {
    let malformed = |detail: String| Error::Malformed { what: Malformed::Pem, detail };
    let mut certs = Vec::new();
    let mut key: Option<PrivateKey> = None;
    let mut sections = 0usize;
    for item in pem::SliceIter::<(SectionKind, Vec<u8>)>::new(input) {
        let (kind, der) = item.map_err(|e| malformed(e.to_string()))?;
        sections += 1;
        match kind {
            SectionKind::Certificate => certs.push(Certificate::from_der(der)?),
            SectionKind::PrivateKey | SectionKind::EcPrivateKey | SectionKind::RsaPrivateKey => {
                if key.is_some() {
                    return Err(Error::ExtraneousPrivateKey {
                        subject: "a second private key in one PEM file".into(),
                    });
                }
                key = Some(PrivateKey::from_der(der)?);
            }
            other => return Err(malformed(format!("unexpected {other:?} section"))),
        }
    }
    if sections == 0 {
        return Err(malformed("no PEM sections".into()));
    }
    Ok((certs, key))
}

/// Read the private key of a PEM file that holds exactly one key and nothing else.
///
/// # Errors
/// [`Error::Malformed`] for bad PEM, no key, or a certificate in the file;
/// [`Error::ExtraneousPrivateKey`] for a second key.
pub fn private_key_from_pem(pem: &[u8]) -> Result<PrivateKey, Error> {
    let (certs, key) = read_pem(pem)?;
    if let Some(c) = certs.first() {
        return Err(Error::CertificateNotInChain { subject: c.subject_text().to_owned() });
    }
    key.ok_or_else(|| Error::Malformed {
        what: Malformed::PrivateKey,
        detail: "no private key in the PEM file".into(),
    })
}

/// Read every certificate of a PEM file that holds certificates only.
///
/// # Errors
/// [`Error::ExtraneousPrivateKey`] when the file holds a key; [`Error::Malformed`].
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<Certificate>, Error> {
    let (certs, key) = read_pem(pem)?;
    if key.is_some() {
        return Err(Error::ExtraneousPrivateKey { subject: "a certificate-only PEM file".into() });
    }
    Ok(certs)
}
