//! The native-tls column of the capability tables in README.md and
//! docs/engines.md is the engine's own declaration (`WIRETLS_BLESS=1`
//! rewrites it).

use wiretls_core::Engine;

fn check(file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let engine = wiretls_native_tls::NativeTlsEngine::new();
    let updated = wiretls_conformance::capability_table::update_file(&text, engine.capabilities())
        .unwrap_or_else(|| panic!("{file} has no capability table markers"));
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, updated).expect("rewrite");
        return;
    }
    assert!(updated == text, "{file}: the native-tls column is stale; rerun with WIRETLS_BLESS=1");
}

#[test]
fn readme_column() {
    check("README.md");
}

#[test]
fn engines_doc_column() {
    check("docs/engines.md");
}
