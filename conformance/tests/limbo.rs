//! x509-limbo through each engine of this package; the results table in
//! docs/ must match a fresh run (`WIRETLS_BLESS=1` rewrites it).

use wiretls_conformance::limbo;

fn check(engine: &dyn wiretls_core::Engine, page: &str) {
    let results = limbo::run(engine);
    let fresh = limbo::markdown(engine.name(), &results);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs").join(page);
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write the results page");
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "{} differs from a fresh run: rerun with WIRETLS_BLESS=1 and review the diff",
        path.display()
    );
    let agree = results.iter().filter(|r| r.agrees() == Some(true)).count();
    assert!(agree > results.len() / 2, "only {agree} cases agree");
}

#[test]
fn rustls() {
    check(&wiretls_rustls::RustlsEngine::default(), "x509-limbo-rustls.md");
}
