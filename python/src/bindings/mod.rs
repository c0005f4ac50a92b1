//! The seed's Python API over wiretls-core, shared by both extension builds
//! (`python/` and `python/boring/`). One file per part of the seed:
//! `alerts` (constants), `errors` (the exception classes), `certs`
//! (Certificate, TrustStore, the PEM factories), `stores` (the certificate
//! stores and their callback), `config` (ClientTLS, ServerTLS), `connection`
//! (Connection) over `shared` (the lock, the GIL and the callbacks' way back
//! into a connection), `registry` (the engines), `pki` (test certificates).

mod alerts;
mod certs;
mod config;
mod connection;
mod errors;
mod pki;
mod registry;
mod shared;
mod stores;

use pyo3::prelude::*;
use std::sync::Arc;
use wiretls_core::Engine;

/// Fill the module `wiretls._wiretls` with the engines `engines` gives.
pub(crate) fn init(m: &Bound<'_, PyModule>, engines: fn() -> Vec<Arc<dyn Engine>>) -> PyResult<()> {
    registry::install(engines());
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    registry::register(m)?;
    alerts::register(m)?;
    errors::register(m)?;
    certs::register(m)?;
    stores::register(m)?;
    config::register(m)?;
    connection::register(m)?;
    pki::register(m)?;
    Ok(())
}
