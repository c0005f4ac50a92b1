//! The seed's Certificate and TrustStore, `DEFAULT`, DHParams, and the strict
//! PEM factories of the seed's TODO list (core's loaders).

use super::errors::to_py;
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyString};
use std::hash::{Hash, Hasher};
use wiretls_core::{Certificate, CertificateChain, DhParams, Error, PrivateKey, TrustStore};

/// A core result as a Python one.
pub(crate) fn check<T>(py: Python<'_>, r: Result<T, Error>) -> PyResult<T> {
    r.map_err(|e| to_py(py, &e, None))
}

/// PEM given as bytes, bytearray or str.
pub(crate) fn pem_input(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    match obj.extract::<PyBackedBytes>() {
        Ok(b) => Ok(b.to_vec()),
        Err(_) => Err(PyTypeError::new_err("PEM must be bytes, bytearray or str")),
    }
}

/// One X.509 certificate (DER), optionally carrying its private key. Equal
/// and hashable by its DER bytes only.
#[pyclass(module = "wiretls", name = "Certificate", frozen, skip_from_py_object)]
#[derive(Clone)]
pub(crate) struct PyCertificate {
    pub(crate) inner: Certificate,
}

impl PyCertificate {
    pub(crate) fn list(py: Python<'_>, certs: &[Certificate]) -> PyResult<Vec<Py<Self>>> {
        certs.iter().map(|c| Py::new(py, Self { inner: c.clone() })).collect()
    }
}

/// Every item of `certificates` as a core Certificate (TypeError otherwise).
pub(crate) fn certificates(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Certificate>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let cert =
            item.cast::<PyCertificate>().map_err(|_| PyTypeError::new_err("expected Certificate objects"))?;
        out.push(cert.get().inner.clone());
    }
    Ok(out)
}

#[pymethods]
impl PyCertificate {
    /// A certificate from its DER bytes, with its private key (PKCS#8,
    /// PKCS#1 or SEC1 DER) when given.
    #[staticmethod]
    #[pyo3(signature = (der, private_key_der = None))]
    fn from_der(
        py: Python<'_>,
        der: PyBackedBytes,
        private_key_der: Option<PyBackedBytes>,
    ) -> PyResult<Self> {
        let mut cert = check(py, Certificate::from_der(der.to_vec()))?;
        if let Some(key) = private_key_der {
            cert = cert.with_private_key(check(py, PrivateKey::from_der(key.to_vec()))?);
        }
        Ok(Self { inner: cert })
    }

    /// Exactly one CERTIFICATE section of PEM text and, optionally, its key.
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pem = pem_input(pem)?;
        let certs = check(py, wiretls_core::certificates_from_pem(&pem));
        let certs = match certs {
            Ok(c) => c,
            // A key is welcome here: take the one certificate with it.
            Err(_) => match check(py, CertificateChain::from_pem(&pem)) {
                Ok(chain) if chain.certificates().len() == 1 => {
                    return Ok(Self { inner: chain.leaf().clone() });
                }
                Ok(chain) => chain.certificates().to_vec(),
                Err(e) => return Err(e),
            },
        };
        match certs.as_slice() {
            [one] => Ok(Self { inner: one.clone() }),
            other => Err(to_py(
                py,
                &Error::Malformed {
                    what: wiretls_core::Malformed::Pem,
                    detail: format!("{} certificates where one was expected", other.len()),
                },
                None,
            )),
        }
    }

    /// The DER bytes of the certificate (the seed's get_asn1_bytes).
    fn get_asn1_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.der())
    }

    #[getter]
    fn has_private_key(&self) -> bool {
        self.inner.private_key().is_some()
    }

    #[getter]
    fn is_ca(&self) -> bool {
        self.inner.is_ca()
    }

    /// The seed's definition: a non-CA certificate.
    #[getter]
    fn is_leaf(&self) -> bool {
        self.inner.is_leaf()
    }

    #[getter]
    fn subject(&self) -> &str {
        self.inner.subject_text()
    }

    #[getter]
    fn dns_names(&self) -> Vec<String> {
        self.inner.dns_names().to_vec()
    }

    /// The same certificate without its private key.
    fn without_private_key(&self) -> Self {
        Self { inner: self.inner.clone().without_private_key() }
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<Self>() else {
            return Ok(py.NotImplemented());
        };
        let equal = self.inner.der()[..] == other.get().inner.der()[..];
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }

    fn __hash__(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.der()[..].hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        let key = if self.has_private_key() { ", with private key" } else { "" };
        let kind = if self.inner.is_ca() { "CA" } else { "leaf" };
        format!("<wiretls.Certificate {kind} {:?}{key}>", self.inner.subject_text())
    }
}

/// Every certificate of PEM text that must hold no private key.
#[pyfunction]
fn certificates_from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Vec<Py<PyCertificate>>> {
    let certs = check(py, wiretls_core::certificates_from_pem(&pem_input(pem)?))?;
    PyCertificate::list(py, &certs)
}

/// A strict chain from PEM: certificates in any order plus the leaf's key
/// (in `pem` or in `key_pem`), returned leaf first, the leaf carrying its key.
#[pyfunction]
#[pyo3(signature = (pem, key_pem = None))]
fn chain_from_pem(
    py: Python<'_>,
    pem: &Bound<'_, PyAny>,
    key_pem: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Py<PyCertificate>>> {
    let pem = pem_input(pem)?;
    let chain = match key_pem {
        Some(key) => CertificateChain::from_pem_with_key(&pem, &pem_input(key)?),
        None => CertificateChain::from_pem(&pem),
    };
    PyCertificate::list(py, check(py, chain)?.certificates())
}

/// The seed's TrustStore(certificates): trusted CA certificates, none with a
/// private key. `DEFAULT` is the one whose store is the system's.
#[pyclass(module = "wiretls", name = "TrustStore", frozen)]
pub(crate) struct PyTrustStore {
    /// `None` for DEFAULT: the system store, loaded when a connection starts.
    pub(crate) inner: Option<TrustStore>,
}

#[pymethods]
impl PyTrustStore {
    #[new]
    fn new(py: Python<'_>, certificates: &Bound<'_, PyAny>) -> PyResult<Self> {
        let certs = self::certificates(certificates)?;
        Ok(Self { inner: Some(check(py, TrustStore::new(certs))?) })
    }

    /// The CA certificates of PEM text (ExtraneousPrivateKeyError for a key).
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self { inner: Some(check(py, TrustStore::from_pem(&pem_input(pem)?))?) })
    }

    /// The certificates (empty for DEFAULT).
    #[getter]
    fn certificates(&self, py: Python<'_>) -> PyResult<Vec<Py<PyCertificate>>> {
        PyCertificate::list(py, self.inner.as_ref().map_or(&[], |t| t.certificates()))
    }

    #[getter]
    fn is_default(&self) -> bool {
        self.inner.is_none()
    }

    fn __repr__(&self) -> String {
        match &self.inner {
            None => "wiretls.DEFAULT".into(),
            Some(t) => format!("<wiretls.TrustStore of {} certificates>", t.certificates().len()),
        }
    }
}

/// Finite-field Diffie-Hellman parameters for the TLS 1.2 DHE suites.
#[pyclass(module = "wiretls", name = "DHParams", frozen)]
pub(crate) struct PyDhParams {
    pub(crate) inner: DhParams,
}

#[pymethods]
impl PyDhParams {
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self { inner: check(py, DhParams::from_pem(&pem_input(pem)?))? })
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCertificate>()?;
    m.add_class::<PyTrustStore>()?;
    m.add_class::<PyDhParams>()?;
    m.add("DEFAULT", Py::new(m.py(), PyTrustStore { inner: None })?)?;
    m.add_function(wrap_pyfunction!(certificates_from_pem, m)?)?;
    m.add_function(wrap_pyfunction!(chain_from_pem, m)?)?;
    Ok(())
}
