//! The engines the examples can run, by name (the examples link rustls and
//! OpenSSL; BoringSSL cannot share a binary with OpenSSL).

use std::sync::Arc;

use wiretls::Engine;

/// The engine called `name`.
pub(crate) fn by_name(name: &str) -> Result<Arc<dyn Engine>, String> {
    match name {
        "openssl" => Ok(Arc::new(wiretls_openssl::OpensslEngine::new())),
        other => {
            wiretls::shared_engine(other).map_err(|e| format!("{e} (this example knows rustls and openssl)"))
        }
    }
}
