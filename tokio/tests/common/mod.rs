//! The scenarios of wiretls-tokio, written once and run for every engine
//! pair that can share a process (`tokio_tests!`); included by the BoringSSL
//! test package too (`#[path]`), so it uses only wiretls-core and
//! wiretls-tokio.
#![allow(dead_code, unreachable_pub)]

pub mod soak;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiretls_core::{
    BadData, CertificateChain, ClientTls, Engine, Error, ProtocolVersion, ServerTls, TrustStore,
};
use wiretls_tokio::{
    AsyncClientCertificateStore, AsyncServerCertificates, AsyncStore, TlsAcceptor, TlsConnector, TlsStream,
};

/// The name on the test server's certificate.
pub const SERVER_NAME: &str = "server.wiretls.test";

/// A fixture file of the conformance suite.
pub fn fixture(name: &str) -> Vec<u8> {
    let path =
        format!("{}/../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR").trim_end_matches("/boring"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The server's P-256 chain.
pub fn chain() -> CertificateChain {
    CertificateChain::from_pem(&fixture("server-p256.pem")).expect("the server chain")
}

/// A client trusting the test root, for the test server's name.
pub fn client_tls() -> ClientTls {
    ClientTls::new(SERVER_NAME)
        .expect("name")
        .with_trust_root(TrustStore::from_pem(&fixture("root-ca.pem")).expect("root"))
}

/// A server with the P-256 chain.
pub fn server_tls() -> ServerTls {
    ServerTls::from_chain(chain())
}

/// A listener on 127.0.0.1 whose every connection is accepted with
/// `acceptor` and handed to `serve` in its own task. Returns the address.
pub async fn serve<F, Fut>(acceptor: TlsAcceptor, serve: F) -> SocketAddr
where
    F: Fn(io::Result<TlsStream<TcpStream>>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let serve = Arc::new(serve);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, serve) = (acceptor.clone(), Arc::clone(&serve));
            tokio::spawn(async move { serve(acceptor.accept(tcp).await).await });
        }
    });
    address
}

/// An echo server: sends back what it reads as it reads it, until the
/// client's close_notify (which the connection answers with its own: a
/// wiretls connection closes both ways at once, so the echo cannot wait
/// for the end).
pub async fn echo_server(engine: Arc<dyn Engine>, tls: ServerTls) -> SocketAddr {
    serve(TlsAcceptor::new(engine, tls), |tls| async move {
        let Ok(mut tls) = tls else { return };
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tls.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = tls.shutdown().await;
    })
    .await
}

/// Connect `client` to `address`.
pub async fn connect(client: &Arc<dyn Engine>, tls: ClientTls, address: SocketAddr) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(address).await.expect("connect");
    TlsConnector::new(Arc::clone(client), tls).connect(tcp).await.expect("handshake")
}

/// Send `data` while reading its echo, then close and read the server's
/// close_notify.
pub async fn echo(tls: &mut TlsStream<TcpStream>, data: &[u8]) -> Vec<u8> {
    let mut back = vec![0u8; data.len()];
    {
        let (mut reader, mut writer) = tokio::io::split(&mut *tls);
        let send = async { writer.write_all(data).await.expect("send") };
        let receive = async { reader.read_exact(&mut back).await.expect("the echo") };
        tokio::join!(send, receive);
    }
    tls.shutdown().await.expect("close_notify");
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await.expect("to the server's close_notify");
    assert!(rest.is_empty(), "{} bytes after the echo", rest.len());
    back
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Echo of 1 byte, 16 KiB and 8 MiB; the negotiated parameters on both sides.
pub async fn echo_sizes(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let address = echo_server(server, server_tls()).await;
    for size in [1, 16 * 1024, 8 * 1024 * 1024] {
        let mut tls = connect(&client, client_tls(), address).await;
        assert_eq!(tls.info().version, Some(ProtocolVersion::Tls13), "{size}");
        assert!(tls.info().cipher_suite.is_some());
        let data = pattern(size);
        let back = echo(&mut tls, &data).await;
        assert!(back == data, "{size} bytes: echo differs ({} bytes back)", back.len());
        assert!(tls.connection().is_peer_closed());
    }
}

/// What the stream reports after the handshake: version, suite, group,
/// ALPN, SNI, the peer chain, resumption.
pub async fn negotiated_info(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let seen = Arc::new(std::sync::Mutex::new(None));
    let server_tls = server_tls()
        .with_versions(&[ProtocolVersion::Tls12])
        .expect("versions")
        .with_alpn_protocols(&["h2", "http/1.1"])
        .expect("ALPN");
    let record = Arc::clone(&seen);
    let address = serve(TlsAcceptor::new(server, server_tls), move |tls| {
        let record = Arc::clone(&record);
        async move {
            let mut tls = tls.expect("server handshake");
            *record.lock().expect("lock") = Some(tls.info().clone());
            let _ = tls.shutdown().await;
        }
    })
    .await;
    let tls = client_tls().with_alpn_protocols(&["http/1.1"]).expect("ALPN");
    let mut tls = connect(&client, tls, address).await;
    let info = tls.info().clone();
    assert_eq!(info.version, Some(ProtocolVersion::Tls12));
    assert!(info.cipher_suite.is_some() && info.key_exchange_group.is_some(), "{info:?}");
    assert_eq!(info.alpn_protocol.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(tls.peer_certificates(), chain().certificates());
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await.expect("to close_notify");
    let server_info = seen.lock().expect("lock").clone().expect("the server's info");
    assert_eq!(server_info.version, info.version);
    assert_eq!(server_info.cipher_suite, info.cipher_suite);
    assert_eq!(server_info.alpn_protocol, info.alpn_protocol);
    assert_eq!(server_info.server_name.as_deref(), Some(SERVER_NAME));
}

/// 200 connections at once, each echoing its own 4 KiB.
pub async fn concurrent(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let address = echo_server(server, server_tls()).await;
    let config = client_tls();
    let mut tasks = Vec::new();
    for i in 0..200usize {
        let (client, config) = (Arc::clone(&client), config.clone());
        tasks.push(tokio::spawn(async move {
            let mut tls = connect(&client, config, address).await;
            let data: Vec<u8> = (0..4096).map(|j| ((i + j) % 256) as u8).collect();
            let back = echo(&mut tls, &data).await;
            assert_eq!(back, data, "connection {i}");
        }));
    }
    for task in tasks {
        task.await.expect("a connection task");
    }
}

/// A server that sends data and drops the TCP connection without
/// close_notify: the client reads the data, then `UnexpectedEof` carrying
/// `BadTlsData { Truncated }`.
pub async fn truncation(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let address = serve(TlsAcceptor::new(server, server_tls()), |tls| async move {
        let mut tls = tls.expect("server handshake");
        tls.write_all(b"partial").await.expect("send");
        tls.flush().await.expect("flush");
        let (_, mut tcp) = tls.into_parts();
        let _ = tcp.shutdown().await; // FIN, no close_notify
    })
    .await;
    let mut tls = connect(&client, client_tls(), address).await;
    let mut got = Vec::new();
    let e = tls.read_to_end(&mut got).await.expect_err("a truncation");
    assert_eq!(got, b"partial", "the data before the truncation is delivered");
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    assert!(matches!(Error::from_io(&e), Some(Error::BadTlsData { kind: BadData::Truncated, .. })), "{e:?}");
}

/// The client closes first (its close_notify reaches the server, which
/// reads EOF), the server then sends and closes (the client reads the data
/// and EOF).
pub async fn close_notify_both_ways(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let address = serve(TlsAcceptor::new(server, server_tls()), |tls| async move {
        let mut tls = tls.expect("server handshake");
        let mut got = Vec::new();
        tls.read_to_end(&mut got).await.expect("to the client's close_notify");
        assert_eq!(got, b"bye");
        assert!(tls.connection().is_peer_closed());
        // Answering the client's close_notify ended this side too.
        assert!(tls.write_all(b"late").await.is_err());
    })
    .await;
    let mut tls = connect(&client, client_tls(), address).await;
    tls.write_all(b"bye").await.expect("send");
    tls.shutdown().await.expect("close_notify");
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await.expect("the server's close_notify");
    assert!(rest.is_empty());
    assert!(tls.connection().is_peer_closed());
}

/// An async store that answers after awaiting.
struct Slow {
    delay: Duration,
    asked: AtomicUsize,
}

#[wiretls_tokio::async_trait]
impl AsyncServerCertificates for Slow {
    async fn certificate_chain_for_server_name(&self, server_name: Option<&str>) -> Option<CertificateChain> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(self.delay).await;
        (server_name == Some(SERVER_NAME)).then(chain)
    }
}

/// A server store that answers after an await: the handshake waits for it
/// and completes; a name it has no chain for ends with unrecognized_name.
pub async fn store_answers_after_await(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let slow = AsyncStore::new(Slow { delay: Duration::from_millis(30), asked: AtomicUsize::new(0) });
    let tls = ServerTls::new(Arc::new(slow));
    if !server.capabilities().later_server_certificate_answer {
        return;
    }
    let address = echo_server(Arc::clone(&server), tls).await;
    let mut stream = connect(&client, client_tls(), address).await;
    assert_eq!(echo(&mut stream, b"after the store").await, b"after the store");

    let tcp = TcpStream::connect(address).await.expect("connect");
    let other = ClientTls::new("other.wiretls.test")
        .expect("name")
        .with_trust_root(TrustStore::from_pem(&fixture("root-ca.pem")).expect("root"));
    let e = TlsConnector::new(client, other).connect(tcp).await.expect_err("no chain for that name");
    match Error::from_io(&e) {
        Some(Error::AlertReceived { description, .. }) => {
            assert_eq!(*description, wiretls_core::AlertDescription::UNRECOGNIZED_NAME);
        }
        other => panic!("expected unrecognized_name, got {other:?} ({e})"),
    }
}

/// A client store that answers after an await.
struct SlowClient;

#[wiretls_tokio::async_trait]
impl AsyncClientCertificateStore for SlowClient {
    async fn certificate_chain_for_roots(
        &self,
        _roots: &[wiretls_core::DistinguishedName],
    ) -> Option<CertificateChain> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        CertificateChain::from_pem(&fixture("client1.pem")).ok()
    }

    async fn default_certificate_chain(&self) -> Option<CertificateChain> {
        None
    }
}

/// A client store that answers after an await, for a server that requires
/// a certificate: the server gets the chain (engines that cannot wait for a
/// client store refuse with their declared `Unsupported`).
pub async fn client_store_answers_after_await(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let trust = TrustStore::from_pem(&fixture("client-root-ca.pem")).expect("client root");
    let server_tls = server_tls().with_client_auth(wiretls_core::ClientAuth::Required(trust));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let address = serve(TlsAcceptor::new(server, server_tls), move |tls| {
        let record = Arc::clone(&record);
        async move {
            if let Ok(mut tls) = tls {
                *record.lock().expect("lock") = tls.peer_certificates().to_vec();
                let _ = tls.shutdown().await;
            }
        }
    })
    .await;
    let tls = client_tls().with_client_certificate_store(Arc::new(AsyncStore::new(SlowClient)));
    let tcp = TcpStream::connect(address).await.expect("connect");
    let result = TlsConnector::new(Arc::clone(&client), tls).connect(tcp).await;
    if !client.capabilities().later_client_certificate_answer {
        let e = result.expect_err("a client store answering later is declared unsupported");
        assert!(
            matches!(
                Error::from_io(&e),
                Some(Error::Unsupported { feature: wiretls_core::Feature::LaterClientCertificateAnswer, .. })
            ),
            "{e:?}"
        );
        return;
    }
    let mut stream = result.expect("handshake with the client's chain");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.expect("to close_notify");
    let sent = CertificateChain::from_pem(&fixture("client1.pem")).expect("client chain");
    assert_eq!(*seen.lock().expect("lock"), sent.certificates());
}

/// A client that stops reading: the server's writes stop being accepted
/// (`poll_write` is `Pending`) with its backlog within the bound.
pub async fn peer_stops_reading(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    let (done, backlog) = tokio::sync::oneshot::channel();
    let done = std::sync::Mutex::new(Some(done));
    let address = serve(TlsAcceptor::new(server, server_tls()), move |tls| {
        let done = done.lock().expect("lock").take();
        async move {
            let mut tls = tls.expect("server handshake");
            let chunk = vec![7u8; 64 * 1024];
            let mut accepted = 0usize;
            // Write until the transport has not taken anything for 300 ms.
            while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(300), tls.write(&chunk)).await {
                accepted += n;
                assert!(accepted < 256 * 1024 * 1024, "the writer never blocked");
            }
            if let Some(done) = done {
                let _ = done.send((tls.wire_backlog(), accepted));
            }
        }
    })
    .await;
    let tls = connect(&client, client_tls(), address).await;
    let (backlog, accepted) = backlog.await.expect("the server's report");
    assert!(
        backlog <= wiretls_tokio::WIRE_BACKLOG_LIMIT + 17 * 1024 + 256,
        "{backlog} bytes of ciphertext kept for a peer that does not read"
    );
    assert!(accepted > 0);
    drop(tls);
}

/// Dropping handshake futures midway (a client whose server store never
/// answers in time, a server whose client goes silent) leaks nothing and
/// panics nowhere; the store's late answer is refused as abandoned.
pub async fn handshake_cancelled(client: Arc<dyn Engine>, server: Arc<dyn Engine>) {
    if server.capabilities().later_server_certificate_answer {
        let slow =
            Arc::new(AsyncStore::new(Slow { delay: Duration::from_millis(400), asked: AtomicUsize::new(0) }));
        let acceptor = TlsAcceptor::new(Arc::clone(&server), ServerTls::new(Arc::clone(&slow) as _));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let server_task = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accept");
            // The server gives up before its store answers.
            tokio::time::timeout(Duration::from_millis(100), acceptor.accept(tcp)).await.is_err()
        });
        let tcp = TcpStream::connect(address).await.expect("connect");
        let attempt = tokio::time::timeout(
            Duration::from_millis(150),
            TlsConnector::new(Arc::clone(&client), client_tls()).connect(tcp),
        )
        .await;
        assert!(server_task.await.expect("server task"), "the server's handshake was cut short");
        assert!(!matches!(attempt, Ok(Ok(_))), "no handshake can complete without the server");
        // Asked once, if the ClientHello arrived before the server gave up (under load it may not).
        assert!(slow.store().asked.load(Ordering::Relaxed) <= 1);
        // The store answers after both futures were dropped: nothing panics.
        tokio::time::sleep(Duration::from_millis(450)).await;
    }
    // A client cut short while waiting for a server that never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let silent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(tcp);
    });
    let tcp = TcpStream::connect(address).await.expect("connect");
    let connect = TlsConnector::new(client, client_tls()).connect(tcp);
    assert!(tokio::time::timeout(Duration::from_millis(50), connect).await.is_err());
    silent.await.expect("silent server");
}

/// The soak (`common::soak`) for one pair, as a `#[tokio::test]` named `soak`.
#[macro_export]
macro_rules! soak_test {
    ($client:expr, $server:expr, $label:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn soak() {
            common::soak::soak($client, $server, $label).await;
        }
    };
}

/// Every scenario as a `#[tokio::test]` for one client and one server engine
/// (`Arc<dyn Engine>` expressions).
#[macro_export]
macro_rules! tokio_tests {
    ($client:expr, $server:expr) => {
        $crate::tokio_tests!(@each $client, $server; echo_sizes, negotiated_info, concurrent, truncation,
            close_notify_both_ways, store_answers_after_await, client_store_answers_after_await, peer_stops_reading,
            handshake_cancelled);
    };
    (@each $client:expr, $server:expr; $($name:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                common::$name($client, $server).await;
            }
        )*
    };
}
