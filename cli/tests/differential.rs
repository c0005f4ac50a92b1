//! The differential check (issue 14): every attack of
//! `wiretls_conformance::differential` against `wiretls server --engine E
//! --www` and against engine E's own server, configured alike, over
//! 127.0.0.1. A difference is fixed or listed with its reason.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;

use openssl::ssl::{SslContext, SslFiletype, SslMethod, SslOptions, SslStream, SslVersion};
use wiretls_conformance::differential::{self, native};
use wiretls_core::{CertificateChain, ProtocolVersion, ServerTls};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(format!("{}/../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// The configuration both servers of a pair run: wiretls's defaults for
/// the fixture chain, as `wiretls server --cert` builds it.
fn tls() -> ServerTls {
    let pem = std::fs::read(fixture("server-p256.pem")).expect("the fixture");
    ServerTls::from_chain(CertificateChain::from_pem(&pem).expect("the fixture chain"))
}

struct Wiretls(Child, SocketAddr);

impl Drop for Wiretls {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wiretls_server(engine: &str) -> Wiretls {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wiretls"))
        .args(["server", "--listen", "127.0.0.1:0", "--www", "--engine", engine, "--cert"])
        .arg(fixture("server-p256.pem"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wiretls server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its first line");
    let port: u16 =
        line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line}"));
    Wiretls(child, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// OpenSSL used directly: a blocking `SslStream` per connection on the
/// versions, suites and options the wiretls OpenSSL engine sets.
fn openssl_server(tls: &ServerTls) -> SocketAddr {
    let mut b = SslContext::builder(SslMethod::tls_server()).expect("context");
    let names = |v: ProtocolVersion| -> Vec<&'static str> {
        tls.usable_cipher_suites().filter(|s| s.version() == v).map(|s| s.info().openssl_name).collect()
    };
    b.set_min_proto_version(Some(SslVersion::TLS1_2)).expect("min version");
    b.set_max_proto_version(Some(SslVersion::TLS1_3)).expect("max version");
    b.set_cipher_list(&names(ProtocolVersion::Tls12).join(":")).expect("TLS 1.2 suites");
    b.set_ciphersuites(&names(ProtocolVersion::Tls13).join(":")).expect("TLS 1.3 suites");
    b.set_options(
        SslOptions::NO_RENEGOTIATION
            | SslOptions::NO_COMPRESSION
            | SslOptions::CIPHER_SERVER_PREFERENCE
            | SslOptions::NO_TICKET,
    );
    b.set_certificate_chain_file(fixture("server-p256.crt")).expect("chain");
    b.set_private_key_file(fixture("server-p256.key"), SslFiletype::PEM).expect("key");
    let ctx = b.build();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let ctx = ctx.clone();
            thread::spawn(move || {
                let Ok(socket) = tcp.try_clone() else { return };
                serve_one(&ctx, tcp);
                native::linger(&socket);
            });
        }
    });
    addr
}

fn serve_one(ctx: &SslContext, tcp: std::net::TcpStream) {
    let Ok(ssl) = openssl::ssl::Ssl::new(ctx) else { return };
    let Ok(mut stream) = SslStream::new(ssl, tcp) else { return };
    if stream.accept().is_err() {
        return;
    }
    let mut buf = [0u8; 4096];
    match stream.read(&mut buf) {
        Ok(n) if n > 0 => {
            let _ = stream.write_all(native::PAGE);
        }
        Ok(_) => {}
        // The peer's fatal alert or bad data: the connection is over.
        Err(_) => return,
    }
    let _ = stream.shutdown();
}

#[test]
fn rustls_alone_and_through_wiretls_answer_attacks_alike() {
    let native = native::rustls_server(&tls(), &fixture("server-p256.crt"), &fixture("server-p256.key"));
    let wiretls = wiretls_server("rustls");
    differential::check("rustls", native, wiretls.1);
}

#[test]
fn openssl_alone_and_through_wiretls_answer_attacks_alike() {
    let native = openssl_server(&tls());
    let wiretls = wiretls_server("openssl");
    differential::check("openssl", native, wiretls.1);
}
