//! The differential check (issue 14): every attack of
//! `wiretls_conformance::differential` against `wiretls server --engine E
//! --www` and against engine E's own server, configured alike, over
//! 127.0.0.1. A difference is fixed or listed with its reason.

use std::net::SocketAddr;
use std::path::PathBuf;

use openssl::ssl::{SslContext, SslFiletype, SslMethod, SslOptions, SslStream, SslVersion};
use wiretls_conformance::differential::{self, native};
use wiretls_core::{CertificateChain, ProtocolVersion, ServerTls};

mod common;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(common::fixture(name))
}

/// The configuration both servers of a pair run: wiretls's defaults for
/// the fixture chain, as `wiretls server --cert` builds it.
fn tls() -> ServerTls {
    let pem = std::fs::read(fixture("server-p256.pem")).expect("the fixture");
    ServerTls::from_chain(CertificateChain::from_pem(&pem).expect("the fixture chain"))
}

fn wiretls_server(engine: &str) -> (common::Server, SocketAddr) {
    let server = common::server(&["--www", "--engine", engine]);
    let addr = SocketAddr::from(([127, 0, 0, 1], server.1));
    (server, addr)
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
    native::serve(move |tcp| {
        let Ok(ssl) = openssl::ssl::Ssl::new(&ctx) else { return };
        let Ok(mut stream) = SslStream::new(ssl, tcp) else { return };
        if stream.accept().is_ok() && native::page(&mut stream) {
            let _ = stream.shutdown();
        }
    })
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
