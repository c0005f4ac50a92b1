//! The seed's `Connection`: made by `start`, moved by `data_from_wire` and
//! `data_from_application`, with `send_alert`, `application_finished` and
//! the getters of the seed's TODO list; and the verify callback's adapter.

use super::certs::{check, PyCertificate};
use super::errors::to_py;
use super::shared::{Queued, Shared};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;
use std::sync::{Arc, Weak};
use wiretls_core::{
    AlertDescription, AlertLevel, Certificate, Connection, Engine, Error, MemoryWire, Reject, Side,
    StartOptions, VerifyCallback, VerifyContext,
};

/// The seed's `verify_callback(certificates, connection)` as core's.
struct PyVerify {
    callback: Py<PyAny>,
    shared: Weak<Shared>,
}

impl VerifyCallback for PyVerify {
    fn verify(&mut self, chain: &[Certificate], context: &VerifyContext<'_>) -> Result<(), Reject> {
        let Some(shared) = self.shared.upgrade() else {
            return Err(Reject::new());
        };
        shared.stash().in_verify = Some(context.server_name.map(str::to_owned));
        let result = Python::attach(|py| -> PyResult<()> {
            let certs = PyCertificate::list(py, chain)?;
            let conn = match shared.python.get().and_then(|w| w.bind(py).upgrade()) {
                Some(conn) => conn,
                None => Bound::new(py, PyConnection { shared: Arc::clone(&shared), owns_references: false })?
                    .into_any(),
            };
            self.callback.call1(py, (certs, conn))?;
            Ok(())
        });
        let mut stash = shared.stash();
        stash.in_verify = None;
        let alert = stash.verify_alert.take();
        drop(stash);
        match (result, alert) {
            (Err(e), alert) => {
                shared.record_callback_error(e);
                Err(alert.map_or_else(Reject::new, Reject::with_alert))
            }
            (Ok(()), Some(alert)) => Err(Reject::with_alert(alert)),
            (Ok(()), None) => Ok(()),
        }
    }
}

/// Start a connection on `engine` with the seed's callbacks.
pub(crate) fn start(
    py: Python<'_>,
    engine: &Arc<dyn Engine>,
    side: Side,
    write_to_wire: Py<PyAny>,
    wire_close: Option<Py<PyAny>>,
    verify: Option<Py<PyAny>>,
    starter: impl FnOnce(&dyn Engine, MemoryWire, StartOptions) -> Result<Connection, Error> + Send,
) -> PyResult<Py<PyConnection>> {
    let shared = Shared::new(side, engine.name(), write_to_wire, wire_close);
    let mut options = StartOptions::new();
    if let Some(callback) = verify {
        options = options.verify(PyVerify { callback, shared: Arc::downgrade(&shared) });
    }
    let waker = shared.waker();
    let engine = Arc::clone(engine);
    let ran = shared.run(
        py,
        true,
        move |state| {
            let mut conn = starter(engine.as_ref(), MemoryWire::new(), options)?;
            conn.set_waker(waker);
            state.conn = Some(conn);
            Ok(())
        },
        |_, r| r,
    )?;
    shared.finish(py, ran, |()| ())?;
    let conn = Bound::new(py, PyConnection { shared: Arc::clone(&shared), owns_references: true })?;
    let _ = shared.python.set(pyo3::types::PyWeakrefReference::new(&conn)?.unbind());
    Ok(conn.unbind())
}

/// A TLS connection (the seed's `Connection`), made only by `start`.
/// Thread-safe: each method takes the connection's lock, and the GIL is
/// released while the engine works.
#[pyclass(module = "wiretls", name = "Connection", frozen, weakref)]
pub(crate) struct PyConnection {
    shared: Arc<Shared>,
    /// Whether the garbage collector sees the connection's Python objects
    /// through this object: only the one `start` returned (a second object
    /// for the same connection, made for a verify callback after the first
    /// was gone, must not report them twice).
    owns_references: bool,
}

fn live(conn: &mut Option<Connection>) -> Result<&mut Connection, Error> {
    // Invariant: a PyConnection exists only once start stored the connection.
    conn.as_mut().ok_or(Error::Invalidated { reason: wiretls_core::InvalidatedReason::Abandoned })
}

#[pymethods]
impl PyConnection {
    /// Process bytes from the transport; returns the application data they held.
    fn data_from_wire<'py>(&self, py: Python<'py>, input: PyBackedBytes) -> PyResult<Bound<'py, PyBytes>> {
        let input: &[u8] = &input;
        let ran = self.shared.run(
            py,
            true,
            // Data kept earlier first, then this input's, then what a
            // store's answer released while this call ran.
            |state| {
                let mut out = std::mem::take(&mut state.pending_plain);
                match live(&mut state.conn)?.data_from_wire(input) {
                    Ok(plain) => {
                        out.extend_from_slice(&plain);
                        Ok(out)
                    }
                    Err(e) if !out.is_empty() => {
                        state.deferred.get_or_insert(e);
                        Ok(out)
                    }
                    Err(e) => Err(e),
                }
            },
            |state, result| {
                let later = std::mem::take(&mut state.pending_plain);
                match result {
                    Ok(mut out) => {
                        out.extend_from_slice(&later);
                        Ok(out)
                    }
                    Err(e) if !later.is_empty() => {
                        state.deferred.get_or_insert(e);
                        Ok(later)
                    }
                    Err(e) => Err(e),
                }
            },
        )?;
        let plain = self.shared.finish(py, ran, |plain| self.shared.keep_plaintext(py, plain))?;
        Ok(PyBytes::new(py, &plain))
    }

    /// Encrypt application data; the ciphertext goes to `write_to_wire_callback`.
    fn data_from_application(&self, py: Python<'_>, output: PyBackedBytes) -> PyResult<()> {
        if self.shared.is_reentrant() {
            self.shared.stash().queued.push(Queued::Data(output.to_vec()));
            return Ok(());
        }
        let output: &[u8] = &output;
        let ran = self.shared.run(
            py,
            true,
            |state| live(&mut state.conn)?.data_from_application(output),
            |_, r| r,
        )?;
        self.shared.finish(py, ran, |()| ())
    }

    /// Send an alert; `level` None picks the one the specification mandates.
    #[pyo3(signature = (alert_code, level = None))]
    fn send_alert(&self, py: Python<'_>, alert_code: u8, level: Option<u8>) -> PyResult<()> {
        let description = AlertDescription::from_wire(alert_code);
        let level = match level {
            None => None,
            Some(l) => Some(
                AlertLevel::from_wire(l)
                    .ok_or_else(|| to_py(py, &Error::InvalidAlertLevel { description, level: None }, None))?,
            ),
        };
        if self.shared.is_reentrant() {
            return self.alert_from_callback(py, description, level);
        }
        let ran = self.shared.run(
            py,
            false,
            |state| live(&mut state.conn)?.send_alert(description, level),
            |_, r| r,
        )?;
        self.shared.finish(py, ran, |()| ())
    }

    /// The application will send no more: close_notify goes out (after the
    /// handshake, if it is under way).
    fn application_finished(&self, py: Python<'_>) -> PyResult<()> {
        if self.shared.is_reentrant() {
            self.shared.stash().queued.push(Queued::Finished);
            return Ok(());
        }
        let ran =
            self.shared.run(py, false, |state| live(&mut state.conn)?.application_finished(), |_, r| r)?;
        self.shared.finish(py, ran, |()| ())
    }

    /// The transport's read side ended.
    fn wire_eof(&self, py: Python<'_>) -> PyResult<()> {
        let ran = self.shared.run(py, true, |state| live(&mut state.conn)?.wire_eof(), |_, r| r)?;
        self.shared.finish(py, ran, |()| ())
    }

    #[getter]
    fn side(&self) -> &'static str {
        match self.shared.side {
            Side::Client => "client",
            _ => "server",
        }
    }

    #[getter]
    fn engine(&self) -> &'static str {
        self.shared.engine
    }

    #[getter]
    fn tls_version(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.info(py, |c| c.info().version.map(|v| v.to_string()))
    }

    #[getter]
    fn cipher_suite(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        self.info(py, |c| c.info().cipher_suite.map(|s| s.name()))
    }

    #[getter]
    fn key_exchange_group(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.info(py, |c| {
            c.info().key_exchange_group.map(|g| g.name().map_or_else(|| g.to_string(), str::to_owned))
        })
    }

    #[getter]
    fn alpn_protocol<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let p = self.info(py, |c| c.info().alpn_protocol.clone())?;
        Ok(p.map(|p| PyBytes::new(py, &p)))
    }

    #[getter]
    fn server_name(&self, py: Python<'_>) -> PyResult<Option<String>> {
        if self.shared.is_reentrant() {
            if let Some(name) = self.shared.stash().in_verify.clone() {
                return Ok(name);
            }
        }
        self.info(py, |c| c.info().server_name.clone())
    }

    #[getter]
    fn session_id<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let id = self.info(py, |c| c.info().session_id.clone())?;
        Ok(id.map(|id| PyBytes::new(py, &id)))
    }

    #[getter]
    fn resumed(&self, py: Python<'_>) -> PyResult<Option<bool>> {
        self.info(py, |c| c.info().resumed)
    }

    #[getter]
    fn peer_certificates(&self, py: Python<'_>) -> PyResult<Vec<Py<PyCertificate>>> {
        let certs = self.info(py, |c| c.peer_certificates().to_vec())?;
        PyCertificate::list(py, &certs)
    }

    #[getter]
    fn is_handshaking(&self, py: Python<'_>) -> PyResult<bool> {
        self.info(py, Connection::is_handshaking)
    }

    #[getter]
    fn is_waiting_for_store(&self, py: Python<'_>) -> PyResult<bool> {
        self.info(py, Connection::is_waiting_for_store)
    }

    #[getter]
    fn is_peer_closed(&self, py: Python<'_>) -> PyResult<bool> {
        self.info(py, Connection::is_peer_closed)
    }

    /// None until the connection asked the transport to close; then `immediate`.
    #[getter]
    fn close_requested(&self, py: Python<'_>) -> PyResult<Option<bool>> {
        self.info(py, Connection::close_requested)
    }

    #[getter]
    fn invalidated(&self, py: Python<'_>) -> PyResult<bool> {
        self.info(py, |c| c.invalidated_by().is_some())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> Py<PyAny> {
        let py = other.py();
        match other.cast::<Self>() {
            Ok(o) => pyo3::types::PyBool::new(py, Arc::ptr_eq(&self.shared, &o.get().shared))
                .to_owned()
                .into_any()
                .unbind(),
            Err(_) => py.NotImplemented(),
        }
    }

    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        if self.owns_references {
            self.shared.traverse(&visit)?;
        }
        Ok(())
    }

    fn __clear__(&self) {
        if self.owns_references {
            self.shared.clear();
        }
    }

    fn __hash__(&self) -> u64 {
        Arc::as_ptr(&self.shared) as usize as u64
    }

    fn __repr__(&self) -> String {
        format!("<wiretls.Connection {} on {}>", self.side(), self.shared.engine)
    }
}

impl PyConnection {
    fn info<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&Connection) -> T + Send) -> PyResult<T> {
        self.shared
            .read(py, |state| state.conn.as_ref().map(f))?
            .ok_or_else(|| PyRuntimeError::new_err("the connection has not started"))
    }

    /// `send_alert` from inside one of the connection's callbacks: in the
    /// verify callback a fatal alert is the veto's alert (the seed's
    /// "invoking Connection.send_alert() in your verify_callback").
    fn alert_from_callback(
        &self,
        py: Python<'_>,
        description: AlertDescription,
        level: Option<AlertLevel>,
    ) -> PyResult<()> {
        if self.shared.stash().in_verify.is_none() {
            return Err(PyRuntimeError::new_err(
                "send_alert from inside this connection's callback: only the verify callback may send one (its veto)",
            ));
        }
        // The version is not known to the verify callback: a level the TLS
        // 1.2 rules leave open (bad_certificate without a level) is the
        // fatal one TLS 1.3 mandates, as a veto always is.
        let resolved = description
            .resolve_level(level, None)
            .or_else(|_| description.resolve_level(level, Some(wiretls_core::ProtocolVersion::Tls13)));
        if check(py, resolved)? != AlertLevel::Fatal {
            return Err(PyRuntimeError::new_err(
                "only a fatal alert can be sent from verify_callback (it vetoes the peer)",
            ));
        }
        self.shared.stash().verify_alert = Some(description);
        Ok(())
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyConnection>()?;
    Ok(())
}
