//! An HTTPS server with hyper 1.x over wiretls-tokio, on the engine named
//! by `--engine` (default rustls): each request gets a small text page of
//! what the connection negotiated.
//!
//! ```sh
//! cargo run -p wiretls-tokio --example hyper-server -- --engine openssl --listen 127.0.0.1:8443
//! curl --cacert conformance/fixtures/root-ca.pem --resolve server.wiretls.test:8443:127.0.0.1 \
//!     https://server.wiretls.test:8443/
//! ```
//!
//! Options: `--engine NAME`, `--listen ADDR` (default 127.0.0.1:8443; port
//! 0 picks one), `--cert PEM` (chain and key; default the test fixture).
//! The first line on stdout is `listening on ADDR`.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use wiretls::{CertificateChain, ServerTls};
#[path = "common/engines.rs"]
mod engines;

use wiretls_tokio::TlsAcceptor;

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let engine_name = option(&args, "--engine").unwrap_or_else(|| "rustls".into());
    let listen = option(&args, "--listen").unwrap_or_else(|| "127.0.0.1:8443".into());
    let cert = option(&args, "--cert").unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures/server-p256.pem").into()
    });
    let engine = engines::by_name(&engine_name)?;
    let server = ServerTls::from_chain(CertificateChain::from_pem(&std::fs::read(&cert)?)?)
        .with_alpn_protocols(&["http/1.1"])?;
    let acceptor = TlsAcceptor::new(engine, server);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (tcp, peer) = listener.accept().await?;
        let acceptor = acceptor.clone();
        let engine_name = engine_name.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(tcp).await {
                Ok(tls) => tls,
                Err(e) => {
                    // A failed handshake is logged; the server goes on.
                    eprintln!("{peer}: handshake failed: {e}");
                    return;
                }
            };
            let info = tls.info().clone();
            let page = Arc::new(format!(
                "engine {engine_name}\nversion {}\ncipher suite {}\nkey exchange {}\nALPN {}\nSNI {}\n",
                info.version.map_or("-".into(), |v| v.to_string()),
                info.cipher_suite.map_or("-".into(), |s| s.to_string()),
                info.key_exchange_group.map_or("-".into(), |g| g.to_string()),
                info.alpn_protocol.as_deref().map_or("-".into(), |p| String::from_utf8_lossy(p).into_owned()),
                info.server_name.as_deref().unwrap_or("-"),
            ));
            let service = service_fn(move |_request: Request<hyper::body::Incoming>| {
                let page = Arc::clone(&page);
                async move { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(page.as_bytes().to_vec())))) }
            });
            if let Err(e) =
                hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await
            {
                eprintln!("{peer}: {e}");
            }
        });
    }
}
