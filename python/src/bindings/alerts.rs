//! The seed's alert constants: `AlertDescription` and `AlertLevel` as
//! `enum.IntEnum`s made at import from core's table, every description also
//! a module constant, and `ALERT_WARNING` / `ALERT_FATAL`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyList;
use wiretls_core::{AlertDescription, AlertLevel};

static DESCRIPTION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LEVEL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn int_enum<'py>(
    m: &Bound<'py, PyModule>,
    name: &str,
    members: Vec<(String, u8)>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = m.py();
    let members = PyList::new(py, members)?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("module", "wiretls")?;
    py.import("enum")?.getattr("IntEnum")?.call((name, members), Some(&kwargs))
}

/// A description as the Python `AlertDescription` member, or a plain int
/// for a value RFC 5246 and RFC 8446 do not name.
pub(crate) fn description(py: Python<'_>, d: AlertDescription) -> PyResult<Py<PyAny>> {
    let code = d.wire();
    match (DESCRIPTION.get(py), d.name()) {
        (Some(e), Some(_)) => Ok(e.bind(py).call1((code,))?.unbind()),
        _ => Ok(code.into_pyobject(py)?.into_any().unbind()),
    }
}

/// A level as the Python `AlertLevel` member.
pub(crate) fn level(py: Python<'_>, l: AlertLevel) -> PyResult<Py<PyAny>> {
    let code = l.wire();
    match LEVEL.get(py) {
        Some(e) => Ok(e.bind(py).call1((code,))?.unbind()),
        None => Ok(code.into_pyobject(py)?.into_any().unbind()),
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let members: Vec<(String, u8)> = AlertDescription::ALL
        .iter()
        .filter_map(|d| d.name().map(|n| (n.to_ascii_uppercase(), d.wire())))
        .collect();
    let descriptions = int_enum(m, "AlertDescription", members.clone())?;
    let levels = int_enum(m, "AlertLevel", vec![("WARNING".into(), 1), ("FATAL".into(), 2)])?;
    m.add("AlertDescription", &descriptions)?;
    m.add("AlertLevel", &levels)?;
    m.add("ALERT_WARNING", levels.getattr("WARNING")?)?;
    m.add("ALERT_FATAL", levels.getattr("FATAL")?)?;
    for (name, _) in &members {
        m.add(name.as_str(), descriptions.getattr(name.as_str())?)?;
    }
    let _ = DESCRIPTION.set(py, descriptions.unbind());
    let _ = LEVEL.set(py, levels.unbind());
    Ok(())
}
