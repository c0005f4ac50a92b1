//! The rustls engine's side of the engine comparison (and the null engine).

use std::sync::Arc;

use wiretls_bench::loopback::{Adapter, WiretlsTokio};
use wiretls_bench::native_rustls::{NativeRustls, TokioRustls};
use wiretls_bench::null::NullEngine;
use wiretls_bench::wiretls_path::WiretlsPath;
use wiretls_bench::{ceiling, ceiling_records, engine_main, measure, Plan, BASE};

fn main() {
    let wiretls = WiretlsPath::new(Box::new(wiretls_rustls::RustlsEngine::aws_lc_rs()), "wiretls");
    engine_main(
        Box::new(wiretls),
        || Box::new(NativeRustls::default()),
        |plan: &Plan| {
            let mut records = ceiling_records("rustls", |aead| ceiling::aws_lc(aead, plan.ceiling_rounds));
            // The null engine, measured once: the harness and wiretls's own layers.
            let null = WiretlsPath::new(Box::new(NullEngine), "null");
            records.extend(measure(&[&null], plan));
            records
        },
        || {
            let engine = Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs());
            Ok(vec![
                Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>,
                Arc::new(TokioRustls::new(&BASE)?),
            ])
        },
    );
}
