//! The hyper examples over 127.0.0.1: `hyper-server --engine E` serves a
//! page that `curl --cacert` and the `hyper-client` example both fetch, for
//! rustls and OpenSSL (the example binaries are built by `cargo test`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().map(|d| if d.ends_with("deps") { d.parent().unwrap_or(d) } else { d });
    let path = dir.expect("a directory").join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test -p wiretls-tokio` builds the examples",
        path.display()
    );
    path
}

fn fixture(name: &str) -> String {
    format!("{}/../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(engine: &str) -> Server {
    let mut child = Command::new(example("hyper-server"))
        .args(["--engine", engine, "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start hyper-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its first line");
    let port =
        line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line}"));
    Server(child, port)
}

fn check_page(page: &str, engine: &str) {
    assert!(page.contains(&format!("engine {engine}\n")), "{page}");
    assert!(page.contains("version TLSv1.3\n"), "{page}");
    assert!(page.contains("ALPN http/1.1\n"), "{page}");
    assert!(page.contains("SNI server.wiretls.test\n"), "{page}");
}

fn served_to_curl_and_hyper_client(engine: &str) {
    let server = start_server(engine);
    let port = server.1;
    let curl = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--cacert", &fixture("root-ca.pem")])
        .args(["--resolve", &format!("server.wiretls.test:{port}:127.0.0.1")])
        .arg(format!("https://server.wiretls.test:{port}/"))
        .output()
        .expect("run curl (ci/system-packages.sh installs it)");
    assert!(curl.status.success(), "curl: {}", String::from_utf8_lossy(&curl.stderr));
    check_page(&String::from_utf8_lossy(&curl.stdout), engine);

    for client_engine in ["rustls", "openssl"] {
        let client = Command::new(example("hyper-client"))
            .args(["--engine", client_engine, "--connect", &format!("127.0.0.1:{port}")])
            .args(["--servername", "server.wiretls.test", "--cafile", &fixture("root-ca.pem")])
            .output()
            .expect("run hyper-client");
        assert!(client.status.success(), "hyper-client: {}", String::from_utf8_lossy(&client.stderr));
        check_page(&String::from_utf8_lossy(&client.stdout), engine);
    }
}

#[test]
fn openssl_server_serves_curl_and_hyper_client() {
    served_to_curl_and_hyper_client("openssl");
}

#[test]
fn rustls_server_serves_curl_and_hyper_client() {
    served_to_curl_and_hyper_client("rustls");
}

#[test]
fn a_client_that_does_not_trust_the_server_fails_and_the_server_goes_on() {
    let server = start_server("openssl");
    let port = server.1;
    let refused = Command::new(example("hyper-client"))
        .args(["--engine", "rustls", "--connect", &format!("127.0.0.1:{port}")])
        .args(["--servername", "server.wiretls.test", "--cafile", &fixture("other-root-ca.pem")])
        .output()
        .expect("run hyper-client");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("PeerCertificate { problem: UnknownIssuer"), "{stderr}");
    let curl = Command::new("curl")
        .args(["--silent", "--fail", "--cacert", &fixture("root-ca.pem")])
        .args(["--resolve", &format!("server.wiretls.test:{port}:127.0.0.1")])
        .arg(format!("https://server.wiretls.test:{port}/"))
        .output()
        .expect("run curl");
    assert!(curl.status.success(), "the server stopped after a failed handshake");
}
