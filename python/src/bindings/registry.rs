//! The engines this build holds, by name, and what each can do.

use super::errors::config_error;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::{Arc, OnceLock};
use wiretls_core::{AlertSending, Engine};

static ENGINES: OnceLock<Vec<Arc<dyn Engine>>> = OnceLock::new();

/// The engine used when no `engine=` keyword is given.
pub(crate) const DEFAULT_ENGINE: &str = "rustls";

pub(super) fn install(engines: Vec<Arc<dyn Engine>>) {
    // A second import of the module keeps the first list (same engines).
    let _ = ENGINES.set(engines);
}

fn all() -> &'static [Arc<dyn Engine>] {
    ENGINES.get().map_or(&[], Vec::as_slice)
}

/// The engine called `name`, or `ConfigurationError` naming the ones there are.
pub(crate) fn engine(name: &str) -> PyResult<Arc<dyn Engine>> {
    all().iter().find(|e| e.name() == name).cloned().ok_or_else(|| {
        let names: Vec<_> = all().iter().map(|e| e.name()).collect();
        config_error(format!("no engine {name:?} in this build of wiretls (it has {})", names.join(", ")))
    })
}

/// The names of the engines of this build, default first.
#[pyfunction]
fn engines() -> Vec<&'static str> {
    all().iter().map(|e| e.name()).collect()
}

/// What `engine` can do: one key per field of wiretls_core::Capabilities.
#[pyfunction]
#[pyo3(signature = (engine = DEFAULT_ENGINE))]
fn capabilities<'py>(py: Python<'py>, engine: &str) -> PyResult<Bound<'py, PyDict>> {
    let e = self::engine(engine)?;
    let c = e.capabilities();
    let d = PyDict::new(py);
    let names = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>();
    d.set_item("engine", c.engine)?;
    d.set_item("versions", names(&mut c.versions.iter().map(|v| v.to_string())))?;
    d.set_item("server_versions", names(&mut c.server_versions.iter().map(|v| v.to_string())))?;
    d.set_item("cipher_suites", names(&mut c.cipher_suites.iter().map(|s| s.name().to_owned())))?;
    d.set_item(
        "groups",
        names(&mut c.groups.iter().map(|g| g.name().map_or_else(|| g.to_string(), str::to_owned))),
    )?;
    d.set_item("key_types", names(&mut c.key_types.iter().map(|k| format!("{k:?}"))))?;
    for (key, value) in [
        ("tls13_suite_selection", c.tls13_suite_selection),
        ("dh_params", c.dh_params),
        ("later_server_certificate_answer", c.later_server_certificate_answer),
        ("later_client_certificate_answer", c.later_client_certificate_answer),
        ("session_id", c.session_id),
        ("resumption", c.resumption),
        ("alpn", c.alpn),
        ("verify_callback", c.verify_callback),
        ("server_certificate_stores", c.server_certificate_stores),
        ("client_auth", c.client_auth),
        ("client_certificate_roots", c.client_certificate_roots),
        ("cipher_suite_selection", c.cipher_suite_selection),
        ("group_selection", c.group_selection),
        ("peer_chain", c.peer_chain),
    ] {
        d.set_item(key, value)?;
    }
    let sending = match c.alert_sending {
        AlertSending::CloseNotifyOnly => "close_notify_only",
        AlertSending::FatalOnly => "fatal_only",
        _ => "any",
    };
    d.set_item("alert_sending", sending)?;
    let alerts: PyResult<Vec<_>> =
        c.verify_alerts.iter().map(|a| super::alerts::description(py, *a)).collect();
    d.set_item("verify_alerts", alerts?)?;
    Ok(d)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ENGINES", pyo3::types::PyTuple::new(m.py(), engines())?)?;
    m.add("DEFAULT_ENGINE", DEFAULT_ENGINE)?;
    m.add_function(wrap_pyfunction!(self::engines, m)?)?;
    m.add_function(wrap_pyfunction!(capabilities, m)?)?;
    Ok(())
}
