//! `wiretls::blocking::TlsStream` over real sockets on 127.0.0.1, for every
//! engine compiled into the facade: handshake, data both ways, clean close
//! both ways, truncation, a failed verification, a store answering later.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use wiretls::blocking::{shutdown_tcp, TlsStream};
use wiretls::{
    AlertDescription, BadData, CertificateChain, CertificateChainCallback, CertificateProblem, ClientTls,
    Engine, Error, ProtocolVersion, ServerCertificates, ServerTls, TrustStore,
};

const SERVER_NAME: &str = "server.wiretls.test";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn server_tls() -> ServerTls {
    ServerTls::from_chain(CertificateChain::from_pem(&fixture("server-p256.pem")).expect("chain"))
}

fn client_tls(root: &str) -> ClientTls {
    ClientTls::new(SERVER_NAME)
        .expect("name")
        .with_trust_root(TrustStore::from_pem(&fixture(root)).expect("root"))
}

/// A socket that fails instead of hanging when a test goes wrong.
fn patient(socket: TcpStream) -> TcpStream {
    socket.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
    socket.set_write_timeout(Some(Duration::from_secs(10))).expect("write timeout");
    socket
}

/// Run `serve` on an accepted connection in a thread; return the port.
fn serve<T: Send + 'static>(
    engine: &Arc<dyn Engine>,
    tls: ServerTls,
    serve: impl FnOnce(TlsStream<TcpStream>) -> T + Send + 'static,
) -> (u16, JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let engine = Arc::clone(engine);
    let handle = std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        let stream =
            TlsStream::server(&tls, &engine, patient(socket)).expect("server").with_wire_close(shutdown_tcp);
        serve(stream)
    });
    (port, handle)
}

fn connect(engine: &Arc<dyn Engine>, tls: &ClientTls, port: u16) -> TlsStream<TcpStream> {
    let socket = patient(TcpStream::connect(("127.0.0.1", port)).expect("connect"));
    TlsStream::client(tls, &**engine, socket).expect("client").with_wire_close(shutdown_tcp)
}

fn engines() -> Vec<Arc<dyn Engine>> {
    let engines: Vec<Arc<dyn Engine>> = wiretls::engines().into_iter().map(Arc::from).collect();
    assert!(!engines.is_empty());
    engines
}

fn typed(e: &io::Error) -> &Error {
    Error::from_io(e).unwrap_or_else(|| panic!("no wiretls error inside {e:?}"))
}

#[test]
fn handshake_data_and_clean_close_on_every_version() {
    for engine in engines() {
        for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
            let server = server_tls()
                .with_versions(&[version])
                .expect("versions")
                .with_alpn_protocols(&[b"h2"])
                .expect("ALPN names");
            let (port, handle) = serve(&engine, server, |mut tls| {
                let mut request = [0u8; 5];
                tls.read_exact(&mut request).expect("the request");
                let info = tls.info().clone();
                tls.write_all(b"pong ").expect("reply");
                tls.write_all(&request).expect("reply");
                let mut rest = Vec::new();
                tls.read_to_end(&mut rest).expect("to the client's close_notify");
                assert!(rest.is_empty());
                assert!(tls.connection().is_peer_closed());
                // The connection answered the client's close_notify with its own and asked to close.
                assert_eq!(tls.connection().close_requested(), Some(false));
                tls.close().expect("closing again does nothing");
                (info, request)
            });
            let client = client_tls("root-ca.pem")
                .with_alpn_protocols(&[&b"h2"[..], b"http/1.1"])
                .expect("ALPN names");
            let mut tls = connect(&engine, &client, port);
            tls.handshake().expect("handshake");
            let info = tls.info().clone();
            let name = engine.name();
            assert_eq!(info.version, Some(version), "{name}");
            assert!(info.cipher_suite.is_some_and(|s| s.version() == version), "{name}: {info:?}");
            assert_eq!(info.alpn_protocol.as_deref(), Some(&b"h2"[..]), "{name}");
            assert_eq!(info.server_name.as_deref(), Some(SERVER_NAME), "{name}");
            tls.write_all(b"ping!").expect("request");
            let mut reply = [0u8; 10];
            tls.read_exact(&mut reply).expect("reply");
            assert_eq!(&reply, b"pong ping!", "{name}");
            tls.close().expect("close_notify");
            let mut rest = Vec::new();
            tls.read_to_end(&mut rest).expect("to the server's close_notify");
            assert!(rest.is_empty() && tls.connection().is_peer_closed(), "{name}");
            assert_eq!(tls.connection().close_requested(), Some(false), "{name}");
            assert_eq!(tls.read(&mut [0u8; 8]).expect("EOF stays EOF"), 0);
            let write = tls.write(b"late").expect_err("no data after close");
            assert!(matches!(typed(&write), Error::Invalidated { .. }), "{name}: {write:?}");
            let (server_info, request) = handle.join().expect("server thread");
            assert_eq!(&request, b"ping!");
            assert_eq!(server_info.version, info.version, "{name}");
            assert_eq!(server_info.cipher_suite, info.cipher_suite, "{name}");
            assert_eq!(server_info.alpn_protocol.as_deref(), Some(&b"h2"[..]), "{name}");
        }
    }
}

#[test]
fn a_megabyte_each_way_and_writes_before_the_handshake() {
    const SIZE: usize = 1 << 20;
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    for engine in engines() {
        let (port, handle) = serve(&engine, server_tls(), |mut tls| {
            let mut received = vec![0u8; SIZE];
            tls.read_exact(&mut received).expect("everything");
            tls.write_all(&received).expect("all of it back");
            let mut rest = Vec::new();
            tls.read_to_end(&mut rest).expect("to the client's close_notify");
            received.len() + rest.len()
        });
        let mut tls = connect(&engine, &client_tls("root-ca.pem"), port);
        // No explicit handshake: the first write runs it.
        tls.write_all(&data).expect("send");
        let mut back = vec![0u8; SIZE];
        tls.read_exact(&mut back).expect("receive");
        tls.close().expect("close");
        assert_eq!(tls.read(&mut [0u8; 1]).expect("the server's close_notify"), 0);
        assert_eq!(handle.join().expect("server thread"), SIZE, "{}", engine.name());
        assert!(back == data, "{}: the bytes that came back differ", engine.name());
    }
}

#[test]
fn a_transport_that_ends_without_close_notify_is_unexpected_eof() {
    for engine in engines() {
        let (port, handle) = serve(&engine, server_tls(), |mut tls| {
            tls.write_all(b"partial").expect("send");
            // Close the socket without close_notify.
            let (_conn, socket, _) = tls.into_parts();
            socket.shutdown(std::net::Shutdown::Both).expect("shutdown");
        });
        let mut tls = connect(&engine, &client_tls("root-ca.pem"), port);
        let mut got = [0u8; 7];
        tls.read_exact(&mut got).expect("the data before the end");
        assert_eq!(&got, b"partial");
        let e = tls.read(&mut [0u8; 16]).expect_err("truncated");
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{}: {e:?}", engine.name());
        assert!(matches!(typed(&e), Error::BadTlsData { kind: BadData::Truncated, .. }), "{e:?}");
        // The typed error also comes out by value.
        let inner = e.into_inner().expect("a source").downcast::<Error>().expect("a wiretls error");
        assert!(matches!(*inner, Error::BadTlsData { kind: BadData::Truncated, .. }));
        assert_eq!(tls.connection().close_requested(), Some(true), "{}", engine.name());
        handle.join().expect("server thread");
    }
}

#[test]
fn a_failed_verification_reaches_both_sides() {
    for engine in engines() {
        let (port, handle) = serve(&engine, server_tls(), |mut tls| tls.handshake().expect_err("refused"));
        // The client trusts another root.
        let mut tls = connect(&engine, &client_tls("other-root-ca.pem"), port);
        let e = tls.handshake().expect_err("unknown issuer");
        let name = engine.name();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{name}");
        assert!(
            matches!(
                typed(&e),
                Error::PeerCertificate {
                    problem: CertificateProblem::UnknownIssuer,
                    alert_sent: Some(AlertDescription::UNKNOWN_CA),
                    ..
                }
            ),
            "{name}: {e:?}"
        );
        assert!(e.to_string().contains("unknown CA"), "{name}: {e}");
        // Later calls say the connection has ended, with the first error inside.
        let again = tls.write(b"x").expect_err("invalidated");
        assert!(matches!(typed(&again), Error::Invalidated { .. }), "{name}: {again:?}");
        // The alert left: the server sees it.
        let server = handle.join().expect("server thread");
        assert!(
            matches!(typed(&server), Error::AlertReceived { description: AlertDescription::UNKNOWN_CA, .. }),
            "{name}: {server:?}"
        );
        assert_eq!(server.kind(), io::ErrorKind::ConnectionAborted);
    }
}

/// A `ServerCertificates` that answers from another thread, later.
struct Later(CertificateChain);

impl ServerCertificates for Later {
    fn certificate_chain_for_server_name(&self, _: Option<&str>, callback: CertificateChainCallback) {
        let chain = self.0.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            callback.answer(Some(chain)).expect("answer");
        });
    }
}

#[test]
fn a_store_answering_later_from_another_thread_is_waited_for() {
    let chain = CertificateChain::from_pem(&fixture("server-p256.pem")).expect("chain");
    for engine in engines() {
        if !engine.capabilities().later_server_certificate_answer {
            continue;
        }
        let server = ServerTls::new(Arc::new(Later(chain.clone())));
        let (port, handle) = serve(&engine, server, |mut tls| {
            let mut got = [0u8; 4];
            tls.read_exact(&mut got).expect("data after the store answered");
            tls.write_all(&got).expect("echo");
            tls.close().expect("close");
        });
        let mut tls = connect(&engine, &client_tls("root-ca.pem"), port);
        tls.write_all(b"late").expect("send");
        let mut got = [0u8; 4];
        tls.read_exact(&mut got).expect("echo");
        assert_eq!(&got, b"late", "{}", engine.name());
        handle.join().expect("server thread");
    }
}
