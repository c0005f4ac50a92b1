//! README.md and docs/engines.md carry the capability table generated from
//! the engines' own declarations; this test keeps the columns of the
//! engines this package links equal to them (`WIRETLS_BLESS=1` rewrites
//! them). Other engines' columns are checked by their own test packages.

fn check(file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut updated = text.clone();
    for engine in [wiretls_rustls::RustlsEngine::aws_lc_rs(), wiretls_rustls::RustlsEngine::ring()] {
        updated = wiretls_conformance::capability_table::update_file(
            &updated,
            wiretls_core::Engine::capabilities(&engine),
        )
        .unwrap_or_else(|| panic!("{file} has no capability table markers"));
    }
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, updated).expect("rewrite");
        return;
    }
    assert!(updated == text, "{file}: the capability table is stale; rerun with WIRETLS_BLESS=1");
}

#[test]
fn readme_table_is_generated() {
    check("README.md");
}

#[test]
fn engines_doc_table_is_generated() {
    check("docs/engines.md");
}
