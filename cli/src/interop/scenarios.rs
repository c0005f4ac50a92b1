//! The interop scenarios: what each side is configured with, what the
//! external tools are given, and what must have been negotiated.

use std::sync::Arc;

use wiretls_core::{
    CertificateChain, CipherSuite, ClientAuth, ClientTls, ConnectionInfo, ProtocolVersion, ServerTls,
    SniServerCertificates, TrustStore,
};

use crate::options::OneChain;

/// The name the client asks for (the server chains all carry it).
pub(crate) const SERVER_NAME: &str = "server.wiretls.test";
/// The name the SNI scenario asks for: only `sni-alpha` carries it.
pub(crate) const SNI_NAME: &str = "alpha.wiretls.test";
/// The subject of the client certificate the client-auth scenario sends.
pub(crate) const CLIENT_SUBJECT: &str = "wiretls client one";

/// What a scenario is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One version only.
    Version(ProtocolVersion),
    /// One suite only (by the wiretls side).
    Suite(CipherSuite),
    /// The server picks the chain by SNI.
    Sni,
    /// The server requires a client certificate and sees the client's.
    ClientAuth,
    /// Both offer ALPN; `http/1.1` is agreed.
    Alpn,
    /// The server ends the connection: data, then `close_notify`, which the
    /// client must see as a clean end (every other scenario has the client
    /// close, which the server must answer).
    ServerClose,
}

/// One scenario.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scenario {
    /// Its column in the table and its name in JSON.
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
}

/// Every scenario, in table order.
pub(crate) fn all() -> Vec<Scenario> {
    use CipherSuite as S;
    let mut out = vec![
        Scenario { name: "tls1.2", kind: Kind::Version(ProtocolVersion::Tls12) },
        Scenario { name: "tls1.3", kind: Kind::Version(ProtocolVersion::Tls13) },
    ];
    for (name, suite) in [
        ("13-aes128", S::TLS13_AES_128_GCM_SHA256),
        ("13-aes256", S::TLS13_AES_256_GCM_SHA384),
        ("13-chacha", S::TLS13_CHACHA20_POLY1305_SHA256),
        ("12-aes128", S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        ("12-aes256", S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        ("12-chacha", S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
    ] {
        out.push(Scenario { name, kind: Kind::Suite(suite) });
    }
    out.extend([
        Scenario { name: "sni", kind: Kind::Sni },
        Scenario { name: "client-auth", kind: Kind::ClientAuth },
        Scenario { name: "alpn", kind: Kind::Alpn },
        Scenario { name: "close", kind: Kind::ServerClose },
    ]);
    out
}

/// The test PKI, loaded once: in memory for the engines, on disk for the tools.
pub(crate) struct Pki {
    pub(crate) dir: tempfile::TempDir,
    server: CertificateChain,
    alpha: CertificateChain,
    client: CertificateChain,
    root: TrustStore,
    client_root: TrustStore,
}

impl Pki {
    /// Generate a fresh PKI (wiretls-testpki) and write it to a temporary directory.
    pub(crate) fn generate() -> Result<Self, String> {
        let pki = wiretls_testpki::generate();
        let dir = tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))?;
        pki.write_to(dir.path()).map_err(|e| format!("writing the test certificates: {e}"))?;
        let text = |name: &str| pki.file(name).map(str::as_bytes).ok_or(format!("no {name} in the test PKI"));
        let chain = |name: &str| CertificateChain::from_pem(text(name)?).map_err(|e| format!("{name}: {e}"));
        let trust = |name: &str| TrustStore::from_pem(text(name)?).map_err(|e| format!("{name}: {e}"));
        Ok(Self {
            server: chain("server-p256.pem")?,
            alpha: chain("sni-alpha.pem")?,
            client: chain("client1.pem")?,
            root: trust("root-ca.pem")?,
            client_root: trust("client-root-ca.pem")?,
            dir,
        })
    }

    /// The path of a generated file, for a tool's argument.
    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

impl Scenario {
    /// The name the client verifies and sends.
    pub(crate) fn server_name(&self) -> &'static str {
        if self.kind == Kind::Sni {
            SNI_NAME
        } else {
            SERVER_NAME
        }
    }

    /// The wiretls client's configuration.
    pub(crate) fn client(&self, pki: &Pki) -> Result<ClientTls, wiretls_core::Error> {
        let mut tls = ClientTls::new(self.server_name())?.with_trust_root(pki.root.clone());
        match self.kind {
            Kind::Version(v) => tls = tls.with_versions(&[v])?,
            Kind::Suite(s) => tls = tls.with_versions(&[s.version()])?.with_cipher_suites(&[s]),
            Kind::ClientAuth => {
                tls = tls.with_client_certificate_store(Arc::new(OneChain(pki.client.clone())))
            }
            Kind::Alpn => tls = tls.with_alpn_protocols(&["h2", "http/1.1"])?,
            Kind::Sni | Kind::ServerClose => {}
        }
        Ok(tls)
    }

    /// The wiretls server's configuration.
    pub(crate) fn server(&self, pki: &Pki) -> Result<ServerTls, wiretls_core::Error> {
        let mut tls = if self.kind == Kind::Sni {
            let store = SniServerCertificates::new(
                pki.alpha.certificates().iter().cloned(),
                pki.server.certificates().iter().cloned(),
            )?;
            ServerTls::new(Arc::new(store))
        } else {
            ServerTls::from_chain(pki.server.clone())
        };
        match self.kind {
            Kind::Version(v) => tls = tls.with_versions(&[v])?,
            Kind::Suite(s) => tls = tls.with_versions(&[s.version()])?.with_cipher_suites(&[s]),
            Kind::ClientAuth => tls = tls.with_client_auth(ClientAuth::Required(pki.client_root.clone())),
            Kind::Alpn => tls = tls.with_alpn_protocols(&["http/1.1"])?,
            Kind::Sni | Kind::ServerClose => {}
        }
        Ok(tls)
    }

    /// Check what one side saw. `side` is "client" or "server"; the other
    /// side's chain is `peer_subjects` (leaf first) with the leaf's names.
    pub(crate) fn check(&self, side: &str, seen: &Seen) -> Result<(), String> {
        let info = &seen.info;
        let fail = |what: String| Err(format!("{side}: {what}"));
        match self.kind {
            Kind::Version(v) if info.version != Some(v) => {
                return fail(format!("version {:?}, expected {v}", info.version));
            }
            Kind::Suite(s) if info.cipher_suite != Some(s) => {
                return fail(format!("suite {:?}, expected {s}", info.cipher_suite));
            }
            Kind::Alpn if info.alpn_protocol.as_deref() != Some(b"http/1.1".as_slice()) => {
                return fail(format!(
                    "ALPN {:?}, expected http/1.1",
                    info.alpn_protocol.as_deref().map(String::from_utf8_lossy)
                ));
            }
            Kind::Sni if side == "client" && !seen.leaf_names.iter().any(|n| n == SNI_NAME) => {
                return fail(format!(
                    "the server sent a chain for {:?}, not for {SNI_NAME}",
                    seen.leaf_names
                ));
            }
            Kind::Sni if side == "server" && info.server_name.as_deref() != Some(SNI_NAME) => {
                return fail(format!("SNI {:?}, expected {SNI_NAME}", info.server_name));
            }
            Kind::ClientAuth if side == "server" && !seen.leaf_subject.contains(CLIENT_SUBJECT) => {
                return fail(format!(
                    "client certificate {:?}, expected {CLIENT_SUBJECT}",
                    seen.leaf_subject
                ));
            }
            _ => {}
        }
        if info.version.is_none() || info.cipher_suite.is_none() {
            return fail("no version or suite reported".into());
        }
        Ok(())
    }
}

/// What one wiretls side saw of a connection.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) info: ConnectionInfo,
    pub(crate) leaf_subject: String,
    pub(crate) leaf_names: Vec<String>,
}

impl Seen {
    /// From a stream after its handshake.
    pub(crate) fn of<IO>(stream: &wiretls_tokio::TlsStream<IO>) -> Self {
        let leaf = stream.peer_certificates().first();
        Self {
            info: stream.info().clone(),
            leaf_subject: leaf.map(|c| c.subject_text().to_owned()).unwrap_or_default(),
            leaf_names: leaf.map(|c| c.dns_names().to_vec()).unwrap_or_default(),
        }
    }
}
