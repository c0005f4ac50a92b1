//! An HTTPS client with hyper 1.x over wiretls-tokio, on the engine named
//! by `--engine` (default rustls): fetches one page and prints it.
//!
//! ```sh
//! cargo run -p wiretls-tokio --example hyper-client -- --engine openssl \
//!     --connect 127.0.0.1:8443 --servername server.wiretls.test --cafile conformance/fixtures/root-ca.pem
//! ```
//!
//! Options: `--engine NAME`, `--connect HOST:PORT`, `--servername NAME`
//! (default: the host), `--cafile PEM` (default: the system's trust store),
//! `--path /` . Exit status 0 only for a `200 OK`.

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use wiretls::{ClientTls, TrustStore};
#[path = "common/engines.rs"]
mod engines;

use wiretls_tokio::TlsConnector;

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let engine = engines::by_name(&option(&args, "--engine").unwrap_or_else(|| "rustls".into()))?;
    let connect = option(&args, "--connect").ok_or("--connect HOST:PORT is required")?;
    let host = connect.rsplit_once(':').map_or(connect.as_str(), |(h, _)| h).to_owned();
    let server_name = option(&args, "--servername").unwrap_or(host);
    let path = option(&args, "--path").unwrap_or_else(|| "/".into());
    let mut config = ClientTls::new(&server_name)?.with_alpn_protocols(&["http/1.1"])?;
    if let Some(cafile) = option(&args, "--cafile") {
        config = config.with_trust_root(TrustStore::from_pem(&std::fs::read(cafile)?)?);
    }
    let tcp = tokio::net::TcpStream::connect(&connect).await?;
    let tls = TlsConnector::new(engine, config).connect(tcp).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
    tokio::spawn(connection);
    let request = Request::get(&path).header("host", server_name).body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    print!("{}", String::from_utf8_lossy(&body));
    if !status.is_success() {
        return Err(format!("HTTP status {status}").into());
    }
    Ok(())
}
