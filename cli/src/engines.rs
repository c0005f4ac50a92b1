//! The engines this binary links, by name.

use std::sync::Arc;

use wiretls_core::Engine;

/// The names `--engine` accepts.
pub(crate) const NAMES: &[&str] = &["rustls", "rustls-ring", "openssl"];

/// The engine called `name`.
pub(crate) fn by_name(name: &str) -> Result<Arc<dyn Engine>, String> {
    match name {
        "rustls" => Ok(Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs())),
        "rustls-ring" => Ok(Arc::new(wiretls_rustls::RustlsEngine::ring())),
        "openssl" => Ok(Arc::new(wiretls_openssl::OpensslEngine::new())),
        "boring" => Err("boring is not in this binary: BoringSSL cannot be linked beside OpenSSL".into()),
        other => Err(format!("unknown engine {other:?} (this binary has {})", NAMES.join(", "))),
    }
}
