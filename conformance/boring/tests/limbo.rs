//! x509-limbo through the BoringSSL engine; the results page in docs/ must
//! match a fresh run (`WIRETLS_BLESS=1` rewrites it).

#[test]
fn boring() {
    wiretls_conformance::limbo::check_page(
        &wiretls_boring::BoringEngine::new(),
        "x509-limbo-boring.md",
        env!("CARGO_PKG_NAME"),
    );
}
