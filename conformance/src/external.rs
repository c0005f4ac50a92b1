//! Scenarios against real peers (`openssl s_server`/`s_client`,
//! `gnutls-serv`/`gnutls-cli`), generic over the wiretls engine on our side.
//! Each asserts what both sides report: negotiated version, the chain
//! chosen by SNI, the client certificate seen, close_notify, and alerts.

use std::net::TcpListener;
use std::sync::Arc;

use wiretls_core::{
    AlertDescription as A, BadData, CertificateProblem, ClientAuth, ClientTls, Engine, Error,
    ProtocolVersion, ServerTls, SniServerCertificates,
};

use crate::fixtures;
use crate::peers::{free_port, Process, Tcp};
use crate::scenarios::client_auth::FixedStore;

/// The path of a fixture file.
fn path(name: &str) -> String {
    fixtures::dir().join(name).display().to_string()
}

fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn openssl_version_flag(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::Tls12 => "-tls1_2",
        ProtocolVersion::Tls13 => "-tls1_3",
    }
}

fn gnutls_priority(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::Tls12 => "NORMAL:-VERS-ALL:+VERS-TLS1.2",
        ProtocolVersion::Tls13 => "NORMAL:-VERS-ALL:+VERS-TLS1.3",
    }
}

fn client_for(name: &str, version: ProtocolVersion) -> ClientTls {
    fixtures::client_for(name).with_versions(&[version]).expect("versions")
}

/// `openssl s_server -rev` (answers each line reversed).
fn s_server(port: u16, extra: &[&str]) -> Process {
    let mut a = args(&["s_server", "-accept", &format!("127.0.0.1:{port}"), "-naccept", "1", "-rev"]);
    a.extend(args(extra));
    let server = Process::spawn("openssl", &a);
    // Listening (and on this port: a port another test took would fail the bind).
    server.wait_for("ACCEPT");
    server
}

fn s_server_p256(port: u16, extra: &[&str]) -> Process {
    let (crt, key, chain) = (path("server-p256.crt"), path("server-p256.key"), path("inter-ca.pem"));
    let mut a = vec!["-cert", crt.as_str(), "-key", key.as_str(), "-cert_chain", chain.as_str()];
    a.extend_from_slice(extra);
    s_server(port, &a)
}

/// `gnutls-serv --echo`.
fn gnutls_serv(port: u16, extra: &[&str]) -> Process {
    let mut a = args(&["-p", &port.to_string(), "--echo"]);
    a.extend(args(extra));
    Process::spawn("gnutls-serv", &a)
}

fn gnutls_serv_p256(port: u16, extra: &[&str]) -> Process {
    let (crt, key) = (path("server-p256.crt"), path("server-p256.key"));
    let mut a = vec!["--x509certfile", crt.as_str(), "--x509keyfile", key.as_str()];
    a.extend_from_slice(extra);
    gnutls_serv(port, &a)
}

/// Our client: handshake on `version`, a line each way, then our close_notify
/// answered by the peer's.
fn exchange_and_close(mut tcp: Tcp, version: ProtocolVersion, reply: &[u8]) {
    tcp.handshake();
    let info = tcp.conn.info();
    assert_eq!(info.version, Some(version));
    assert!(info.cipher_suite.is_some_and(|s| s.version() == version));
    tcp.send(b"ping\n");
    tcp.expect(reply);
    tcp.conn.application_finished().expect("finish");
    let closed = tcp.pump_until(|t| t.conn.is_peer_closed());
    assert!(closed, "the peer did not answer close_notify: {:?}", tcp.errors);
    assert!(tcp.errors.is_empty(), "{:?}", tcp.errors);
}

// ---- Our client against openssl s_server ---------------------------------------

/// TLS 1.2 and 1.3 against `openssl s_server`, data and close_notify.
pub fn client_vs_openssl_server(engine: &dyn Engine) {
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        let port = free_port();
        let server = s_server_p256(port, &[openssl_version_flag(version)]);
        let tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
        exchange_and_close(tcp, version, b"gnip\n");
        drop(server);
    }
}

/// `s_server` chooses between two chains by our SNI.
pub fn client_sni_vs_openssl_server(engine: &dyn Engine) {
    for (name, expected) in
        [("alpha.wiretls.test", "sni-alpha.pem"), (fixtures::SERVER_NAME, "server-p256.pem")]
    {
        let port = free_port();
        let (crt, key, crt2, key2, cas) = (
            path("server-p256.crt"),
            path("server-p256.key"),
            path("sni-alpha.crt"),
            path("sni-alpha.key"),
            path("root-and-inter-ca.pem"),
        );
        let _server = s_server(
            port,
            &[
                "-cert",
                &crt,
                "-key",
                &key,
                "-cert2",
                &crt2,
                "-key2",
                &key2,
                "-servername",
                "alpha.wiretls.test",
                "-build_chain",
                "-CAfile",
                &cas,
            ],
        );
        let mut tcp = Tcp::connect(engine, &fixtures::client_for(name), port);
        tcp.handshake();
        let leaf = tcp.conn.peer_certificates().first().cloned().expect("a peer chain");
        assert_eq!(&leaf, fixtures::chain(expected).leaf(), "{name}");
    }
}

/// A required client certificate: sent from our store and seen by
/// `s_server`; without one, `s_server` refuses with `certificate_required`.
pub fn client_cert_vs_openssl_server(engine: &dyn Engine) {
    let version = ProtocolVersion::Tls13;
    let cas = path("client-root-ca.pem");
    let flags = ["-Verify", "1", "-verify_return_error", "-CAfile", cas.as_str(), "-tls1_3"];
    let port = free_port();
    let server = s_server_p256(port, &flags);
    let store = Arc::new(FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let tls = client_for(fixtures::SERVER_NAME, version).with_client_certificate_store(store);
    exchange_and_close(Tcp::connect(engine, &tls, port), version, b"gnip\n");
    server.wait_for("wiretls client one");
    drop(server);

    let port = free_port();
    let _server = s_server_p256(port, &flags);
    let mut tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
    tcp.send(b"ping\n");
    tcp.pump_until(|_| false);
    assert!(
        matches!(tcp.errors.first(), Some(Error::AlertReceived { description: A::CERTIFICATE_REQUIRED, .. })),
        "{:?}",
        tcp.errors
    );
}

/// We refuse an untrusted `s_server`; it reports our `unknown_ca`.
pub fn client_rejects_openssl_server(engine: &dyn Engine) {
    let port = free_port();
    let (crt, key) = (path("server-untrusted.crt"), path("server-untrusted.key"));
    let server = s_server(port, &["-cert", &crt, "-key", &key]);
    let mut tcp = Tcp::connect(engine, &fixtures::client(), port);
    tcp.pump_until(|_| false);
    assert!(
        matches!(
            tcp.errors.first(),
            Some(Error::PeerCertificate {
                problem: CertificateProblem::UnknownIssuer,
                alert_sent: Some(A::UNKNOWN_CA),
                ..
            })
        ),
        "{:?}",
        tcp.errors
    );
    server.wait_for("alert number 48");
}

// ---- Our server against openssl s_client ---------------------------------------

fn s_client(port: u16, name: &str, extra: &[&str]) -> Process {
    let mut a = args(&[
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-servername",
        name,
        "-verify_hostname",
        name,
        "-CAfile",
        &path("root-ca.pem"),
        "-verify_return_error",
        "-brief",
    ]);
    a.extend(args(extra));
    Process::spawn("openssl", &a)
}

/// Our server: a line each way with a client process, then the client's
/// close_notify (its stdin ends), which we answer.
fn serve_line_then_peer_close(mut tcp: Tcp, mut client: Process) {
    tcp.handshake();
    client.send(b"hello\n");
    tcp.expect(b"hello\n");
    tcp.send(b"world\n");
    client.wait_for("world");
    client.close_stdin();
    let closed = tcp.pump_until(|t| t.conn.is_peer_closed());
    assert!(closed, "no close_notify from the client: {:?}\n{}", tcp.errors, client.output());
    assert!(tcp.errors.is_empty(), "{:?}", tcp.errors);
    assert!(client.wait_exit().is_some(), "the client did not exit");
}

/// The versions `engine` negotiates as a server, oldest first (native-tls's
/// server has no TLS 1.3: its refusal is checked by the TLS 1.3-only tests,
/// whose server is [`tls13_server`]).
fn server_versions(engine: &dyn Engine) -> Vec<ProtocolVersion> {
    engine.capabilities().server_versions.to_vec()
}

/// The fixture server with TLS 1.3 alone: an engine without TLS 1.3 as a
/// server refuses it with its declared `Unsupported`.
fn tls13_server() -> ServerTls {
    fixtures::p256_server().with_versions(&[ProtocolVersion::Tls13]).expect("versions")
}

/// TLS 1.2 and 1.3 with `openssl s_client`; the client closes.
pub fn server_vs_openssl_client(engine: &dyn Engine) {
    for version in server_versions(engine) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = s_client(port, fixtures::SERVER_NAME, &[openssl_version_flag(version)]);
        let mut tcp = Tcp::accept(engine, &fixtures::p256_server(), &listener);
        tcp.handshake();
        client.wait_for("Verification: OK");
        client.wait_for(match version {
            ProtocolVersion::Tls12 => "Protocol version: TLSv1.2",
            ProtocolVersion::Tls13 => "Protocol version: TLSv1.3",
        });
        serve_line_then_peer_close(tcp, client);
    }
}

/// Our server closes first; `s_client` sees the close_notify and ends.
pub fn server_closes_to_openssl_client(engine: &dyn Engine) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut client = s_client(port, fixtures::SERVER_NAME, &[]);
    let mut tcp = Tcp::accept(engine, &fixtures::p256_server(), &listener);
    tcp.handshake();
    tcp.send(b"bye\n");
    tcp.conn.application_finished().expect("finish");
    tcp.pump_until(|t| t.conn.is_peer_closed() || t.eof);
    client.wait_for("bye");
    assert!(client.wait_exit().is_some(), "s_client did not end:\n{}", client.output());
    assert!(tcp.errors.is_empty(), "{:?}", tcp.errors);
}

fn sni_server() -> ServerTls {
    let mut certs = fixtures::certificates("sni-alpha.pem");
    certs.extend(fixtures::certificates("sni-beta-wildcard.pem"));
    let store =
        SniServerCertificates::new(certs, fixtures::certificates("server-p256.pem")).expect("SNI store");
    ServerTls::new(Arc::new(store))
}

/// Our SNI store picks the chain `s_client` asked for.
pub fn server_sni_vs_openssl_client(engine: &dyn Engine) {
    for name in ["alpha.wiretls.test", fixtures::SERVER_NAME] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = s_client(port, name, &[]);
        let mut tcp = Tcp::accept(engine, &sni_server(), &listener);
        tcp.handshake();
        client.wait_for("Verification: OK");
        assert_eq!(tcp.conn.info().server_name.as_deref(), Some(name));
    }
}

/// We require a client certificate: `s_client` sends one, or gets
/// `certificate_required`.
pub fn server_requires_cert_vs_openssl_client(engine: &dyn Engine) {
    let server = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (crt, key) = (path("client1.crt"), path("client1.key"));
    let client = s_client(port, fixtures::SERVER_NAME, &["-cert", &crt, "-key", &key]);
    let tcp = Tcp::accept(engine, &server, &listener);
    let mut tcp = tcp;
    tcp.handshake();
    let leaf = tcp.conn.peer_certificates().first().cloned().expect("a client certificate");
    assert_eq!(&leaf, fixtures::chain("client1.pem").leaf());
    serve_line_then_peer_close(tcp, client);

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut client = s_client(port, fixtures::SERVER_NAME, &["-tls1_3"]);
    let mut tcp = Tcp::accept(engine, &server, &listener);
    client.send(b"hello\n");
    tcp.pump_until(|_| false);
    assert!(
        matches!(
            tcp.errors.first(),
            Some(Error::BadTlsData {
                kind: BadData::MissingCertificate,
                alert_sent: Some(A::CERTIFICATE_REQUIRED)
            })
        ),
        "{:?}",
        tcp.errors
    );
    client.wait_for("alert number 116");
}

/// `s_client` refuses our untrusted chain; we report its `unknown_ca`. In
/// TLS 1.3, OpenSSL's client sends that alert before it switched to its
/// handshake keys, i.e. unencrypted: a server that reads only encrypted
/// records then (BoringSSL, GnuTLS) sees a record that fails to decrypt,
/// which is what it may report instead. In TLS 1.2 the alert must be
/// reported as such by every engine.
pub fn server_rejected_by_openssl_client(engine: &dyn Engine) {
    let server = ServerTls::new(Arc::new(wiretls_core::ServerCertificateChain::from(fixtures::chain(
        "server-untrusted.pem",
    ))));
    for version in server_versions(engine) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let _client = s_client(port, fixtures::SERVER_NAME, &[openssl_version_flag(version)]);
        let mut tcp = Tcp::accept(engine, &server, &listener);
        tcp.pump_until(|_| false);
        let reported =
            matches!(tcp.errors.first(), Some(Error::AlertReceived { description: A::UNKNOWN_CA, .. }));
        let unreadable = version == ProtocolVersion::Tls13
            && matches!(tcp.errors.first(), Some(Error::BadTlsData { kind: BadData::Decrypt, .. }));
        assert!(reported || unreadable, "{version}: {:?}", tcp.errors);
    }
}

// ---- GnuTLS ------------------------------------------------------------------

/// TLS 1.2 and 1.3 against `gnutls-serv`, data and close_notify.
pub fn client_vs_gnutls_server(engine: &dyn Engine) {
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        let port = free_port();
        let server = gnutls_serv_p256(port, &["--priority", gnutls_priority(version)]);
        let tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
        exchange_and_close(tcp, version, b"ping\n");
        drop(server);
    }
}

/// `gnutls-serv` chooses between two chains by our SNI.
pub fn client_sni_vs_gnutls_server(engine: &dyn Engine) {
    for (name, expected) in
        [("alpha.wiretls.test", "sni-alpha.pem"), (fixtures::SERVER_NAME, "server-p256.pem")]
    {
        let port = free_port();
        let (crt, key, crt2, key2) =
            (path("server-p256.crt"), path("server-p256.key"), path("sni-alpha.crt"), path("sni-alpha.key"));
        let _server = gnutls_serv(
            port,
            &["--x509certfile", &crt, "--x509keyfile", &key, "--x509certfile", &crt2, "--x509keyfile", &key2],
        );
        let mut tcp = Tcp::connect(engine, &fixtures::client_for(name), port);
        tcp.handshake();
        let leaf = tcp.conn.peer_certificates().first().cloned().expect("a peer chain");
        assert_eq!(&leaf, fixtures::chain(expected).leaf(), "{name}");
    }
}

/// A required client certificate with `gnutls-serv`.
pub fn client_cert_vs_gnutls_server(engine: &dyn Engine) {
    let version = ProtocolVersion::Tls13;
    let cas = path("client-root-ca.pem");
    let flags = ["--require-client-cert", "--verify-client-cert", "--x509cafile", cas.as_str()];
    let port = free_port();
    let server = gnutls_serv_p256(port, &flags);
    let store = Arc::new(FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let tls = client_for(fixtures::SERVER_NAME, version).with_client_certificate_store(store);
    exchange_and_close(Tcp::connect(engine, &tls, port), version, b"ping\n");
    drop(server);

    let port = free_port();
    let _server = gnutls_serv_p256(port, &flags);
    let mut tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
    tcp.send(b"ping\n");
    tcp.pump_until(|_| false);
    assert!(matches!(tcp.errors.first(), Some(Error::AlertReceived { .. })), "{:?}", tcp.errors);
}

/// We refuse an untrusted `gnutls-serv`; it reports the fatal alert. (TLS
/// 1.2: in TLS 1.3, GnuTLS 3.7 cannot decrypt the alert OpenSSL's client
/// sends after the server's Certificate, and reports a decryption failure
/// instead, with `openssl s_client` as much as with wiretls's OpenSSL engine.)
pub fn client_rejects_gnutls_server(engine: &dyn Engine) {
    let port = free_port();
    let (crt, key) = (path("server-untrusted.crt"), path("server-untrusted.key"));
    let server = gnutls_serv(port, &["--x509certfile", &crt, "--x509keyfile", &key]);
    let client = fixtures::client().with_versions(&[ProtocolVersion::Tls12]).expect("versions");
    let mut tcp = Tcp::connect(engine, &client, port);
    tcp.pump_until(|_| false);
    assert!(
        matches!(tcp.errors.first(), Some(Error::PeerCertificate { alert_sent: Some(A::UNKNOWN_CA), .. })),
        "{:?}",
        tcp.errors
    );
    server.wait_for("A TLS fatal alert has been received");
}

fn gnutls_cli(port: u16, name: &str, extra: &[&str]) -> Process {
    let mut a = args(&[
        "-p",
        &port.to_string(),
        "127.0.0.1",
        "--sni-hostname",
        name,
        "--verify-hostname",
        name,
        "--x509cafile",
        &path("root-ca.pem"),
    ]);
    a.extend(args(extra));
    Process::spawn("gnutls-cli", &a)
}

/// TLS 1.2 and 1.3 with `gnutls-cli`; the client closes.
pub fn server_vs_gnutls_client(engine: &dyn Engine) {
    for version in server_versions(engine) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = gnutls_cli(port, fixtures::SERVER_NAME, &["--priority", gnutls_priority(version)]);
        let mut tcp = Tcp::accept(engine, &fixtures::p256_server(), &listener);
        tcp.handshake();
        client.wait_for("Handshake was completed");
        client.wait_for(match version {
            ProtocolVersion::Tls12 => "(TLS1.2-",
            ProtocolVersion::Tls13 => "(TLS1.3-",
        });
        serve_line_then_peer_close(tcp, client);
    }
}

/// Our SNI store picks the chain `gnutls-cli` asked for.
pub fn server_sni_vs_gnutls_client(engine: &dyn Engine) {
    for name in ["alpha.wiretls.test", fixtures::SERVER_NAME] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = gnutls_cli(port, name, &[]);
        let mut tcp = Tcp::accept(engine, &sni_server(), &listener);
        tcp.handshake();
        client.wait_for("The certificate is trusted");
        assert_eq!(tcp.conn.info().server_name.as_deref(), Some(name));
    }
}

/// We require a client certificate from `gnutls-cli`.
pub fn server_requires_cert_vs_gnutls_client(engine: &dyn Engine) {
    let server = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (crt, key) = (path("client1.crt"), path("client1.key"));
    let client = gnutls_cli(port, fixtures::SERVER_NAME, &["--x509certfile", &crt, "--x509keyfile", &key]);
    let mut tcp = Tcp::accept(engine, &server, &listener);
    tcp.handshake();
    let leaf = tcp.conn.peer_certificates().first().cloned().expect("a client certificate");
    assert_eq!(&leaf, fixtures::chain("client1.pem").leaf());
    serve_line_then_peer_close(tcp, client);
}

/// `gnutls-cli` refuses our untrusted chain; we report its fatal alert.
pub fn server_rejected_by_gnutls_client(engine: &dyn Engine) {
    let server = ServerTls::new(Arc::new(wiretls_core::ServerCertificateChain::from(fixtures::chain(
        "server-untrusted.pem",
    ))));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let client = gnutls_cli(port, fixtures::SERVER_NAME, &[]);
    let mut tcp = Tcp::accept(engine, &server, &listener);
    tcp.pump_until(|_| false);
    client.wait_for("verification of server certificate failed");
    assert!(
        matches!(
            tcp.errors.first(),
            Some(Error::AlertReceived { .. }) | Some(Error::BadTlsData { kind: BadData::Truncated, .. })
        ),
        "{:?}",
        tcp.errors
    );
}

// ---- Renegotiation (TLS 1.2) ----------------------------------------------------

/// How many `message`s (`ClientHello`, `ServerHello`) a `-msg` trace shows
/// arriving from our side.
fn hellos_from_us(trace: &str, message: &str) -> usize {
    trace.lines().filter(|l| l.starts_with("<<<") && l.contains(message)).count()
}

/// Whether a `-msg` trace shows the alert `name` (e.g. `no_renegotiation`,
/// with `-msg`'s spelling) arriving, as a warning or as fatal.
fn trace_has_alert(trace: &str, level: &str, name: &str) -> bool {
    let alert = format!("{level} {name}");
    trace.lines().any(|l| l.starts_with("<<<") && l.contains("Alert") && l.contains(&alert))
}

/// What our side did with a renegotiation request: refused it, with a
/// `no_renegotiation` warning (after which OpenSSL, which asked, ends the
/// connection with a fatal `handshake_failure`), or with a fatal alert of
/// its own; never a second handshake.
#[track_caller]
fn assert_renegotiation_refused(tcp: &Tcp, peer: &Process, message: &str, hellos_before: usize) {
    // The peer's trace is piped, so it may lag behind what it did: wait for
    // the refusal to show in it before reading it.
    match tcp.errors.first() {
        // Refused with the warning: the peer that asked gave up on the connection.
        Some(Error::AlertReceived {
            description: A::HANDSHAKE_FAILURE,
            level: wiretls_core::AlertLevel::Fatal,
        }) => peer.wait_for("warning no_renegotiation"),
        // Refused with a fatal alert of our own, which the peer read.
        Some(e @ Error::BadTlsData { alert_sent: Some(alert), .. }) => {
            peer.wait_for(&format!("fatal {}", alert.name().unwrap_or("unknown")));
            let trace = peer.output();
            assert!(
                !trace_has_alert(&trace, "warning", "no_renegotiation"),
                "{e:?} after a no_renegotiation warning:\n{trace}"
            );
        }
        other => panic!("renegotiation not refused as expected: {other:?}\n{}", peer.output()),
    }
    let trace = peer.output();
    assert_eq!(
        hellos_from_us(&trace, message),
        hellos_before,
        "a second {message} from our side (it renegotiated):\n{trace}"
    );
    assert!(tcp.conn.invalidated_by().is_some(), "the connection goes on as if renegotiated");
}

/// `openssl s_server` with the P-256 chain, one version, a `-msg` trace and
/// its stdin commands (`r` renegotiates, `K` asks for a KeyUpdate), listening.
fn s_server_taking_commands(port: u16, version_flag: &str) -> Process {
    let (crt, key, chain) = (path("server-p256.crt"), path("server-p256.key"), path("inter-ca.pem"));
    let server = Process::spawn(
        "openssl",
        &args(&[
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-naccept",
            "1",
            "-cert",
            &crt,
            "-key",
            &key,
            "-cert_chain",
            &chain,
            version_flag,
            "-msg",
        ]),
    );
    server.wait_for("ACCEPT");
    server
}

/// A TLS 1.2 `HelloRequest` from `openssl s_server` (its `r` command) to our
/// established client: refused, no second handshake.
pub fn client_refuses_openssl_server_renegotiation(engine: &dyn Engine) {
    let version = ProtocolVersion::Tls12;
    let port = free_port();
    let mut server = s_server_taking_commands(port, "-tls1_2");
    let mut tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
    tcp.handshake();
    tcp.send(b"before\n");
    server.wait_for("before");
    let hellos = hellos_from_us(&server.output(), "ClientHello");
    server.send(b"r\n");
    tcp.pump_until(|t| t.eof);
    assert_renegotiation_refused(&tcp, &server, "ClientHello", hellos);
}

/// A TLS 1.2 renegotiating `ClientHello` from `openssl s_client` (its `R`
/// command) to our established server: refused, no second handshake.
pub fn server_refuses_openssl_client_renegotiation(engine: &dyn Engine) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut client = Process::spawn(
        "openssl",
        &args(&[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            fixtures::SERVER_NAME,
            "-tls1_2",
            "-msg",
        ]),
    );
    let mut tcp = Tcp::accept(engine, &fixtures::p256_server(), &listener);
    tcp.handshake();
    client.send(b"before\n");
    tcp.expect(b"before\n");
    // The peer's piped trace may lag: count only once it shows our first ServerHello.
    client.wait_for("ServerHello");
    let hellos = hellos_from_us(&client.output(), "ServerHello");
    client.send(b"R\n");
    tcp.pump_until(|t| t.eof || !t.errors.is_empty());
    // Let the peer's answer to our refusal arrive.
    tcp.pump_until(|t| t.eof);
    assert_renegotiation_refused(&tcp, &client, "ServerHello", hellos);
}

/// A `-msg` trace line of a KeyUpdate arriving at the tool.
const KEY_UPDATE_RECEIVED: &str = "<<< TLS 1.3, Handshake [length 0005], KeyUpdate";

/// Whether our side's KeyUpdate reached the tool, waiting while it may come.
fn key_update_reached(tcp: &mut Tcp, peer: &Process) -> bool {
    tcp.pump_until(|t| t.eof || !t.errors.is_empty() || peer.output().contains(KEY_UPDATE_RECEIVED))
        && peer.output().contains(KEY_UPDATE_RECEIVED)
}

/// `openssl s_client` asks our established TLS 1.3 server for a KeyUpdate
/// (its `K` command: `update_requested`): our answer goes out while we only
/// read, without waiting for the application to write (RFC 8446 4.6.3: the
/// receiver MUST send its own KeyUpdate before its next application data;
/// a peer waiting for it must not wait on our application). Then data
/// flows both ways under the new keys.
pub fn server_answers_openssl_client_key_update(engine: &dyn Engine) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut client = s_client(port, fixtures::SERVER_NAME, &["-tls1_3", "-msg"]);
    let mut tcp = Tcp::accept(engine, &tls13_server(), &listener);
    tcp.handshake();
    client.send(b"before\n");
    tcp.expect(b"before\n");
    client.send(b"K\n");
    client.wait_for(">>> TLS 1.3, Handshake [length 0005], KeyUpdate");
    assert!(
        key_update_reached(&mut tcp, &client),
        "no KeyUpdate from our side while it only read: errors {:?}\n{}",
        tcp.errors,
        client.output()
    );
    tcp.send(b"after\n");
    client.wait_for("after");
    client.send(b"again\n");
    tcp.expect(b"again\n");
    assert!(tcp.errors.is_empty(), "{:?}", tcp.errors);
}

/// Our TLS 1.3 server's NewSessionTicket reaches `openssl s_client` after
/// the handshake while our side only reads: tickets must not wait for the
/// application's first write (a client that resumes at once, or reads
/// before it writes, would have none).
pub fn server_tickets_go_out_without_a_write(engine: &dyn Engine) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let client = s_client(port, fixtures::SERVER_NAME, &["-tls1_3", "-msg"]);
    let mut tcp = Tcp::accept(engine, &tls13_server(), &listener);
    tcp.handshake();
    let ticket = "<<< TLS 1.3, Handshake";
    let arrived = tcp.pump_until(|t| {
        t.eof
            || !t.errors.is_empty()
            || client.output().lines().any(|l| l.starts_with(ticket) && l.contains("NewSessionTicket"))
    });
    assert!(
        arrived && tcp.errors.is_empty() && !tcp.eof,
        "no NewSessionTicket while our server only read: errors {:?}\n{}",
        tcp.errors,
        client.output()
    );
}

/// `openssl s_server` asks our established TLS 1.3 client for a KeyUpdate
/// (its `K` command): answered while our client only reads.
pub fn client_answers_openssl_server_key_update(engine: &dyn Engine) {
    let version = ProtocolVersion::Tls13;
    let port = free_port();
    let mut server = s_server_taking_commands(port, "-tls1_3");
    let mut tcp = Tcp::connect(engine, &client_for(fixtures::SERVER_NAME, version), port);
    tcp.handshake();
    tcp.send(b"before\n");
    server.wait_for("before");
    server.send(b"K\n");
    server.wait_for(">>> TLS 1.3, Handshake [length 0005], KeyUpdate");
    assert!(
        key_update_reached(&mut tcp, &server),
        "no KeyUpdate from our side while it only read: errors {:?}\n{}",
        tcp.errors,
        server.output()
    );
    tcp.send(b"after\n");
    server.wait_for("after");
    assert!(tcp.errors.is_empty(), "{:?}", tcp.errors);
}

/// Every external-peer scenario as a test, for one engine.
#[macro_export]
macro_rules! external_peer_tests {
    ($engine:expr) => {
        $crate::__external_peer_tests!($engine;
            client_vs_openssl_server, client_sni_vs_openssl_server, client_cert_vs_openssl_server,
            client_rejects_openssl_server, server_vs_openssl_client, server_closes_to_openssl_client,
            server_sni_vs_openssl_client, server_requires_cert_vs_openssl_client, server_rejected_by_openssl_client,
            client_vs_gnutls_server, client_sni_vs_gnutls_server, client_cert_vs_gnutls_server,
            client_rejects_gnutls_server, server_vs_gnutls_client, server_sni_vs_gnutls_client,
            server_requires_cert_vs_gnutls_client, server_rejected_by_gnutls_client,
            client_refuses_openssl_server_renegotiation, server_refuses_openssl_client_renegotiation,
            server_answers_openssl_client_key_update, client_answers_openssl_server_key_update,
            server_tickets_go_out_without_a_write);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __external_peer_tests {
    ($engine:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::unsupported::run(stringify!($name), || $crate::external::$name(&$engine));
            }
        )*
    };
}
