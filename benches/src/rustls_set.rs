//! The rustls engine's side of the comparison (aws-lc-rs), with the null
//! engine: what `bench-rustls` measures and what `wiretls bench` measures
//! in its own process.

use std::sync::Arc;

use crate::harness::Path;
use crate::loopback::{Adapter, WiretlsTokio};
use crate::native_rustls::{NativeRustls, TokioRustls};
use crate::null::NullEngine;
use crate::wiretls_path::{StaticPath, WiretlsPath};
use crate::{ceiling, ceiling_records, engine_records, measure, Modes, Plan, Record, BASE};

/// wiretls over the rustls engine.
pub fn wiretls() -> Box<dyn Path> {
    Box::new(WiretlsPath::new(Box::new(wiretls_rustls::RustlsEngine::aws_lc_rs()), "wiretls"))
}

/// rustls's unbuffered API, measured with wiretls and native; wiretls over
/// the rustls engine statically dispatched, for callgrind only.
pub fn extra_paths() -> crate::Extra {
    crate::Extra {
        measured: vec![Box::new(crate::native_unbuffered::UnbufferedRustls::default())],
        callgrind_only: vec![Box::new(StaticPath::new(wiretls_rustls::RustlsEngine::aws_lc_rs()))],
    }
}

/// rustls driven directly.
pub fn native() -> Box<dyn Path> {
    Box::new(NativeRustls::default())
}

/// The AEAD ceilings of aws-lc-rs, and the null engine, measured once: the
/// harness and wiretls's own layers.
pub fn ceilings(plan: &Plan) -> Vec<Record> {
    let mut records = ceiling_records("rustls", |aead| ceiling::aws_lc(aead, plan.ceiling_rounds));
    let null = WiretlsPath::new(Box::new(NullEngine), "null");
    records.extend(measure(&[&null], plan));
    records
}

/// wiretls-tokio over rustls next to tokio-rustls.
///
/// # Errors
/// When an adapter cannot be configured.
pub fn loopback() -> Result<Vec<Arc<dyn Adapter>>, String> {
    let engine = Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs());
    Ok(vec![
        Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>,
        Arc::new(TokioRustls::new(&BASE)?),
    ])
}

/// Everything `modes` asks for, in this process.
pub fn records(plan: &Plan, modes: Modes) -> Vec<Record> {
    engine_records(vec![wiretls(), native()], &ceilings, &loopback, plan, modes)
}
