//! Writes each BoringSSL target's seeds into `fuzz/corpus/TARGET/` (what
//! ci/fuzz.sh does before a run when the folder is empty).
//!
//! `cargo run -p wiretls-fuzz-boring --bin make-seeds-boring [TARGET ...]`

fn main() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    wiretls_fuzz_common::write_seeds(
        wiretls_fuzz_boring::TARGETS,
        wiretls_fuzz_boring::seeds,
        &corpus,
        &wanted,
    );
}
