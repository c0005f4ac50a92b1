//! OpenSSL <-> BoringSSL over 127.0.0.1 through two processes (they cannot
//! share a binary): this test runs the OpenSSL engine, the
//! `tokio-peer-boring` binary of `tokio/boring` runs BoringSSL.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

fn peer() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().map(|d| if d.ends_with("deps") { d.parent().unwrap_or(d) } else { d });
    let path = dir.expect("a directory").join("tokio-peer-boring");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p wiretls-tokio-boring` (cargo test --workspace builds it)",
        path.display()
    );
    path
}

fn openssl() -> Arc<dyn wiretls::Engine> {
    Arc::new(wiretls_openssl::OpensslEngine::new())
}

#[tokio::test]
async fn openssl_client_boring_server() {
    let mut child = Command::new(peer())
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the BoringSSL peer");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the port");
    let port: u16 = line.trim().parse().expect("a port");
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    for size in [1, 16 * 1024, 8 * 1024 * 1024] {
        let mut tls = common::connect(&openssl(), common::client_tls(), address).await;
        assert_eq!(tls.info().version, Some(wiretls::ProtocolVersion::Tls13));
        let data: Vec<u8> = (0..size).map(|i| (i % 249) as u8).collect();
        assert!(common::echo(&mut tls, &data).await == data, "{size} bytes");
    }
    drop(child.stdin.take());
    let _ = child.wait();
}

#[tokio::test]
async fn boring_client_openssl_server() {
    let address = common::echo_server(openssl(), common::server_tls()).await;
    let output = tokio::process::Command::new(peer())
        .args(["client", &address.port().to_string(), &(8 * 1024 * 1024).to_string()])
        .output()
        .await
        .expect("run the BoringSSL peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("ok TLSv1.3 TLS13_"), "{stdout}");
}
