//! Writes each BoringSSL target's seeds into `fuzz/corpus/TARGET/` (what
//! ci/fuzz.sh does before a run when the folder is empty).
//!
//! `cargo run -p wiretls-fuzz-boring --bin make-seeds-boring [TARGET ...]`

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    for (name, _) in wiretls_fuzz_boring::TARGETS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let target_dir = dir.join(name);
        std::fs::create_dir_all(&target_dir).expect("the corpus folder");
        let seeds = wiretls_fuzz_boring::seeds(name);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(target_dir.join(format!("seed-{i}")), seed).expect("write a seed");
        }
        println!("{name}: {} seeds", seeds.len());
    }
}
