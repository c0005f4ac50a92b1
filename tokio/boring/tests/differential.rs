//! The differential check (issue 14) for BoringSSL: every attack of
//! `wiretls_conformance::differential` against wiretls-tokio's acceptor on
//! the BoringSSL engine, serving as `wiretls server --www` does (the
//! command links OpenSSL, which cannot share a binary with BoringSSL), and
//! against BoringSSL's own server, configured alike, over 127.0.0.1.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use boring::ssl::{SslContext, SslFiletype, SslMethod, SslOptions, SslVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiretls_conformance::differential::{self, native};
use wiretls_core::{CertificateChain, ProtocolVersion, ServerTls};
use wiretls_tokio::TlsAcceptor;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(format!("{}/../../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
}

fn tls() -> ServerTls {
    let pem = std::fs::read(fixture("server-p256.pem")).expect("the fixture");
    ServerTls::from_chain(CertificateChain::from_pem(&pem).expect("the fixture chain"))
}

/// wiretls over BoringSSL, serving like `wiretls server --www`: the
/// handshake, one request, a page, close_notify.
fn wiretls_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("non-blocking");
    thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let acceptor = Arc::new(TlsAcceptor::new(Arc::new(wiretls_boring::BoringEngine), tls()));
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let acceptor = Arc::clone(&acceptor);
                tokio::spawn(async move {
                    let Ok(mut stream) = acceptor.accept(tcp).await else { return };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = stream.write_all(native::PAGE).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
    });
    addr
}

/// BoringSSL used directly: a blocking `SslStream` per connection on the
/// versions, suites and options the wiretls BoringSSL engine sets.
fn boring_server(tls: &ServerTls) -> SocketAddr {
    let mut b = SslContext::builder(SslMethod::tls()).expect("context");
    let names: Vec<&str> = tls
        .usable_cipher_suites()
        .filter(|s| s.version() == ProtocolVersion::Tls12)
        .map(|s| s.info().openssl_name)
        .collect();
    b.set_min_proto_version(Some(SslVersion::TLS1_2)).expect("min version");
    b.set_max_proto_version(Some(SslVersion::TLS1_3)).expect("max version");
    b.set_cipher_list(&names.join(":")).expect("TLS 1.2 suites");
    b.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    b.set_session_id_context(b"native").expect("session id context");
    b.set_certificate_chain_file(fixture("server-p256.crt")).expect("chain");
    b.set_private_key_file(fixture("server-p256.key"), SslFiletype::PEM).expect("key");
    let ctx = b.build();
    native::serve(move |tcp| {
        let Ok(ssl) = boring::ssl::Ssl::new(&ctx) else { return };
        let Ok(mut stream) = ssl.accept(tcp) else { return };
        if native::page(&mut stream) {
            let _ = stream.shutdown();
        }
    })
}

#[test]
fn boring_alone_and_through_wiretls_answer_attacks_alike() {
    let native = boring_server(&tls());
    differential::check("boring", native, wiretls_server());
}
