//! Regenerates the test certificates in `conformance/fixtures/` (the
//! generator is `wiretls-testpki`).
//!
//! `cargo run -p wiretls-conformance --bin make-fixtures` (writes the files;
//! the committed copies are what tests use, so runs are reproducible).

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir).expect("fixtures dir");
    wiretls_testpki::generate().write_to(&dir).expect("write the fixtures");
    println!("fixtures written to {}", dir.display());
}
