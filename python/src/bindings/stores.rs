//! The seed's certificate stores: `ServerCertificates` and
//! `ClientCertificateStore` as base classes that Python subclasses
//! implement, `ServerCertificateChain` and `SNIServerCertificates` (core's,
//! answered without calling Python), the `CertificateChainCallback` given to
//! a store, and the adapters that let core call a Python store.

use super::certs::{certificates, check, PyCertificate};
use super::shared::{current, Shared};
use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCFunction, PyFrozenSet, PyTuple};
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use wiretls_core::{
    CertificateChainCallback, ClientCertificateStore, DistinguishedName, ServerCertificateChain,
    ServerCertificates, SniServerCertificates,
};

/// The unwind payload that tells core a Python store raised (core turns an
/// unwinding store into `Error::CallbackPanicked`; the exception itself is
/// kept for `__cause__`). `resume_unwind` runs no panic hook: nothing printed.
struct StoreRaised;

/// The callback a store calls with its answer: a set of certificates (one
/// chain, the leaf with its key) or None, once, now or later, from any
/// thread or asyncio task.
#[pyclass(module = "wiretls", name = "CertificateChainCallback", frozen)]
pub(crate) struct PyChainCallback {
    inner: CertificateChainCallback,
    shared: Weak<Shared>,
    answered: AtomicBool,
}

#[pymethods]
impl PyChainCallback {
    #[pyo3(signature = (chain))]
    fn __call__(&self, py: Python<'_>, chain: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let answer = match chain {
            None => self.inner.answer(None),
            Some(set) => {
                let certs = certificates(set)?;
                self.inner.answer_certificates(certs)
            }
        };
        check(py, answer)?;
        self.answered.store(true, Ordering::SeqCst);
        match self.shared.upgrade() {
            Some(shared) => shared.continue_after_answer(py),
            None => Ok(()),
        }
    }

    /// The DER distinguished names the server named (client stores), or None.
    #[getter]
    fn roots<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyFrozenSet>>> {
        self.inner.roots().map(|r| roots(py, r)).transpose()
    }

    #[getter]
    fn answered(&self) -> bool {
        self.answered.load(Ordering::SeqCst)
    }
}

impl Drop for PyChainCallback {
    /// Dropped unanswered: core counts that as None; continue the handshake
    /// now so that nothing waits for an answer that cannot come.
    fn drop(&mut self) {
        if self.answered.load(Ordering::SeqCst) || self.inner.is_abandoned() {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            let _ = self.inner.answer(None);
            Python::attach(|py| {
                if let Err(e) = shared.continue_after_answer(py) {
                    e.write_unraisable(py, None);
                }
            });
        }
    }
}

fn roots<'py>(py: Python<'py>, names: &[DistinguishedName]) -> PyResult<Bound<'py, PyFrozenSet>> {
    let items: Vec<_> = names.iter().map(|n| PyBytes::new(py, n.der())).collect();
    PyFrozenSet::new(py, &items)
}

/// Call `method` of a Python store; an awaitable result is scheduled on the
/// running asyncio loop. A raised exception is kept on the asking
/// connection and unwinds into core, which ends the handshake with
/// `CallbackPanicked` (an `internal_error` alert from a server).
fn ask_python(
    store: &Py<PyAny>,
    method: &str,
    args: impl FnOnce(Python<'_>, Py<PyChainCallback>) -> PyResult<Bound<'_, PyTuple>>,
    callback: CertificateChainCallback,
) {
    let shared = current();
    let raised = Python::attach(|py| -> Option<PyErr> {
        let cb = Py::new(
            py,
            PyChainCallback {
                inner: callback,
                shared: shared.as_ref().map_or_else(Weak::new, Arc::downgrade),
                answered: AtomicBool::new(false),
            },
        );
        let cb = match cb {
            Ok(cb) => cb,
            Err(e) => return Some(e),
        };
        let result = args(py, cb.clone_ref(py)).and_then(|args| store.bind(py).call_method1(method, args));
        match result {
            Ok(ret) if ret.hasattr("__await__").unwrap_or(false) => {
                schedule(py, &ret, cb, shared.as_ref()).err()
            }
            Ok(_) => None,
            Err(e) => Some(e),
        }
    });
    if let Some(e) = raised {
        if let Some(shared) = shared {
            shared.record_callback_error(e);
        }
        resume_unwind(Box::new(StoreRaised));
    }
}

/// Run an `async` store method's awaitable on the running loop. If it
/// raises, its exception is kept and the callback answers None (if it has
/// not answered), so the handshake ends instead of waiting.
fn schedule(
    py: Python<'_>,
    awaitable: &Bound<'_, PyAny>,
    cb: Py<PyChainCallback>,
    shared: Option<&Arc<Shared>>,
) -> PyResult<()> {
    let asyncio = py.import("asyncio")?;
    let running = match asyncio.call_method0("get_running_loop") {
        Ok(l) => l,
        Err(e) => {
            if awaitable.hasattr("close")? {
                awaitable.call_method0("close")?;
            }
            return Err(e);
        }
    };
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("loop", &running)?;
    let task = asyncio.call_method("ensure_future", (awaitable,), Some(&kwargs))?;
    let weak = shared.map_or_else(Weak::new, Arc::downgrade);
    let done = PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs| -> PyResult<()> {
            let py = args.py();
            let task = args.get_item(0)?;
            if task.call_method0("cancelled")?.is_truthy()? {
                return cb.bind(py).call1((py.None(),)).map(drop).or(Ok(()));
            }
            let exc = task.call_method0("exception")?;
            if !exc.is_none() {
                if !weak.upgrade().is_some_and(|s| s.side == wiretls_core::Side::Server) {
                    // A client store answered None for goes on without a
                    // certificate, and no error would carry the exception:
                    // log it through the loop, as asyncio does for a lost task.
                    let context = pyo3::types::PyDict::new(py);
                    context.set_item(
                        "message",
                        "wiretls: a ClientCertificateStore task raised; answered None for it",
                    )?;
                    context.set_item("exception", &exc)?;
                    context.set_item("task", &task)?;
                    task.call_method0("get_loop")?.call_method1("call_exception_handler", (context,))?;
                }
                if let Some(s) = weak.upgrade() {
                    s.record_callback_error(PyErr::from_value(exc));
                }
                if !cb.get().answered() {
                    let _ = cb.bind(py).call1((py.None(),));
                }
            }
            Ok(())
        },
    )?;
    task.call_method1("add_done_callback", (done,))?;
    if let Some(s) = shared {
        s.stash().tasks.push(task.unbind());
    }
    Ok(())
}

/// The seed's abstract `ServerCertificates`: subclass it and implement
/// `get_certificate_chain_for_server_name(server_name, certificate_chain_callback)`.
#[pyclass(module = "wiretls", name = "ServerCertificates", subclass)]
pub(crate) struct PyServerCertificates {
    /// Set by the two provided stores: core answers for them.
    native: Option<Native>,
}

/// A provided store.
#[derive(Clone)]
enum Native {
    Chain(Arc<ServerCertificateChain>),
    Sni(Arc<SniServerCertificates>),
}

impl Native {
    fn store(&self) -> Arc<dyn ServerCertificates> {
        match self {
            Self::Chain(c) => Arc::<ServerCertificateChain>::clone(c),
            Self::Sni(s) => Arc::<SniServerCertificates>::clone(s),
        }
    }

    fn select(&self, name: Option<&str>) -> Option<Vec<wiretls_core::Certificate>> {
        match self {
            Self::Chain(c) => Some(c.chain().certificates().to_vec()),
            Self::Sni(s) => s.select(name).map(|c| c.certificates().to_vec()),
        }
    }
}

#[pymethods]
impl PyServerCertificates {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>) -> Self {
        Self { native: None }
    }

    /// Implemented by subclasses: answer through `certificate_chain_callback`.
    fn get_certificate_chain_for_server_name(
        &self,
        py: Python<'_>,
        server_name: Option<&Bound<'_, PyAny>>,
        certificate_chain_callback: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let Some(native) = &self.native else {
            return Err(PyNotImplementedError::new_err(
                "ServerCertificates.get_certificate_chain_for_server_name must be implemented by a subclass",
            ));
        };
        let name = match server_name {
            Some(n) => {
                Some(n.extract::<Vec<u8>>().or_else(|_| n.extract::<String>().map(String::into_bytes))?)
            }
            None => None,
        };
        let name = name.map(|n| String::from_utf8_lossy(&n).into_owned());
        let chain = native.select(name.as_deref());
        match chain {
            Some(certs) => certificate_chain_callback.call1((PyCertificate::list(py, &certs)?,))?,
            None => certificate_chain_callback.call1((py.None(),))?,
        };
        Ok(())
    }
}

/// The seed's `ServerCertificateChain(chain)`: one chain for every client.
#[pyclass(module = "wiretls", name = "ServerCertificateChain", extends = PyServerCertificates, frozen)]
pub(crate) struct PyServerCertificateChain {
    inner: Arc<ServerCertificateChain>,
}

#[pymethods]
impl PyServerCertificateChain {
    #[new]
    fn new(py: Python<'_>, chain: &Bound<'_, PyAny>) -> PyResult<(Self, PyServerCertificates)> {
        let inner = Arc::new(check(py, ServerCertificateChain::new(certificates(chain)?))?);
        Ok((Self { inner: Arc::clone(&inner) }, PyServerCertificates { native: Some(Native::Chain(inner)) }))
    }

    /// The chain, leaf first.
    #[getter]
    fn chain(&self, py: Python<'_>) -> PyResult<Vec<Py<PyCertificate>>> {
        PyCertificate::list(py, self.inner.chain().certificates())
    }
}

/// The seed's `SNIServerCertificates(certificates, default=set())`.
#[pyclass(module = "wiretls", name = "SNIServerCertificates", extends = PyServerCertificates, frozen)]
pub(crate) struct PySniServerCertificates {
    inner: Arc<SniServerCertificates>,
}

#[pymethods]
impl PySniServerCertificates {
    #[new]
    #[pyo3(signature = (certificates, default = None))]
    fn new(
        py: Python<'_>,
        certificates: &Bound<'_, PyAny>,
        default: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Self, PyServerCertificates)> {
        let default = match default {
            Some(d) => super::certs::certificates(d)?,
            None => Vec::new(),
        };
        let inner = Arc::new(check(
            py,
            SniServerCertificates::new(super::certs::certificates(certificates)?, default),
        )?);
        Ok((Self { inner: Arc::clone(&inner) }, PyServerCertificates { native: Some(Native::Sni(inner)) }))
    }

    /// The chain answered for `server_name` (exact name, then wildcard, then the default), or None.
    fn select(
        &self,
        py: Python<'_>,
        server_name: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Vec<Py<PyCertificate>>>> {
        let name = match server_name {
            Some(n) => Some(
                n.extract::<String>()
                    .or_else(|_| n.extract::<Vec<u8>>().map(|b| String::from_utf8_lossy(&b).into_owned()))?,
            ),
            None => None,
        };
        self.inner.select(name.as_deref()).map(|c| PyCertificate::list(py, c.certificates())).transpose()
    }
}

/// A Python `ServerCertificates` as core's: the provided ones answer in
/// Rust; a subclass's method is called with the GIL held.
pub(crate) enum ServerStore {
    Native(Arc<dyn ServerCertificates>),
    Python(Py<PyAny>),
}

/// The store core will ask for `obj` (a ServerCertificates).
pub(crate) fn server_store(obj: &Bound<'_, PyAny>) -> PyResult<Arc<dyn ServerCertificates>> {
    let base = obj.cast::<PyServerCertificates>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("certificates must be a ServerCertificates (or a subclass)")
    })?;
    let ty = obj.get_type();
    let exact = ty.is(obj.py().get_type::<PyServerCertificateChain>())
        || ty.is(obj.py().get_type::<PySniServerCertificates>());
    let store = match (&base.borrow().native, exact) {
        (Some(native), true) => ServerStore::Native(native.store()),
        _ => ServerStore::Python(obj.clone().unbind()),
    };
    Ok(Arc::new(store))
}

impl ServerCertificates for ServerStore {
    fn certificate_chain_for_server_name(
        &self,
        server_name: Option<&str>,
        callback: CertificateChainCallback,
    ) {
        match self {
            Self::Native(store) => store.certificate_chain_for_server_name(server_name, callback),
            Self::Python(obj) => ask_python(
                obj,
                "get_certificate_chain_for_server_name",
                |py, cb| {
                    let name = server_name.map(|n| PyBytes::new(py, n.as_bytes()).into_any());
                    PyTuple::new(
                        py,
                        [name.unwrap_or_else(|| py.None().into_bound(py)), cb.into_bound(py).into_any()],
                    )
                },
                callback,
            ),
        }
    }

    fn fixed_chain(&self) -> Option<&wiretls_core::CertificateChain> {
        match self {
            Self::Native(store) => store.fixed_chain(),
            Self::Python(_) => None,
        }
    }
}

/// The seed's `ClientCertificateStore`: subclass it and implement
/// `get_certificate_chain_for_roots` and `get_default_certificate_chain`.
#[pyclass(module = "wiretls", name = "ClientCertificateStore", subclass)]
pub(crate) struct PyClientCertificateStore;

#[pymethods]
impl PyClientCertificateStore {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>) -> Self {
        Self
    }

    fn get_certificate_chain_for_roots(
        &self,
        _roots: &Bound<'_, PyAny>,
        _certificate_chain_callback: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        Err(PyNotImplementedError::new_err(
            "ClientCertificateStore.get_certificate_chain_for_roots must be implemented by a subclass",
        ))
    }

    fn get_default_certificate_chain(&self, _certificate_chain_callback: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyNotImplementedError::new_err(
            "ClientCertificateStore.get_default_certificate_chain must be implemented by a subclass",
        ))
    }
}

/// A Python `ClientCertificateStore` as core's.
pub(crate) struct ClientStore(pub(crate) Py<PyAny>);

impl ClientCertificateStore for ClientStore {
    fn certificate_chain_for_roots(&self, names: &[DistinguishedName], callback: CertificateChainCallback) {
        ask_python(
            &self.0,
            "get_certificate_chain_for_roots",
            |py, cb| PyTuple::new(py, [roots(py, names)?.into_any(), cb.into_bound(py).into_any()]),
            callback,
        );
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        ask_python(
            &self.0,
            "get_default_certificate_chain",
            |py, cb| PyTuple::new(py, [cb.into_bound(py).into_any()]),
            callback,
        );
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChainCallback>()?;
    m.add_class::<PyServerCertificates>()?;
    m.add_class::<PyServerCertificateChain>()?;
    m.add_class::<PySniServerCertificates>()?;
    m.add_class::<PyClientCertificateStore>()?;
    Ok(())
}
