//! x509-limbo through the OpenSSL engine; the results page in docs/ must
//! match a fresh run (`WIRETLS_BLESS=1` rewrites it).

#[test]
fn openssl() {
    wiretls_conformance::limbo::check_page(
        &wiretls_openssl::OpensslEngine::new(),
        "x509-limbo-openssl.md",
        env!("CARGO_PKG_NAME"),
    );
}
