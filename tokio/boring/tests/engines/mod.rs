//! The engines of this package's tests: BoringSSL and rustls.

use std::sync::Arc;

pub(crate) fn boring() -> Arc<dyn wiretls_core::Engine> {
    Arc::new(wiretls_boring::BoringEngine)
}

pub(crate) fn rustls() -> Arc<dyn wiretls_core::Engine> {
    Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs())
}
