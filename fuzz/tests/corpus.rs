//! Every target over its seeds and its committed corpus (`fuzz/corpus/`),
//! on stable: what the fuzzer found stays fixed.

use std::path::Path;

#[test]
fn every_target_passes_its_seeds_and_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    wiretls_fuzz_common::replay(wiretls_fuzz::TARGETS, wiretls_fuzz::seeds::seeds, &corpus);
}

#[test]
fn every_target_has_a_libfuzzer_wrapper() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("libfuzzer");
    wiretls_fuzz_common::check_wrappers(wiretls_fuzz::TARGETS, &dir, "wiretls_fuzz::targets::");
}
