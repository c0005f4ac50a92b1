//! The rustls engine's side of the engine comparison (and the null engine).

use wiretls_bench::native_rustls::NativeRustls;
use wiretls_bench::null::NullEngine;
use wiretls_bench::wiretls_path::WiretlsPath;
use wiretls_bench::{ceiling, ceiling_records, engine_main, harness::Path, measure, Plan};

fn main() {
    let paths: Vec<Box<dyn Path>> = vec![
        Box::new(WiretlsPath::new(Box::new(wiretls_rustls::RustlsEngine::aws_lc_rs()), "wiretls")),
        Box::new(NativeRustls::default()),
    ];
    engine_main(paths, |plan: &Plan| {
        let mut records = ceiling_records("rustls", |aead| ceiling::aws_lc(aead, plan.ceiling_rounds));
        // The null engine, measured once: the harness and wiretls's own layers.
        let null = WiretlsPath::new(Box::new(NullEngine), "null");
        records.extend(measure(&[&null], plan));
        records
    });
}
