//! The engines this binary links, by name.

use std::sync::Arc;

use wiretls_core::Engine;

/// The engines `interop` and `compare` run by default.
pub(crate) const NAMES: &[&str] = &["rustls", "rustls-ring", "openssl"];

/// Every name `--engine` accepts: [`NAMES`] and native-tls (the platform's
/// TLS, OpenSSL here), which `interop --engines native-tls` runs on request.
pub(crate) const ALL: &[&str] = &["rustls", "rustls-ring", "openssl", "native-tls"];

/// The engine called `name`.
pub(crate) fn by_name(name: &str) -> Result<Arc<dyn Engine>, String> {
    match name {
        "rustls" => Ok(Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs())),
        "rustls-ring" => Ok(Arc::new(wiretls_rustls::RustlsEngine::ring())),
        "openssl" => Ok(Arc::new(wiretls_openssl::OpensslEngine::new())),
        "native-tls" => Ok(Arc::new(wiretls_native_tls::NativeTlsEngine::new())),
        "boring" => Err("boring is not in this binary: BoringSSL cannot be linked beside OpenSSL".into()),
        other => Err(format!("unknown engine {other:?} (this binary has {})", ALL.join(", "))),
    }
}
