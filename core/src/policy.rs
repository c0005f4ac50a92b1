use core::fmt;
use std::net::IpAddr;
use std::time::SystemTime;

use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::alert::AlertDescription;
use crate::cert::Certificate;
use crate::chain::TrustStore;
use crate::error::CertificateProblem;
use crate::traits::PeerName;

/// The smallest RSA modulus the policy accepts, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// Which rule of the policy a chain broke.
///
/// The certificate-verification policy every engine applies, written once:
/// after an engine's own path validation accepted a chain, core checks the
/// path again against these rules, so a rule holds on every engine even
/// where the engine's verifier cannot express it (as the verify callback
/// runs after the built-in checks).
///
/// The rules:
/// - **No weak signature algorithms in the path**: MD2, MD4, MD5 and SHA-1
///   signatures (RSA PKCS#1, RSA-PSS with SHA-1, ECDSA, DSA) are refused on
///   every certificate but the trust anchor, whose own (self-)signature is
///   never checked by path validation.
/// - **RSA keys of at least [`MIN_RSA_BITS`] bits** on every certificate of
///   the path, the trust anchor included (it signs the next one).
/// - **Name constraints** (RFC 5280 section 4.2.1.10) of every CA in the
///   path, the trust anchor included, on the DNS names and IP addresses of
///   the certificates below it: each must lie inside a permitted subtree of
///   its type (when there are any) and outside every excluded one.
/// - **No subject CN fallback**: a peer name is matched against the leaf's
///   subjectAltName entries only.
///
/// ```
/// use wiretls_core::engine::policy::dns_name_within;
/// use wiretls_core::PolicyRule;
/// assert!(dns_name_within("www.example.com", "example.com"));
/// assert!(!dns_name_within("www.example.org", "example.com"));
/// assert!(!dns_name_within("example.com", ".example.com")); // a leading dot: subdomains only
/// # let _ = PolicyRule::WeakSignatureAlgorithm;
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PolicyRule {
    /// A certificate below the trust anchor is signed with MD2, MD4, MD5 or SHA-1.
    WeakSignatureAlgorithm,
    /// An RSA key shorter than [`MIN_RSA_BITS`].
    WeakRsaKey,
    /// A name outside a CA's permitted subtrees, or inside an excluded one.
    NameConstraints,
    /// The leaf has no subjectAltName entry for the peer name (the subject
    /// CN is never used).
    NoMatchingSubjectAltName,
    /// A key type or size outside the Web PKI's set (DSA, P-192, an RSA
    /// modulus not a multiple of 8 bits).
    ForbiddenKey,
    /// The trust anchor is not valid at the validation time.
    AnchorNotValid,
    /// The end-entity certificate is a CA (`basicConstraints cA=TRUE`),
    /// such as the self-signed certificate `openssl req -x509` makes by
    /// default, even when it is itself the trust anchor.
    CaAsEndEntity,
    /// A certificate breaks the RFC 5280 / CA/Browser Forum profile (a
    /// missing or wrongly critical extension, a bad serial number, an
    /// inconsistent key usage, a malformed name, ...).
    Profile,
}

impl PolicyRule {
    /// The certificate problem this rule reports as.
    #[must_use]
    pub const fn problem(self) -> CertificateProblem {
        match self {
            Self::WeakSignatureAlgorithm => CertificateProblem::WeakSignature,
            Self::WeakRsaKey => CertificateProblem::WeakKey,
            Self::NameConstraints => CertificateProblem::NameConstraints,
            Self::NoMatchingSubjectAltName => CertificateProblem::NameMismatch,
            Self::ForbiddenKey => CertificateProblem::WeakKey,
            Self::AnchorNotValid => CertificateProblem::Expired,
            Self::CaAsEndEntity => CertificateProblem::CaUsedAsEndEntity,
            Self::Profile => CertificateProblem::Profile,
        }
    }

    /// The alert that fits (the problem's alert).
    #[must_use]
    pub const fn alert(self) -> AlertDescription {
        self.problem().alert()
    }
}

/// A chain the policy refuses: which certificate broke which rule.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyViolation {
    /// The rule.
    pub rule: PolicyRule,
    /// The subject of the offending certificate.
    pub subject: String,
    /// What exactly was wrong.
    pub detail: String,
}

impl fmt::Display for PolicyViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

impl std::error::Error for PolicyViolation {}

/// Check a certification path (leaf first, each certificate followed by
/// its issuer, ending with the trust anchor when it is known): the rules of
/// this module. `trust` tells which certificate is the anchor (the last one,
/// when `trust` holds it); `peer_name`, when given, must be in the leaf's
/// subjectAltName.
///
/// # Errors
/// The first [`PolicyViolation`] found.
pub fn check_path(
    path: &[Certificate],
    trust: Option<&TrustStore>,
    peer_name: Option<PeerName<'_>>,
    at: Option<SystemTime>,
) -> Result<(), PolicyViolation> {
    let parsed: Vec<X509Certificate<'_>> = path
        .iter()
        .filter_map(|c| X509Certificate::from_der(c.der().as_ref()).ok().map(|(_, x)| x))
        .collect();
    if parsed.len() != path.len() {
        // Engines parse what they accept; core's own parse of it succeeded
        // when the Certificate was made. Nothing to check otherwise.
        return Ok(());
    }
    // The name first: a leaf without the name is refused as such, whatever else it breaks.
    if let (Some(name), Some(leaf)) = (peer_name, path.first()) {
        let matches = match name {
            PeerName::Dns(dns) => leaf.matches_name(dns),
            PeerName::Ip(ip) => leaf.ip_addresses().contains(&ip),
        };
        if !matches {
            let shown = match name {
                PeerName::Dns(dns) => dns.to_owned(),
                PeerName::Ip(ip) => ip.to_string(),
            };
            return Err(violation(
                PolicyRule::NoMatchingSubjectAltName,
                leaf,
                format!("no subjectAltName entry for {shown} (the subject CN is not used)"),
            ));
        }
    }
    let anchor = path.len().checked_sub(1).filter(|&last| is_anchor(&path[last], &parsed[last], trust));
    for (i, (cert, x509)) in path.iter().zip(&parsed).enumerate() {
        let role = match (i, anchor) {
            (0, _) => Role::Leaf,
            (i, Some(a)) if i == a => Role::Anchor,
            _ => Role::Intermediate,
        };
        if role == Role::Leaf && cert.is_ca() {
            return Err(violation(
                PolicyRule::CaAsEndEntity,
                cert,
                "an end-entity certificate with basicConstraints cA=TRUE (CA/B BR 7.1.2.7.8)".into(),
            ));
        }
        profile(cert, x509, role).map_err(|detail| violation(PolicyRule::Profile, cert, detail))?;
        forbidden_key(x509).map_err(|detail| violation(PolicyRule::ForbiddenKey, cert, detail))?;
        if role == Role::Anchor {
            let now = at.unwrap_or_else(SystemTime::now);
            let secs = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let valid = i64::try_from(secs)
                .ok()
                .and_then(|s| x509_parser::time::ASN1Time::from_timestamp(s).ok())
                .is_some_and(|t| x509.validity().is_valid_at(t));
            if !valid {
                return Err(violation(
                    PolicyRule::AnchorNotValid,
                    cert,
                    "the trust anchor is expired or not yet valid at the validation time".into(),
                ));
            }
        }
        if Some(i) != anchor {
            if let Some(name) = weak_signature(x509) {
                return Err(violation(
                    PolicyRule::WeakSignatureAlgorithm,
                    cert,
                    format!("signed with {name}"),
                ));
            }
        }
        if let Ok(PublicKey::RSA(rsa)) = x509.public_key().parsed() {
            let bits = modulus_bits(rsa.modulus);
            if bits < MIN_RSA_BITS {
                return Err(violation(
                    PolicyRule::WeakRsaKey,
                    cert,
                    format!("a {bits}-bit RSA key (at least {MIN_RSA_BITS} are required)"),
                ));
            }
        }
    }
    for (i, x509) in parsed.iter().enumerate().skip(1) {
        if let Some(constraints) = name_constraints(x509) {
            for (j, below) in path.iter().enumerate().take(i) {
                // RFC 5280 6.1.4 (b): self-issued CAs below are exempt, the leaf never.
                if j > 0 && below.is_self_issued() {
                    continue;
                }
                if let Some(detail) = constraints.refusal(below) {
                    return Err(violation(
                        PolicyRule::NameConstraints,
                        below,
                        format!("{detail} (name constraints of {})", path[i].subject_text()),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// [`check_path`] for an [`Engine::check_chain`](crate::Engine::check_chain)
/// request (the path is [`path_at`]'s), as every engine ends its `check_chain` with: the violation as
/// [`Error::PeerCertificate`](crate::Error::PeerCertificate).
///
/// # Errors
/// [`Error::PeerCertificate`](crate::Error::PeerCertificate) with the rule's problem.
pub fn check_chain(check: &crate::ChainCheck<'_>) -> Result<(), crate::Error> {
    let path = path_at(check.chain, check.trust, check.at);
    check_path(&path, Some(check.trust), check.peer_name, check.at).map_err(PolicyViolation::into_error)
}

/// How every engine's `check_chain` ends: the engine's own result
/// `engine`, then the policy, which speaks first when it refuses (so a
/// rule is reported the same on every engine), except where the engine
/// cannot check at all ([`Error::Unsupported`](crate::Error::Unsupported)).
///
/// # Errors
/// The engine's `Unsupported`, the policy's violation, or the engine's error.
pub fn after_engine(
    engine: Result<(), crate::Error>,
    check: &crate::ChainCheck<'_>,
) -> Result<(), crate::Error> {
    if let Err(e @ crate::Error::Unsupported { .. }) = engine {
        return Err(e);
    }
    check_chain(check)?;
    engine
}

/// The certification path of a presented chain, choosing among issuers the
/// way a path builder with backtracking does: the first path (trust anchors
/// tried before presented issuers) that ends at a trust anchor valid at
/// `at` (now when `None`); when there is none,
/// [`certification_path`](crate::verify::certification_path)'s.
pub fn path_at(presented: &[Certificate], trust: &TrustStore, at: Option<SystemTime>) -> Vec<Certificate> {
    fn valid(cert: &Certificate, at: SystemTime) -> bool {
        let secs = at.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let Ok(time) = i64::try_from(secs)
            .map_err(|_| ())
            .and_then(|s| x509_parser::time::ASN1Time::from_timestamp(s).map_err(|_| ()))
        else {
            return false;
        };
        X509Certificate::from_der(cert.der().as_ref()).is_ok_and(|(_, x)| x.validity().is_valid_at(time))
    }
    fn search(path: &mut Vec<Certificate>, rest: &[Certificate], trust: &TrustStore, at: SystemTime) -> bool {
        if path.len() > 8 {
            return false;
        }
        // Invariant: `path` is never empty here.
        let last = path[path.len() - 1].clone();
        // Issuers by key identifier where both carry one, else by name alone
        // (as path builders that match names and check signatures do).
        let by_id: Vec<&Certificate> = trust.certificates().iter().filter(|a| last.is_issued_by(a)).collect();
        let anchors = if by_id.is_empty() {
            trust.certificates().iter().filter(|a| a.subject() == last.issuer()).collect()
        } else {
            by_id
        };
        for anchor in anchors {
            if valid(anchor, at) {
                if anchor != &last {
                    path.push(anchor.clone());
                }
                return true;
            }
        }
        if path.len() > 1 && last.is_self_issued() {
            return false;
        }
        let issuers: Vec<Certificate> =
            rest.iter().filter(|c| last.is_issued_by(c) && !path.contains(c)).cloned().collect();
        for issuer in issuers {
            path.push(issuer);
            if search(path, rest, trust, at) {
                return true;
            }
            path.pop();
        }
        false
    }
    let Some((leaf, rest)) = presented.split_first() else { return Vec::new() };
    let mut path = vec![leaf.clone()];
    if search(&mut path, rest, trust, at.unwrap_or_else(SystemTime::now)) {
        return path;
    }
    crate::verify::certification_path(presented, Some(trust))
}

impl PolicyViolation {
    /// The error a connection or `check_chain` reports: the rule's
    /// certificate problem (no alert sent yet).
    #[must_use]
    pub fn into_error(self) -> crate::Error {
        let detail = Some(self.to_string());
        crate::Error::PeerCertificate { problem: self.rule.problem(), alert_sent: None, detail }
    }
}

/// The policy for a chain a peer presented in a handshake (leaf first, the
/// rest in any order), as the engines' verifiers run it: the path is
/// [`path_at`]'s (now), `server_name` the name a client expects (an IP
/// literal is matched against IP SANs).
///
/// # Errors
/// As [`check_path`].
pub fn check_peer(
    presented: &[Certificate],
    trust: &TrustStore,
    server_name: Option<&str>,
) -> Result<(), PolicyViolation> {
    let peer_name = server_name.map(|n| n.parse().map_or(PeerName::Dns(n), PeerName::Ip));
    check_path(&path_at(presented, trust, None), Some(trust), peer_name, None)
}

/// How many verdicts [`check_presented`] keeps.
const VERDICT_CACHE_LIMIT: usize = 64;

/// A chain the policy accepted: the DER of what the peer presented and
/// the name it was checked for, the trust store (kept, so its identity
/// cannot be reused while the verdict lives) and when the verdict holds
/// (the intersection of the path's validity periods: the policy depends
/// on time only through them).
struct Verdict {
    key: Vec<u8>,
    trust: TrustStore,
    from: SystemTime,
    until: SystemTime,
}

static VERDICTS: std::sync::Mutex<std::collections::VecDeque<Verdict>> =
    std::sync::Mutex::new(std::collections::VecDeque::new());

/// The cache key of a presented chain and a name: each DER with its length.
fn verdict_key(presented: &[&[u8]], server_name: Option<&str>) -> Vec<u8> {
    let mut key = Vec::with_capacity(presented.iter().map(|d| d.len() + 8).sum::<usize>() + 64);
    for der in presented {
        key.extend_from_slice(&(der.len() as u64).to_be_bytes());
        key.extend_from_slice(der);
    }
    key.extend_from_slice(server_name.unwrap_or("").as_bytes());
    key
}

/// When every certificate of `path` is valid: `(latest notBefore, earliest notAfter)`.
fn validity_window(path: &[Certificate]) -> Option<(SystemTime, SystemTime)> {
    let mut window: Option<(SystemTime, SystemTime)> = None;
    for cert in path {
        let (_, x509) = X509Certificate::from_der(cert.der().as_ref()).ok()?;
        let to_time = |t: x509_parser::time::ASN1Time| {
            let secs = u64::try_from(t.timestamp()).ok()?;
            SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
        };
        let (from, until) = (to_time(x509.validity().not_before)?, to_time(x509.validity().not_after)?);
        window = Some(match window {
            None => (from, until),
            Some((f, u)) => (f.max(from), u.min(until)),
        });
    }
    window
}

/// [`check_peer`] for the DER an engine's verifier got, remembering what it
/// accepted: a chain accepted before, for the same name and trust store,
/// while every certificate of its path is still valid, is accepted without
/// parsing it again (a client that reconnects to one server checks its
/// chain once). Refusals are not kept. The engine's own validation runs
/// every time regardless.
///
/// # Errors
/// As [`check_path`].
pub fn check_presented(
    presented: &[&[u8]],
    trust: &TrustStore,
    server_name: Option<&str>,
) -> Result<(), PolicyViolation> {
    let now = SystemTime::now();
    let key = verdict_key(presented, server_name);
    let lock = || VERDICTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if lock().iter().any(|v| v.key == key && v.trust.is_same(trust) && v.from <= now && now <= v.until) {
        return Ok(());
    }
    let certs: Vec<Certificate> =
        presented.iter().filter_map(|der| Certificate::from_der(der.to_vec()).ok()).collect();
    let path = path_at(&certs, trust, None);
    let peer_name = server_name.map(|n| n.parse().map_or(PeerName::Dns(n), PeerName::Ip));
    check_path(&path, Some(trust), peer_name, None)?;
    if let Some((from, until)) = validity_window(&path) {
        let mut verdicts = lock();
        verdicts.retain(|v| v.key != key || !v.trust.is_same(trust));
        if verdicts.len() >= VERDICT_CACHE_LIMIT {
            verdicts.pop_back();
        }
        verdicts.push_front(Verdict { key, trust: trust.clone(), from, until });
    }
    Ok(())
}

/// Whether `name` (a DNS name, possibly a `*.` wildcard) lies inside the
/// dNSName constraint `constraint` (RFC 5280 4.2.1.10: the name itself and
/// any name made by adding labels on its left; a leading `.` means
/// subdomains only; the empty constraint holds every name). Case-insensitive.
#[must_use]
pub fn dns_name_within(name: &str, constraint: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let constraint = constraint.trim_end_matches('.').to_ascii_lowercase();
    if constraint.is_empty() {
        return true;
    }
    if constraint.starts_with('.') {
        return name.len() > constraint.len() && name.ends_with(&constraint);
    }
    name == constraint
        || (name.ends_with(&constraint) && name[..name.len() - constraint.len()].ends_with('.'))
}

/// Whether a wildcard name (`*.base`) could stand for a name inside the
/// excluded constraint.
fn wildcard_may_enter(name: &str, constraint: &str) -> bool {
    let Some(base) = name.strip_prefix("*.") else { return false };
    let constraint = constraint.trim_start_matches('.');
    dns_name_within(constraint, base) || dns_name_within(base, constraint)
}

/// Whether `ip` lies inside an iPAddress constraint (address then mask, 8
/// bytes for IPv4, 32 for IPv6).
#[must_use]
pub fn ip_within(ip: IpAddr, constraint: &[u8]) -> bool {
    let octets: Vec<u8> = match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    if constraint.len() != octets.len() * 2 {
        return false;
    }
    let (addr, mask) = constraint.split_at(octets.len());
    octets.iter().zip(addr).zip(mask).all(|((o, a), m)| o & m == a & m)
}

// ---- Internals --------------------------------------------------------------------

/// Where a certificate sits in the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Leaf,
    Intermediate,
    Anchor,
}

/// The bits of an RSA modulus (big-endian, leading zero bytes allowed).
fn modulus_bits(modulus: &[u8]) -> usize {
    let digits: &[u8] = match modulus.iter().position(|&b| b != 0) {
        Some(first) => &modulus[first..],
        None => return 0,
    };
    // Invariant: `digits` is non-empty and starts with a non-zero byte.
    (digits.len() - 1) * 8 + (8 - digits[0].leading_zeros() as usize)
}

/// Key types and sizes outside the Web PKI's set (CA/B Forum BR 6.1.5).
fn forbidden_key(x509: &X509Certificate<'_>) -> Result<(), String> {
    let oid = x509.public_key().algorithm.algorithm.to_id_string();
    match oid.as_str() {
        "1.2.840.10040.4.1" => return Err("a DSA key".into()),
        "1.2.840.10045.2.1" => {
            let curve = x509.public_key().algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
            match curve.map(|c| c.to_id_string()).as_deref() {
                Some("1.2.840.10045.3.1.7" | "1.3.132.0.34" | "1.3.132.0.35") => {}
                Some(other) => {
                    return Err(format!("an EC key on the curve {other} (P-256, P-384, P-521 only)"))
                }
                None => return Err("an EC key without a named curve".into()),
            }
        }
        _ => {}
    }
    if let Ok(PublicKey::RSA(rsa)) = x509.public_key().parsed() {
        let bits = modulus_bits(rsa.modulus);
        if bits % 8 != 0 {
            return Err(format!("a {bits}-bit RSA key (the size must be a multiple of 8)"));
        }
    }
    Ok(())
}

const OID_SAN: &str = "2.5.29.17";
const OID_AKI: &str = "2.5.29.35";
const OID_SKI: &str = "2.5.29.14";
const OID_BC: &str = "2.5.29.19";
const OID_NC: &str = "2.5.29.30";
const OID_PC: &str = "2.5.29.36";
const OID_EKU: &str = "2.5.29.37";

/// The RFC 5280 and CA/Browser Forum profile rules x509-limbo checks.
fn profile(cert: &Certificate, x509: &X509Certificate<'_>, role: Role) -> Result<(), String> {
    // Serial numbers: positive, at most 20 octets (RFC 5280 4.1.2.2).
    // (A trust anchor's serial is the configuration's business: long-lived
    // roots with serial 0 exist, such as Starfield Root G2.)
    let serial = x509.raw_serial();
    let significant = serial.iter().skip_while(|&&b| b == 0).count();
    if significant == 0 && role != Role::Anchor {
        return Err("a serial number of zero".into());
    }
    if serial.len() > 20 {
        return Err(format!("a serial number of {} octets (at most 20)", serial.len()));
    }
    let self_issued = cert.is_self_issued();
    let subject_empty = x509.subject().iter().next().is_none();
    let seen = |oid: &str| x509.extensions().iter().find(|e| e.oid.to_id_string() == oid);
    for ext in x509.extensions() {
        let oid = ext.oid.to_id_string();
        match ext.parsed_extension() {
            ParsedExtension::ParseError { .. } => return Err(format!("a malformed extension {oid}")),
            ParsedExtension::UnsupportedExtension { .. } if ext.critical => {
                return Err(format!("an unknown critical extension {oid}"));
            }
            ParsedExtension::AuthorityInfoAccess(aia) if aia.accessdescs.is_empty() => {
                return Err("an empty authorityInfoAccess extension".into());
            }
            _ => {}
        }
    }
    // Authority key identifier (4.2.1.1): never critical; on every
    // certificate that is not self-issued, with a key identifier; on a
    // self-issued root, its key identifier is the subject key identifier and
    // it names no issuer or serial (CA/B BR 7.1.2.1.3).
    match seen(OID_AKI) {
        Some(ext) if ext.critical => return Err("a critical authorityKeyIdentifier".into()),
        Some(ext) => {
            if let ParsedExtension::AuthorityKeyIdentifier(aki) = ext.parsed_extension() {
                if aki.key_identifier.is_none() {
                    return Err("an authorityKeyIdentifier without a key identifier".into());
                }
                if self_issued && role == Role::Anchor {
                    if aki.authority_cert_issuer.is_some() || aki.authority_cert_serial.is_some() {
                        return Err("a root's authorityKeyIdentifier names an issuer or serial".into());
                    }
                    let ski = x509.extensions().iter().find_map(|e| match e.parsed_extension() {
                        ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0),
                        _ => None,
                    });
                    if aki.key_identifier.as_ref().map(|k| k.0) != ski {
                        return Err(
                            "a root's authorityKeyIdentifier differs from its subjectKeyIdentifier".into()
                        );
                    }
                }
            }
        }
        None if !self_issued => return Err("no authorityKeyIdentifier".into()),
        None => {}
    }
    // Subject key identifier (4.2.1.2): never critical; on every CA.
    let is_ca = cert.is_ca();
    match seen(OID_SKI) {
        Some(ext) if ext.critical => return Err("a critical subjectKeyIdentifier".into()),
        None if is_ca => return Err("a CA without a subjectKeyIdentifier".into()),
        _ => {}
    }
    // Basic constraints (4.2.1.9): a CA that signs has them, critical; a
    // leaf is no CA (CA/B BR 7.1.2.7.8).

    if role != Role::Leaf {
        match seen(OID_BC) {
            None => return Err("a CA without basicConstraints".into()),
            Some(ext) if !ext.critical => return Err("a CA with non-critical basicConstraints".into()),
            _ => {}
        }
    }
    // Key usage (4.2.1.3): keyCertSign exactly on CAs.
    if let Ok(Some(ku)) = x509.key_usage() {
        if role == Role::Leaf && ku.value.key_cert_sign() {
            return Err("an end-entity certificate with keyUsage keyCertSign".into());
        }
        if role != Role::Leaf && !ku.value.key_cert_sign() {
            return Err("a CA whose keyUsage lacks keyCertSign".into());
        }
    }
    // Name constraints (4.2.1.10): only on CAs, critical, not empty, no
    // dNSName with a leading period.
    if let Some(ext) = seen(OID_NC) {
        if role == Role::Leaf {
            return Err("nameConstraints on an end-entity certificate".into());
        }
        if !ext.critical {
            return Err("non-critical nameConstraints".into());
        }
        if let ParsedExtension::NameConstraints(nc) = ext.parsed_extension() {
            let empty = |t: &Option<Vec<_>>| t.as_ref().is_none_or(Vec::is_empty);
            if empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees) {
                return Err("nameConstraints with neither permitted nor excluded subtrees".into());
            }
            for subtree in nc.permitted_subtrees.iter().chain(nc.excluded_subtrees.iter()).flatten() {
                if let GeneralName::DNSName(d) = subtree.base {
                    if d.starts_with('.') {
                        return Err(format!("a dNSName constraint with a leading period ({d:?})"));
                    }
                }
            }
        }
    }
    // Policy constraints (4.2.1.11): critical.
    if seen(OID_PC).is_some_and(|ext| !ext.critical) {
        return Err("non-critical policyConstraints".into());
    }
    // Subject (4.1.2.6): a CA has one; an empty subject needs a critical
    // subjectAltName, a non-empty one a non-critical one (CA/B BR 7.1.2.7.12).
    if subject_empty && is_ca {
        return Err("a CA with an empty subject".into());
    }
    if let Some(san) = seen(OID_SAN) {
        if subject_empty && !san.critical {
            return Err("an empty subject with a non-critical subjectAltName".into());
        }
        if !subject_empty && san.critical && role == Role::Leaf {
            return Err("a critical subjectAltName beside a non-empty subject".into());
        }
    }
    // Extended key usage: a leaf has one, not critical, without
    // anyExtendedKeyUsage (CA/B BR 7.1.2.7.6, 7.1.2.7.10); a root has none
    // (7.1.2.1.2).
    match (role, seen(OID_EKU)) {
        (Role::Leaf, None) => return Err("an end-entity certificate without extKeyUsage".into()),
        (Role::Leaf, Some(ext)) => {
            if ext.critical {
                return Err("a critical extKeyUsage".into());
            }
            if let ParsedExtension::ExtendedKeyUsage(eku) = ext.parsed_extension() {
                if eku.any {
                    return Err("extKeyUsage anyExtendedKeyUsage on an end-entity certificate".into());
                }
            }
        }
        (Role::Anchor, Some(_)) if self_issued => return Err("a root with extKeyUsage".into()),
        _ => {}
    }
    if role == Role::Leaf {
        san_syntax(x509)?;
        common_names_in_san(cert, x509)?;
    }
    Ok(())
}

/// Whether `text` reads as an IPv4 address to a lenient parser (inet_aton:
/// one to four parts, each decimal, `0x` hexadecimal or `0` octal).
fn looks_like_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    (1..=4).contains(&parts.len())
        && parts.iter().all(|part| {
            let hex = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X"));
            match hex {
                Some(digits) => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()),
                None => !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()),
            }
        })
}

/// The leaf's subjectAltName entries in their preferred syntax (RFC 5280
/// 4.2.1.6): DNS names as LDH labels (a `*` only as a whole leftmost
/// label, not over a public suffix), one `@` in an rfc822Name.
fn san_syntax(x509: &X509Certificate<'_>) -> Result<(), String> {
    let Ok(Some(san)) = x509.subject_alternative_name() else { return Ok(()) };
    for name in &san.value.general_names {
        match name {
            GeneralName::DNSName(dns) => {
                if !is_preferred_dns_name(dns) {
                    return Err(format!("the DNS name {dns:?} is not in the preferred name syntax"));
                }
                if let Some(base) = dns.strip_prefix("*.") {
                    if is_public_suffix(base) {
                        return Err(format!("the wildcard {dns:?} covers the public suffix {base:?}"));
                    }
                }
            }
            GeneralName::RFC822Name(mail) if mail.matches('@').count() > 1 => {
                return Err(format!("the email address {mail:?} is malformed"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `name` is a DNS name in the preferred syntax, with an optional
/// `*.` wildcard as its leftmost label.
fn is_preferred_dns_name(name: &str) -> bool {
    crate::name::is_ldh_name(name.strip_prefix("*.").unwrap_or(name), false)
}

/// Whether `domain` is a public suffix (ICANN or private section of the
/// Public Suffix List).
fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    psl::suffix_str(&domain).is_some_and(|suffix| suffix == domain)
}

/// A leaf's common names that look like a host name or an IP address must
/// be a character-for-character copy of a subjectAltName entry (CA/B BR
/// 7.1.4.3): a client that falls back to the CN must never see another name.
fn common_names_in_san(cert: &Certificate, x509: &X509Certificate<'_>) -> Result<(), String> {
    for cn in x509.subject().iter_common_name() {
        let Ok(cn) = cn.as_str() else { continue };
        let looks_like_ip = cn.contains(':') || looks_like_ipv4(cn);
        let looks_like_host = !cn.is_ascii() || (cn.contains('.') && is_preferred_dns_name(cn));
        if !looks_like_ip && !looks_like_host {
            continue;
        }
        let copied = cert.dns_names().iter().any(|d| d == cn)
            || cert.ip_addresses().iter().any(|ip| ip.to_string() == cn);
        if !copied {
            return Err(format!("the common name {cn:?} is not a copy of a subjectAltName entry"));
        }
    }
    Ok(())
}

fn violation(rule: PolicyRule, cert: &Certificate, detail: String) -> PolicyViolation {
    PolicyViolation { rule, subject: cert.subject_text().to_owned(), detail }
}

fn is_anchor(cert: &Certificate, x509: &X509Certificate<'_>, trust: Option<&TrustStore>) -> bool {
    let Some(trust) = trust else { return false };
    trust.certificates().iter().any(|anchor| {
        anchor == cert
            || (anchor.subject() == cert.subject()
                && X509Certificate::from_der(anchor.der().as_ref())
                    .is_ok_and(|(_, a)| a.public_key().raw == x509.public_key().raw))
    })
}

/// The name of a weak signature algorithm, if the certificate uses one.
fn weak_signature(x509: &X509Certificate<'_>) -> Option<&'static str> {
    let alg = &x509.signature_algorithm;
    let name = match alg.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSASignature",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "1.3.14.3.2.27" => "dsaWithSHA1",
        "1.2.840.113549.1.1.10" => {
            // RSASSA-PSS: the hash is in the parameters, SHA-1 when absent (RFC 4055).
            let sha1 = alg
                .parameters
                .as_ref()
                .and_then(|p| x509_parser::signature_algorithm::RsaSsaPssParams::try_from(p).ok())
                .is_none_or(|p| p.hash_algorithm_oid().to_id_string() == "1.3.14.3.2.26");
            if !sha1 {
                return None;
            }
            "RSASSA-PSS with SHA-1"
        }
        _ => return None,
    };
    Some(name)
}

/// The DNS and IP subtrees of a CA's nameConstraints extension.
#[derive(Default)]
struct Constraints {
    permitted_dns: Vec<String>,
    excluded_dns: Vec<String>,
    permitted_ip: Vec<Vec<u8>>,
    excluded_ip: Vec<Vec<u8>>,
}

fn name_constraints(x509: &X509Certificate<'_>) -> Option<Constraints> {
    let nc = x509.extensions().iter().find_map(|ext| match ext.parsed_extension() {
        ParsedExtension::NameConstraints(nc) => Some(nc),
        _ => None,
    })?;
    let mut c = Constraints::default();
    let mut take = |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>, permitted: bool| {
        for subtree in subtrees.iter().flatten() {
            match (&subtree.base, permitted) {
                (GeneralName::DNSName(d), true) => c.permitted_dns.push((*d).to_owned()),
                (GeneralName::DNSName(d), false) => c.excluded_dns.push((*d).to_owned()),
                (GeneralName::IPAddress(ip), true) => c.permitted_ip.push(ip.to_vec()),
                (GeneralName::IPAddress(ip), false) => c.excluded_ip.push(ip.to_vec()),
                _ => {}
            }
        }
    };
    take(&nc.permitted_subtrees, true);
    take(&nc.excluded_subtrees, false);
    Some(c)
}

impl Constraints {
    /// Why `cert`'s names break these constraints, if they do.
    fn refusal(&self, cert: &Certificate) -> Option<String> {
        for name in cert.dns_names() {
            if !self.permitted_dns.is_empty() && !self.permitted_dns.iter().any(|c| dns_name_within(name, c))
            {
                return Some(format!("DNS name {name} is outside the permitted subtrees"));
            }
            if let Some(c) =
                self.excluded_dns.iter().find(|c| dns_name_within(name, c) || wildcard_may_enter(name, c))
            {
                return Some(format!("DNS name {name} is inside the excluded subtree {c:?}"));
            }
        }
        for &ip in cert.ip_addresses() {
            if !self.permitted_ip.is_empty() && !self.permitted_ip.iter().any(|c| ip_within(ip, c)) {
                return Some(format!("IP address {ip} is outside the permitted subtrees"));
            }
            if self.excluded_ip.iter().any(|c| ip_within(ip, c)) {
                return Some(format!("IP address {ip} is inside an excluded subtree"));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_verdicts_are_for_the_same_chain_name_and_trust_only() {
        let chain =
            crate::CertificateChain::from_pem(include_bytes!("../../conformance/fixtures/server-p256.pem"))
                .expect("the fixture chain");
        let ders: Vec<&[u8]> = chain.certificates().iter().map(|c| c.der().as_ref()).collect();
        let root = include_bytes!("../../conformance/fixtures/root-ca.pem");
        let trust = TrustStore::from_pem(root).expect("the fixture root");
        let name = Some("server.wiretls.test");
        assert_eq!(check_presented(&ders, &trust, name), Ok(()));
        assert_eq!(check_presented(&ders, &trust, name), Ok(()), "remembered");
        // Another name: checked, and refused, although the chain was accepted.
        assert!(check_presented(&ders, &trust, Some("other.wiretls.test")).is_err());
        // Another store with the same anchors is another identity: checked again.
        let other = TrustStore::from_pem(root).expect("the fixture root");
        assert_eq!(check_presented(&ders, &other, name), Ok(()));
        // A store without the anchor: the same verdict as the uncached check.
        let unrelated = TrustStore::from_pem(include_bytes!("../../conformance/fixtures/other-root-ca.pem"))
            .expect("another root");
        assert_eq!(
            check_presented(&ders, &unrelated, name),
            check_peer(chain.certificates(), &unrelated, name)
        );
    }

    #[test]
    fn dns_constraints_follow_rfc_5280() {
        assert!(dns_name_within("example.com", "example.com"));
        assert!(dns_name_within("a.b.example.com", "Example.COM"));
        assert!(!dns_name_within("badexample.com", "example.com"));
        assert!(dns_name_within("a.example.com", ".example.com"));
        assert!(!dns_name_within("example.com", ".example.com"));
        assert!(dns_name_within("anything.test", ""));
        assert!(dns_name_within("*.example.com", "example.com"));
        assert!(!dns_name_within("*.example.com", "www.example.com"));
        assert!(wildcard_may_enter("*.example.com", "bad.example.com"));
        assert!(!wildcard_may_enter("*.example.com", "example.org"));
    }

    #[test]
    fn ip_constraints_mask_the_address() {
        let v4: IpAddr = "10.1.2.3".parse().expect("ip");
        assert!(ip_within(v4, &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(v4, &[11, 0, 0, 0, 255, 0, 0, 0]));
        assert!(ip_within(v4, &[10, 1, 2, 3, 255, 255, 255, 255]));
        // Another family never matches.
        assert!(!ip_within(v4, &[0; 32]));
        let v6: IpAddr = "2001:db8::1".parse().expect("ip");
        let mut net = [0u8; 32];
        net[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        net[16..20].copy_from_slice(&[0xff; 4]);
        assert!(ip_within(v6, &net));
    }
}
