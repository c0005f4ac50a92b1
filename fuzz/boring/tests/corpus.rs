//! Every BoringSSL target over its seeds and its committed corpus
//! (`fuzz/corpus/`), on stable: what the fuzzer found stays fixed.

use std::path::Path;

#[test]
fn every_target_passes_its_seeds_and_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    for (name, target) in wiretls_fuzz_boring::TARGETS {
        let mut inputs = wiretls_fuzz_boring::seeds(name);
        assert!(!inputs.is_empty(), "{name} has no seeds");
        if let Ok(entries) = std::fs::read_dir(dir.join(name)) {
            for entry in entries.flatten() {
                inputs.push(std::fs::read(entry.path()).expect("a corpus file"));
            }
        }
        for input in &inputs {
            target(input);
        }
        eprintln!("{name}: {} inputs", inputs.len());
    }
}

#[test]
fn every_target_has_a_libfuzzer_wrapper() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("libfuzzer");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("libfuzzer/Cargo.toml");
    for (name, _) in wiretls_fuzz_boring::TARGETS {
        let body = std::fs::read_to_string(dir.join("fuzz_targets").join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            body.contains(&format!("wiretls_fuzz_boring::{name}")),
            "{name}'s wrapper calls another body"
        );
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{name} is not a [[bin]] of libfuzzer/");
    }
}
