//! What client and server share: protocol options and file loading.

use clap::Args;
use wiretls_core::{
    CertificateChain, CertificateChainCallback, CipherSuite, ClientCertificateStore, DistinguishedName,
    NamedGroup, ProtocolVersion, TrustStore,
};

/// The protocol options of both commands.
#[derive(Args, Debug, Clone)]
pub(crate) struct Protocol {
    /// The engine: rustls, rustls-ring, openssl or native-tls.
    #[arg(long, default_value = "rustls")]
    pub(crate) engine: String,
    /// ALPN protocols, most preferred first (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) alpn: Vec<String>,
    /// TLS 1.2 only.
    #[arg(long = "tls1.2", conflicts_with = "tls13")]
    pub(crate) tls12: bool,
    /// TLS 1.3 only.
    #[arg(long = "tls1.3")]
    pub(crate) tls13: bool,
    /// Cipher suites by IANA name (comma-separated), in preference order.
    #[arg(long, value_delimiter = ',')]
    pub(crate) ciphers: Vec<String>,
    /// Key-exchange groups by name (comma-separated): x25519, secp256r1, X25519MLKEM768, ...
    #[arg(long, value_delimiter = ',')]
    pub(crate) groups: Vec<String>,
}

impl Protocol {
    /// The versions asked for (both when neither flag is given).
    pub(crate) fn versions(&self) -> Vec<ProtocolVersion> {
        match (self.tls12, self.tls13) {
            (true, _) => vec![ProtocolVersion::Tls12],
            (_, true) => vec![ProtocolVersion::Tls13],
            _ => ProtocolVersion::ALL.to_vec(),
        }
    }

    /// The suites asked for, or `None` for the default.
    pub(crate) fn suites(&self) -> Result<Option<Vec<CipherSuite>>, String> {
        if self.ciphers.is_empty() {
            return Ok(None);
        }
        self.ciphers
            .iter()
            .map(|n| CipherSuite::from_name(n).ok_or_else(|| refused_suite(n)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The groups asked for, or `None` for the engine's default.
    pub(crate) fn groups(&self) -> Result<Option<Vec<NamedGroup>>, String> {
        if self.groups.is_empty() {
            return Ok(None);
        }
        self.groups
            .iter()
            .map(|n| {
                (0..=u16::MAX)
                    .map(NamedGroup)
                    .find(|g| g.name().is_some_and(|known| known.eq_ignore_ascii_case(n)))
                    .ok_or_else(|| format!("unknown group {n:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// Why `--ciphers` refuses a name: a legacy suite (which wiretls never
/// offers, on any engine) or a name it does not know.
fn refused_suite(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    let legacy =
        ["CBC", "CCM", "3DES", "DES-", "RC4", "NULL", "EXPORT", "_RSA_WITH_", "_DHE_", "DHE-", "-SHA"];
    let known: Vec<&str> = CipherSuite::ALL.iter().map(|s| s.name()).collect();
    if legacy.iter().any(|l| upper.contains(l)) {
        format!(
            "{name}: a legacy suite; wiretls offers AEAD suites with forward secrecy only, on every engine \
             (docs/engines.md, \"The cipher policy\"); the suites are {}",
            known.join(", ")
        )
    } else {
        format!("unknown cipher suite {name:?} (the suites are {})", known.join(", "))
    }
}

/// What a configuration offers on `engine`: the suites (by version) and
/// the groups, one per line.
pub(crate) fn offered(engine: &dyn wiretls_core::Engine, protocol: &Protocol) -> Result<String, String> {
    use std::fmt::Write;
    let caps = engine.capabilities();
    let versions = protocol.versions();
    let chosen = protocol.suites()?;
    let groups = protocol.groups()?;
    let mut out = String::new();
    for suite in caps.cipher_suites {
        let allowed =
            versions.contains(&suite.version()) && chosen.as_ref().is_none_or(|c| c.contains(suite));
        if allowed {
            let _ = writeln!(out, "suite  {} {}", suite.version(), suite.name());
        }
    }
    for group in caps.groups {
        if groups.as_ref().is_none_or(|g| g.contains(group)) {
            let _ = writeln!(out, "group  {group}");
        }
    }
    if !caps.tls13_suite_selection && chosen.is_some() && versions.contains(&ProtocolVersion::Tls13) {
        let _ =
            writeln!(out, "note   {} negotiates its own TLS 1.3 suites whatever --ciphers says", caps.engine);
    }
    Ok(out)
}

/// Apply the shared options to a configuration (client or server).
macro_rules! configure {
    ($tls:expr, $protocol:expr) => {{
        let protocol: &$crate::options::Protocol = $protocol;
        let mut tls = $tls.with_versions(&protocol.versions()).map_err(|e| e.to_string())?;
        if let Some(suites) = protocol.suites()? {
            tls = tls.with_cipher_suites(&suites);
        }
        if let Some(groups) = protocol.groups()? {
            tls = tls.with_groups(&groups);
        }
        if !protocol.alpn.is_empty() {
            tls = tls.with_alpn_protocols(&protocol.alpn).map_err(|e| e.to_string())?;
        }
        tls
    }};
}
pub(crate) use configure;

/// Read a file, saying which one failed.
pub(crate) fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

/// A chain and its key: one PEM file, or the certificates and the key apart.
pub(crate) fn chain(cert: &str, key: Option<&str>) -> Result<CertificateChain, String> {
    let certs = read(cert)?;
    match key {
        Some(key) => CertificateChain::from_pem_with_key(&certs, &read(key)?),
        None => CertificateChain::from_pem(&certs),
    }
    .map_err(|e| format!("{cert}: {e}"))
}

/// A trust store from a PEM file.
pub(crate) fn trust(path: &str) -> Result<TrustStore, String> {
    TrustStore::from_pem(&read(path)?).map_err(|e| format!("{path}: {e}"))
}

/// A client store with one chain, for any CA names.
pub(crate) struct OneChain(pub(crate) CertificateChain);

impl ClientCertificateStore for OneChain {
    fn certificate_chain_for_roots(&self, _roots: &[DistinguishedName], callback: CertificateChainCallback) {
        self.default_certificate_chain(callback);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        // A chain the server's CA names do not reach is refused; then no certificate.
        if callback.answer(Some(self.0.clone())).is_err() {
            let _ = callback.answer(None);
        }
    }
}
