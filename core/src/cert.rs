//! The certificate model: [`Certificate`] (DER plus an optional private
//! key), [`PrivateKey`], [`CertificateChain`](crate::CertificateChain) and [`DistinguishedName`].
//!
//! Certificates are parsed once, when they are made, so that the facts the
//! rest of wiretls needs (is it a CA, subject and issuer, key identifiers,
//! DNS names, key type) are known without parsing again.

use core::fmt;
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};

use crate::error::{Error, Malformed};

/// The kind of public key a certificate carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum KeyType {
    /// ECDSA over NIST P-256.
    EcdsaP256,
    /// ECDSA over NIST P-384.
    EcdsaP384,
    /// ECDSA over NIST P-521.
    EcdsaP521,
    /// Ed25519.
    Ed25519,
    /// RSA (PKCS#1 v1.5 or PSS signatures), any size.
    Rsa,
    /// Anything else.
    Other,
}

impl KeyType {
    /// The key types the conformance table covers.
    pub const COMMON: &'static [Self] = &[Self::EcdsaP256, Self::EcdsaP384, Self::Ed25519, Self::Rsa];

    /// Whether TLS 1.2 ECDSA suites (`TLS_ECDHE_ECDSA_*`) can use this key.
    #[must_use]
    pub const fn is_ecdsa_family(self) -> bool {
        matches!(self, Self::EcdsaP256 | Self::EcdsaP384 | Self::EcdsaP521 | Self::Ed25519)
    }
}

/// A private key in DER (PKCS#8, SEC1 or PKCS#1). Its bytes are never
/// printed by `Debug`.
#[derive(Clone)]
pub struct PrivateKey(Arc<PrivateKeyDer<'static>>);

impl PrivateKey {
    /// A key from DER bytes; the encoding (PKCS#8, SEC1, PKCS#1) is detected.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the bytes are none of those.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, Error> {
        PrivateKeyDer::try_from(der.into())
            .map(|k| Self(Arc::new(k)))
            .map_err(|e| Error::Malformed { what: Malformed::PrivateKey, detail: e.to_string() })
    }

    /// The key as rustls-pki-types sees it (for engines).
    #[must_use]
    pub fn der(&self) -> &PrivateKeyDer<'static> {
        &self.0
    }

    /// The key's DER bytes.
    #[must_use]
    pub fn secret_der(&self) -> &[u8] {
        self.0.secret_der()
    }

    /// The key as PKCS#8 v1 DER, when it is a PKCS#8 v2 key (RFC 5958, with
    /// the public key attached, as rcgen and *ring* write Ed25519 keys):
    /// OpenSSL 3.0 and BoringSSL read only v1. `None` for any other key.
    #[must_use]
    pub fn pkcs8_v1_der(&self) -> Option<Vec<u8>> {
        use pkcs8::der::Encode;
        let mut info = pkcs8::PrivateKeyInfo::try_from(self.secret_der()).ok()?;
        info.public_key.take()?;
        info.to_der().ok()
    }
}

impl From<PrivateKeyDer<'static>> for PrivateKey {
    fn from(key: PrivateKeyDer<'static>) -> Self {
        Self(Arc::new(key))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

/// An X.509 distinguished name in DER, as a CertificateRequest carries it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DistinguishedName(Arc<[u8]>);

impl DistinguishedName {
    /// A name from its DER encoding (no checks).
    pub fn from_der(der: impl Into<Vec<u8>>) -> Self {
        Self(der.into().into())
    }

    /// The DER bytes.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match x509_parser::x509::X509Name::from_der(&self.0) {
            Ok((_, name)) => write!(f, "DistinguishedName({name})"),
            Err(_) => write!(f, "DistinguishedName({} bytes)", self.0.len()),
        }
    }
}

/// A certificate: its DER bytes, optionally with the private key that
/// belongs to it (the seed's `Certificate`).
///
/// Cloning is cheap (the contents are shared).
#[derive(Clone)]
pub struct Certificate {
    inner: Arc<Parsed>,
    key: Option<PrivateKey>,
}

struct Parsed {
    der: CertificateDer<'static>,
    subject: DistinguishedName,
    issuer: DistinguishedName,
    subject_text: String,
    is_ca: bool,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    dns_names: Vec<String>,
    ip_addresses: Vec<std::net::IpAddr>,
    key_type: KeyType,
}

impl Certificate {
    /// A certificate from DER bytes, without a private key.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the bytes are not one X.509 certificate.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let der = CertificateDer::from(der.into());
        let parsed = parse(&der)?;
        Ok(Self { inner: Arc::new(Parsed { der, ..parsed }), key: None })
    }

    /// This certificate with `key` attached (the key is not checked against
    /// the certificate here; engines check it when they load the chain).
    #[must_use]
    pub fn with_private_key(self, key: PrivateKey) -> Self {
        Self { key: Some(key), ..self }
    }

    /// This certificate without its private key.
    #[must_use]
    pub fn without_private_key(self) -> Self {
        Self { key: None, ..self }
    }

    /// The DER (ASN.1) bytes: the seed's `get_asn1_bytes()`.
    #[doc(alias = "get_asn1_bytes")]
    #[must_use]
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.inner.der
    }

    /// The private key attached to this certificate, if any.
    #[must_use]
    pub fn private_key(&self) -> Option<&PrivateKey> {
        self.key.as_ref()
    }

    /// Whether this is a CA certificate (`basicConstraints cA=TRUE`). The
    /// seed: a "leaf" is a non-CA certificate.
    #[must_use]
    pub fn is_ca(&self) -> bool {
        self.inner.is_ca
    }

    /// Whether this is a leaf (not a CA).
    #[must_use]
    pub fn is_leaf(&self) -> bool {
        !self.inner.is_ca
    }

    /// The subject name in DER.
    #[must_use]
    pub fn subject(&self) -> &DistinguishedName {
        &self.inner.subject
    }

    /// The issuer name in DER.
    #[must_use]
    pub fn issuer(&self) -> &DistinguishedName {
        &self.inner.issuer
    }

    /// The subject as text (RFC 4514 style), for messages.
    #[must_use]
    pub fn subject_text(&self) -> &str {
        &self.inner.subject_text
    }

    /// The DNS names of the subjectAltName extension, as written (wildcards included).
    #[must_use]
    pub fn dns_names(&self) -> &[String] {
        &self.inner.dns_names
    }

    /// The IP addresses of the subjectAltName extension.
    #[must_use]
    pub fn ip_addresses(&self) -> &[std::net::IpAddr] {
        &self.inner.ip_addresses
    }

    /// The kind of public key.
    #[must_use]
    pub fn key_type(&self) -> KeyType {
        self.inner.key_type
    }

    /// Whether the subject and issuer names are the same.
    #[must_use]
    pub fn is_self_issued(&self) -> bool {
        self.inner.subject == self.inner.issuer
    }

    /// Whether `issuer` could have issued `self`: its subject is our issuer
    /// and, where both key identifiers are present, they agree.
    #[must_use]
    pub fn is_issued_by(&self, issuer: &Self) -> bool {
        if self.inner.issuer != issuer.inner.subject {
            return false;
        }
        match (&self.inner.authority_key_id, &issuer.inner.subject_key_id) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Whether the leaf is valid for `name`: DNS names matched against the
    /// subjectAltName DNS entries (exact or wildcard, case-insensitive), IP
    /// literals against the IP entries.
    #[must_use]
    pub fn matches_name(&self, name: &str) -> bool {
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            return self.inner.ip_addresses.contains(&ip);
        }
        self.inner.dns_names.iter().any(|pattern| crate::name::dns_name_matches(pattern, name))
    }

    pub(crate) fn same_der(&self, other: &Self) -> bool {
        self.inner.der.as_ref() == other.inner.der.as_ref()
    }
}

impl PartialEq for Certificate {
    /// Certificates are equal when their DER bytes are (keys are not compared).
    fn eq(&self, other: &Self) -> bool {
        self.same_der(other)
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.inner.subject_text)
            .field("ca", &self.inner.is_ca)
            .field("has_key", &self.key.is_some())
            .finish()
    }
}

fn parse(der: &CertificateDer<'_>) -> Result<Parsed, Error> {
    let malformed = |detail: String| Error::Malformed { what: Malformed::Certificate, detail };
    let (rest, cert) = X509Certificate::from_der(der.as_ref()).map_err(|e| malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(malformed(format!("{} trailing bytes", rest.len())));
    }
    let mut subject_key_id = None;
    let mut authority_key_id = None;
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => subject_key_id = Some(id.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                        GeneralName::IPAddress(bytes) => {
                            if let Some(ip) = ip_from_bytes(bytes) {
                                ip_addresses.push(ip);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let is_ca = cert.basic_constraints().map_err(|e| malformed(e.to_string()))?.is_some_and(|bc| bc.value.ca);
    Ok(Parsed {
        der: CertificateDer::from(Vec::new()),
        subject: DistinguishedName::from_der(cert.subject().as_raw()),
        issuer: DistinguishedName::from_der(cert.issuer().as_raw()),
        subject_text: cert.subject().to_string(),
        is_ca,
        subject_key_id,
        authority_key_id,
        dns_names,
        ip_addresses,
        key_type: key_type(&cert),
    })
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

fn key_type(cert: &X509Certificate<'_>) -> KeyType {
    let alg = &cert.public_key().algorithm;
    match alg.algorithm.to_id_string().as_str() {
        "1.2.840.10045.2.1" => {
            let curve = alg.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => KeyType::EcdsaP256,
                Some("1.3.132.0.34") => KeyType::EcdsaP384,
                Some("1.3.132.0.35") => KeyType::EcdsaP521,
                _ => KeyType::Other,
            }
        }
        "1.3.101.112" => KeyType::Ed25519,
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => KeyType::Rsa,
        _ => KeyType::Other,
    }
}
