//! `generate_test_pki()`: certificates for tests and the demo (never for
//! production), the same set the Rust tests use (`wiretls-testpki`).

use pyo3::prelude::*;
use std::collections::BTreeMap;

/// A fresh test PKI: file name -> PEM text.
#[pyfunction]
fn generate_test_pki(py: Python<'_>) -> BTreeMap<String, String> {
    py.detach(|| wiretls_testpki::generate().files().map(|(n, t)| (n.to_owned(), t.to_owned())).collect())
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(generate_test_pki, m)?)
}
