//! x509-limbo through the rustls engine; the results page in docs/ must
//! match a fresh run (`WIRETLS_BLESS=1` rewrites it).

#[test]
fn rustls() {
    wiretls_conformance::limbo::check_page(
        &wiretls_rustls::RustlsEngine::default(),
        "x509-limbo-rustls.md",
        env!("CARGO_PKG_NAME"),
    );
}
