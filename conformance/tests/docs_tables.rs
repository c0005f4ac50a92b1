//! The rustls and rustls-ring columns of the capability tables in README.md and
//! docs/engines.md are the engines' own declarations (`WIRETLS_BLESS=1`
//! rewrites them).

use wiretls_conformance::capability_table::check_file;

#[test]
fn readme_column() {
    check_file(
        "README.md",
        &[&wiretls_rustls::RustlsEngine::aws_lc_rs(), &wiretls_rustls::RustlsEngine::ring()],
    );
}

#[test]
fn engines_doc_column() {
    check_file(
        "docs/engines.md",
        &[&wiretls_rustls::RustlsEngine::aws_lc_rs(), &wiretls_rustls::RustlsEngine::ring()],
    );
}
