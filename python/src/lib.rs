//! wiretls for Python: the extension module `wiretls._wiretls` with the
//! rustls, OpenSSL and native-tls engines. The bindings themselves are in
//! `bindings/`, shared with the BoringSSL build (`python/boring/`), which
//! cannot link OpenSSL (docs/architecture.md, Hazard 1).
#![deny(unsafe_code)]

mod bindings;

use pyo3::prelude::*;

/// The engines of this build, the default first.
mod engines {
    use std::sync::Arc;
    use wiretls_core::Engine;

    pub(crate) fn all() -> Vec<Arc<dyn Engine>> {
        vec![
            Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs()),
            Arc::new(wiretls_openssl::OpensslEngine::new()),
            Arc::new(wiretls_native_tls::NativeTlsEngine::new()),
        ]
    }
}

#[pymodule]
#[pyo3(name = "_wiretls")]
fn wiretls_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    bindings::init(m, engines::all)
}
