//! The boring column of the capability tables in README.md and
//! docs/engines.md is the engine's own declaration (`WIRETLS_BLESS=1`
//! rewrites it).

use wiretls_conformance::capability_table::check_file;

#[test]
fn readme_column() {
    check_file("README.md", &[&wiretls_boring::BoringEngine::new()]);
}

#[test]
fn engines_doc_column() {
    check_file("docs/engines.md", &[&wiretls_boring::BoringEngine::new()]);
}
