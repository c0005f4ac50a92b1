//! The self-signed certificate `openssl req -x509` makes by default
//! (`basicConstraints critical, CA:TRUE`), as a new user meets it: refused
//! by the strict loaders (the seed's `NoLeafCertificateError`), served by
//! `openssl s_server` all the same, and then trusted by a wiretls client as
//! its root. What each engine answers there differs (docs/engines.md).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use wiretls_core::{ClientTls, ConnectionInfo, Engine, Error, TrustStore};

use crate::peers::{free_port, Process, Tcp};

/// The name the test certificates carry (in subjectAltName).
pub const NAME: &str = "selfsigned.wiretls.test";

/// A self-signed certificate and its key, made by `openssl req -x509` in a
/// fresh temporary directory.
#[derive(Debug)]
pub struct SelfSigned {
    /// The certificate's PEM file.
    pub cert: PathBuf,
    /// The key's PEM file.
    pub key: PathBuf,
}

impl SelfSigned {
    /// `openssl req -x509` with its defaults (`ca: true`: OpenSSL 3 makes a
    /// CA), or with `-addext basicConstraints=critical,CA:FALSE -addext
    /// extendedKeyUsage=serverAuth` (what the loader's error message
    /// advises). Either way with a subjectAltName for
    /// [`NAME`].
    ///
    /// # Panics
    /// When `openssl` is missing or fails.
    pub fn make(ca: bool) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wiretls-ca-leaf-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let san = format!("subjectAltName=DNS:{NAME}");
        let mut args = vec![
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=selfsigned",
            "-addext",
            &san,
        ];
        if !ca {
            args.extend([
                "-addext",
                "basicConstraints=critical,CA:FALSE",
                "-addext",
                "extendedKeyUsage=serverAuth",
            ]);
        }
        let (cert_arg, key_arg) = (cert.display().to_string(), key.display().to_string());
        args.extend(["-keyout", &key_arg, "-out", &cert_arg]);
        let out = std::process::Command::new("openssl")
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run openssl (is it installed?): {e}"));
        assert!(out.status.success(), "openssl req failed: {}", String::from_utf8_lossy(&out.stderr));
        Self { cert, key }
    }

    /// The certificate and the key in one PEM file's bytes (what
    /// `CertificateChain::from_pem` reads).
    ///
    /// # Panics
    /// When the files cannot be read.
    pub fn chain_pem(&self) -> Vec<u8> {
        let mut pem = std::fs::read(&self.cert).expect("certificate file");
        pem.extend(std::fs::read(&self.key).expect("key file"));
        pem
    }

    /// A client for [`NAME`] trusting this certificate as its only root.
    ///
    /// # Panics
    /// When the certificate does not load as a trust store.
    pub fn trusting_client(&self) -> ClientTls {
        let root = TrustStore::from_pem(&std::fs::read(&self.cert).expect("certificate file"))
            .expect("a self-signed certificate loads as a trust root");
        ClientTls::new(NAME).expect("name").with_trust_root(root)
    }
}

/// Our client, trusting `certificate` as its root, against `openssl
/// s_server` presenting the same certificate as its end-entity: what the
/// handshake came to (the negotiated info, or our first error), and the
/// server's output.
///
/// # Panics
/// When the server cannot be started or reached.
pub fn client_vs_s_server_presenting(
    engine: &dyn Engine,
    certificate: &SelfSigned,
) -> (Result<ConnectionInfo, Error>, String) {
    let port = free_port();
    let args: Vec<String> = [
        "s_server",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-naccept",
        "1",
        "-rev",
        "-cert",
        &certificate.cert.display().to_string(),
        "-key",
        &certificate.key.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let server = Process::spawn("openssl", &args);
    server.wait_for("ACCEPT");
    let mut tcp = Tcp::connect(engine, &certificate.trusting_client(), port);
    let done = tcp.pump_until(|t| !t.conn.is_handshaking());
    let result = match tcp.errors.first() {
        Some(e) => Err(e.clone()),
        None if done => Ok(tcp.conn.info().clone()),
        None => panic!(
            "the handshake neither completed nor failed (transport: {:?}): {}",
            tcp.transport_error,
            server.output()
        ),
    };
    if result.is_err() {
        // Give s_server a moment to log the alert it received.
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    (result, server.output())
}

/// The `CA:TRUE` certificate `openssl req -x509` makes, trusted as the root
/// and served by `openssl s_server` as the end-entity: `engine` refuses it
/// with the policy's `CaUsedAsEndEntity`, sends `unsupported_certificate`,
/// and its message says how to make a leaf.
///
/// # Panics
/// When the engine accepts it or reports something else.
pub fn assert_ca_end_entity_refused(engine: &dyn Engine) {
    use wiretls_core::{AlertDescription, CertificateProblem, Error};
    let ca = SelfSigned::make(true);
    let (result, server) = client_vs_s_server_presenting(engine, &ca);
    let e = result.expect_err("a CA as the end-entity is refused");
    assert!(
        matches!(
            &e,
            Error::PeerCertificate {
                problem: CertificateProblem::CaUsedAsEndEntity,
                alert_sent: Some(AlertDescription::UNSUPPORTED_CERTIFICATE),
                detail: Some(detail),
            } if detail.contains("CN=selfsigned")
        ),
        "{}: {e:?} {server}",
        engine.name()
    );
    let message = e.to_string();
    assert!(message.contains("basicConstraints=critical,CA:FALSE"), "{message}");
    assert!(server.contains("unsupported certificate"), "s_server saw no unsupported_certificate: {server}");
}
