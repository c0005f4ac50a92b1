//! A BoringSSL peer for wiretls-tokio's OpenSSL tests, which cannot link
//! BoringSSL: `tokio-peer-boring server` prints the port of an echo server
//! on 127.0.0.1 and serves until its stdin closes; `tokio-peer-boring
//! client PORT SIZE` echoes SIZE bytes through that port and prints
//! `ok <version> <suite>`.

#[path = "../../../tests/common/mod.rs"]
#[allow(unused_macros)]
mod common;

use std::sync::Arc;

use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() {
    let engine: Arc<dyn wiretls_core::Engine> = Arc::new(wiretls_boring::BoringEngine);
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("server") => {
            let address = common::echo_server(engine, common::server_tls()).await;
            println!("{}", address.port());
            // Serve until the parent closes our stdin.
            let mut stdin = tokio::io::stdin();
            let mut sink = Vec::new();
            let _ = stdin.read_to_end(&mut sink).await;
        }
        Some("client") => {
            let port: u16 = args.get(2).and_then(|p| p.parse().ok()).expect("a port");
            let size: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1 << 20);
            let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let mut tls = common::connect(&engine, common::client_tls(), address).await;
            let data: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
            let back = common::echo(&mut tls, &data).await;
            assert!(back == data, "the echo differs");
            let info = tls.info();
            println!(
                "ok {} {}",
                info.version.map_or("-".into(), |v| v.to_string()),
                info.cipher_suite.map_or("-".into(), |s| s.to_string())
            );
        }
        _ => {
            eprintln!("usage: tokio-peer-boring server | client PORT [SIZE]");
            std::process::exit(2);
        }
    }
}
