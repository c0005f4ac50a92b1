//! The seed's `ClientTLS` and `ServerTLS`, with the engine chosen by the
//! `engine=` keyword, and their `start`.

use super::certs::{check, pem_input, PyDhParams, PyTrustStore};
use super::connection::{start, PyConnection};
use super::errors::config_error;
use super::registry::{engine, DEFAULT_ENGINE};
use super::stores::{server_store, ClientStore};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::sync::Arc;
use wiretls_core::{
    CipherSuite, ClientAuth, ClientTls, DhParams, Engine, NamedGroup, ProtocolVersion, ServerTls, Side,
};

/// A list argument given as one str or bytes (which would iterate by character).
fn not_a_string(list: &Bound<'_, PyAny>, what: &str) -> PyResult<()> {
    if list.is_instance_of::<PyString>() || list.is_instance_of::<pyo3::types::PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} takes a list, not one string (write [{}])",
            list.repr()?
        )));
    }
    Ok(())
}

/// Suites by IANA name, OpenSSL name or IANA number.
fn suites(list: &Bound<'_, PyAny>) -> PyResult<Vec<CipherSuite>> {
    not_a_string(list, "cipher_suites")?;
    let mut out = Vec::new();
    for item in list.try_iter()? {
        let item = item?;
        let suite = if let Ok(n) = item.extract::<u16>() {
            CipherSuite::try_from(n).map_err(config_error)?
        } else {
            let name: String = item
                .extract()
                .map_err(|_| PyTypeError::new_err("a cipher suite is a name or an IANA number"))?;
            CipherSuite::from_name(&name)
                .ok_or_else(|| config_error(format!("unknown cipher suite {name:?}")))?
        };
        out.push(suite);
    }
    Ok(out)
}

fn versions(list: &Bound<'_, PyAny>) -> PyResult<Vec<ProtocolVersion>> {
    not_a_string(list, "versions")?;
    let mut out = Vec::new();
    for item in list.try_iter()? {
        let name: String = item?.extract()?;
        let v = ProtocolVersion::ALL
            .iter()
            .copied()
            .find(|v| v.to_string().eq_ignore_ascii_case(&name))
            .ok_or_else(|| {
                config_error(format!("unknown TLS version {name:?} (use \"TLSv1.2\" or \"TLSv1.3\")"))
            })?;
        out.push(v);
    }
    Ok(out)
}

/// Key-exchange groups by IANA name (`"x25519"`, `"secp256r1"`), OpenSSL
/// name (`"P-256"`) or IANA number.
fn groups(list: &Bound<'_, PyAny>) -> PyResult<Vec<NamedGroup>> {
    not_a_string(list, "groups")?;
    let mut out = Vec::new();
    for item in list.try_iter()? {
        let item = item?;
        let group = if let Ok(n) = item.extract::<u16>() {
            NamedGroup(n)
        } else {
            let name: String =
                item.extract().map_err(|_| PyTypeError::new_err("a group is a name or an IANA number"))?;
            NamedGroup::from_name(&name).ok_or_else(|| {
                let known: Vec<&str> = NamedGroup::KNOWN.iter().filter_map(|g| g.name()).collect();
                config_error(format!("unknown key-exchange group {name:?} (known: {})", known.join(", ")))
            })?
        };
        out.push(group);
    }
    Ok(out)
}

fn alpn(list: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u8>>> {
    not_a_string(list, "alpn_protocols")?;
    let mut out = Vec::new();
    for item in list.try_iter()? {
        let item = item?;
        out.push(match item.cast::<PyString>() {
            Ok(s) => s.to_cow()?.as_bytes().to_vec(),
            Err(_) => item.extract::<Vec<u8>>()?,
        });
    }
    Ok(out)
}

/// The settings both sides share, from their keyword arguments.
macro_rules! common {
    ($py:expr, $tls:expr, $cipher_suites:expr, $versions:expr, $groups:expr, $alpn:expr) => {{
        let mut tls = $tls;
        if let Some(s) = $cipher_suites {
            tls = tls.with_cipher_suites(&suites(s)?);
        }
        if let Some(v) = $versions {
            tls = check($py, tls.with_versions(&versions(v)?))?;
        }
        if let Some(g) = $groups {
            tls = tls.with_groups(&groups(g)?);
        }
        if let Some(p) = $alpn {
            tls = check($py, tls.with_alpn_protocols(&alpn(p)?))?;
        }
        tls
    }};
}

/// The seed's `ClientTLS(server_hostname, cipher_suites, trust_root=DEFAULT,
/// client_certificate_store=None)`, plus `engine=` and the settings the
/// seed's TODO list asks for.
#[pyclass(module = "wiretls", name = "ClientTLS", frozen)]
pub(crate) struct PyClientTls {
    inner: ClientTls,
    engine: Arc<dyn Engine>,
}

#[pymethods]
impl PyClientTls {
    #[new]
    #[pyo3(signature = (server_hostname, cipher_suites = None, trust_root = None, client_certificate_store = None, *,
        engine = DEFAULT_ENGINE, versions = None, groups = None, alpn_protocols = None, resumption = true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        server_hostname: &Bound<'_, PyAny>,
        cipher_suites: Option<&Bound<'_, PyAny>>,
        trust_root: Option<PyRef<'_, PyTrustStore>>,
        client_certificate_store: Option<&Bound<'_, PyAny>>,
        engine: &str,
        versions: Option<&Bound<'_, PyAny>>,
        groups: Option<&Bound<'_, PyAny>>,
        alpn_protocols: Option<&Bound<'_, PyAny>>,
        resumption: bool,
    ) -> PyResult<Self> {
        let host = match server_hostname.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => {
                let b: Vec<u8> = server_hostname.extract()?;
                String::from_utf8(b).map_err(|_| config_error("server_hostname must be ASCII".into()))?
            }
        };
        let engine = self::engine(engine)?;
        let mut tls = check(py, ClientTls::new(host))?;
        if let Some(t) = trust_root.as_ref().and_then(|t| t.inner.clone()) {
            tls = tls.with_trust_root(t);
        }
        if let Some(store) = client_certificate_store {
            if !store.is_instance_of::<super::stores::PyClientCertificateStore>() {
                return Err(PyTypeError::new_err(
                    "client_certificate_store must be a ClientCertificateStore subclass",
                ));
            }
            tls = tls.with_client_certificate_store(Arc::new(ClientStore(store.clone().unbind())));
        }
        let tls =
            common!(py, tls, cipher_suites, versions, groups, alpn_protocols).with_resumption(resumption);
        Ok(Self { inner: tls, engine })
    }

    /// Start a connection; the ClientHello reaches `write_to_wire_callback`
    /// before this returns.
    #[pyo3(signature = (write_to_wire_callback, wire_close_callback, verify_callback = None))]
    fn start(
        &self,
        py: Python<'_>,
        write_to_wire_callback: Py<PyAny>,
        wire_close_callback: Py<PyAny>,
        verify_callback: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyConnection>> {
        let tls = self.inner.clone();
        start(
            py,
            &self.engine,
            Side::Client,
            write_to_wire_callback,
            Some(wire_close_callback),
            verify_callback,
            move |e, w, o| tls.start_with(e, w, o),
        )
    }

    #[getter]
    fn server_hostname(&self) -> &str {
        self.inner.server_hostname()
    }

    #[getter]
    fn engine(&self) -> &'static str {
        self.engine.name()
    }

    #[getter]
    fn cipher_suites(&self) -> Vec<&'static str> {
        self.inner.cipher_suites().iter().map(|s| s.name()).collect()
    }
}

/// The seed's `ServerTLS(certificates, dh_params=None)`, plus `engine=`,
/// client authentication and the settings the seed's TODO list asks for.
#[pyclass(module = "wiretls", name = "ServerTLS", frozen)]
pub(crate) struct PyServerTls {
    inner: ServerTls,
    engine: Arc<dyn Engine>,
}

#[pymethods]
impl PyServerTls {
    #[new]
    #[pyo3(signature = (certificates, dh_params = None, *, engine = DEFAULT_ENGINE, cipher_suites = None, versions = None,
        groups = None, alpn_protocols = None, client_auth = "none", client_trust_root = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        certificates: &Bound<'_, PyAny>,
        dh_params: Option<&Bound<'_, PyAny>>,
        engine: &str,
        cipher_suites: Option<&Bound<'_, PyAny>>,
        versions: Option<&Bound<'_, PyAny>>,
        groups: Option<&Bound<'_, PyAny>>,
        alpn_protocols: Option<&Bound<'_, PyAny>>,
        client_auth: &str,
        client_trust_root: Option<PyRef<'_, PyTrustStore>>,
    ) -> PyResult<Self> {
        let engine = self::engine(engine)?;
        let mut tls = ServerTls::new(server_store(certificates)?);
        if let Some(dh) = dh_params {
            let params = match dh.cast::<PyDhParams>() {
                Ok(p) => p.get().inner.clone(),
                Err(_) => check(py, DhParams::from_pem(&pem_input(dh)?))?,
            };
            tls = tls.with_dh_params(params);
        }
        let roots = || {
            client_trust_root.as_ref().and_then(|t| t.inner.clone()).ok_or_else(|| {
                config_error(format!(
                    "client_auth={client_auth:?} needs client_trust_root (a TrustStore of the client CAs)"
                ))
            })
        };
        let auth = match client_auth {
            "none" => ClientAuth::None,
            "optional" => ClientAuth::Optional(roots()?),
            "required" => ClientAuth::Required(roots()?),
            other => {
                return Err(config_error(format!(
                    "client_auth must be \"none\", \"optional\" or \"required\", not {other:?}"
                )))
            }
        };
        tls = tls.with_client_auth(auth);
        let tls = common!(py, tls, cipher_suites, versions, groups, alpn_protocols);
        Ok(Self { inner: tls, engine })
    }

    /// Start a connection (nothing is written before the ClientHello
    /// arrives). The seed's server start has no `wire_close_callback`; it is
    /// the optional third argument here.
    #[pyo3(signature = (write_to_wire_callback, verify_callback = None, wire_close_callback = None))]
    fn start(
        &self,
        py: Python<'_>,
        write_to_wire_callback: Py<PyAny>,
        verify_callback: Option<Py<PyAny>>,
        wire_close_callback: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyConnection>> {
        let tls = self.inner.clone();
        start(
            py,
            &self.engine,
            Side::Server,
            write_to_wire_callback,
            wire_close_callback,
            verify_callback,
            move |e, w, o| tls.start_with(e, w, o),
        )
    }

    #[getter]
    fn engine(&self) -> &'static str {
        self.engine.name()
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyClientTls>()?;
    m.add_class::<PyServerTls>()?;
    Ok(())
}
