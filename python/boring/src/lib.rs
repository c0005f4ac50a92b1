//! wiretls for Python over rustls and BoringSSL: the same extension module
//! `wiretls._wiretls` as `python/` (whose `bindings/` this crate compiles),
//! with BoringSSL in place of OpenSSL and native-tls, which can never share
//! one library with it (docs/architecture.md, Hazard 1).
#![deny(unsafe_code)]

#[path = "../../src/bindings/mod.rs"]
mod bindings;

use pyo3::prelude::*;

/// The engines of this build, the default first.
mod engines {
    use std::sync::Arc;
    use wiretls_core::Engine;

    pub(crate) fn all() -> Vec<Arc<dyn Engine>> {
        vec![
            Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs()),
            Arc::new(wiretls_boring::BoringEngine::new()),
        ]
    }
}

#[pymodule]
#[pyo3(name = "_wiretls")]
fn wiretls_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    bindings::init(m, engines::all)
}
