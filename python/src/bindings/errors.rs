//! The exception classes: the seed's nine, the additions for what core
//! reports beyond them, all under one base `TLSError`, and the one mapping
//! from `wiretls_core::Error` to them.

use super::alerts;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use wiretls_core::{Blame, Error, InvalidatedReason};

create_exception!(
    wiretls,
    TLSError,
    PyException,
    "The base of every wiretls exception; `blame` names who caused it."
);
create_exception!(
    wiretls,
    TLSAlertError,
    TLSError,
    "The peer sent a fatal alert (`alert_code`, `alert_level`)."
);
create_exception!(
    wiretls,
    BadTLSDataError,
    TLSError,
    "Invalid TLS data from the peer (`kind`, `alert_sent`)."
);
create_exception!(
    wiretls,
    PeerCertificateError,
    BadTLSDataError,
    "The peer's certificate failed the built-in checks (`problem`, `alert_sent`)."
);
create_exception!(
    wiretls,
    CertificateRejectedError,
    TLSError,
    "verify_callback vetoed the peer (raised: its exception is __cause__; or called send_alert)."
);
create_exception!(wiretls, NoServerCertificateError, TLSError, "The ServerCertificates answered None.");
create_exception!(
    wiretls,
    InvalidatedError,
    TLSError,
    "The connection or callback is no longer usable (`reason`)."
);
create_exception!(
    wiretls,
    InvalidAlertLevel,
    TLSError,
    "The alert code does not allow that level (or needs one)."
);
create_exception!(
    wiretls,
    ReservedAlertError,
    TLSError,
    "The alert code is reserved and must never be sent."
);
create_exception!(
    wiretls,
    LeafCertificateHasNoPrivateKeyError,
    TLSError,
    "The leaf certificate has no private key."
);
create_exception!(
    wiretls,
    MoreThanOneLeafCertificateError,
    TLSError,
    "More than one leaf in a set meant as one chain."
);
create_exception!(
    wiretls,
    NoLeafCertificateError,
    TLSError,
    "No leaf (non-CA) certificate in a set of certificates."
);
create_exception!(
    wiretls,
    NoCertificateChainError,
    TLSError,
    "The chain reaches none of the roots the server named."
);
create_exception!(wiretls, ExtraneousPrivateKeyError, TLSError, "A private key where none belongs.");
create_exception!(
    wiretls,
    CertificateNotInChainError,
    TLSError,
    "A certificate that is not part of the chain."
);
create_exception!(wiretls, MalformedError, TLSError, "Input that is not valid PEM, DER, key or parameters.");
create_exception!(
    wiretls,
    KeyMismatchError,
    TLSError,
    "The private key does not belong to the leaf certificate."
);
create_exception!(
    wiretls,
    ConfigurationError,
    TLSError,
    "A setting that cannot work (server name, versions, engine...)."
);
create_exception!(wiretls, UnsupportedError, TLSError, "The engine cannot do this (`engine`, `feature`).");
create_exception!(
    wiretls,
    CallbackError,
    TLSError,
    "A certificate store's method raised; its exception is __cause__."
);
create_exception!(wiretls, EngineError, TLSError, "The TLS engine failed in a way wiretls cannot name.");

/// `ConfigurationError(message)` (blame "caller").
pub(crate) fn config_error(message: String) -> PyErr {
    let err = ConfigurationError::new_err(message);
    Python::attach(|py| {
        let _ = err.value(py).setattr("blame", "caller");
    });
    err
}

/// `"UnknownIssuer"` or `"UnknownIssuer(..)"` (a Debug text) as `"unknown_issuer"`.
pub(crate) fn snake_name(debug: &str) -> String {
    let head: String = debug.chars().take_while(char::is_ascii_alphanumeric).collect();
    let mut out = String::with_capacity(head.len() + 4);
    for (i, c) in head.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn blame(e: &Error) -> &'static str {
    match e.blame() {
        Blame::Peer => "peer",
        Blame::Application => "application",
        Blame::Caller => "caller",
        Blame::Certificate => "certificate",
        _ => "engine",
    }
}

fn reason(r: &InvalidatedReason) -> &'static str {
    match r {
        InvalidatedReason::PreviousError(_) => "previous_error",
        InvalidatedReason::AlreadyAnswered => "already_answered",
        InvalidatedReason::Finished => "finished",
        InvalidatedReason::Closed => "closed",
        InvalidatedReason::Abandoned => "abandoned",
        InvalidatedReason::AlertSent(_) => "alert_sent",
        _ => "other",
    }
}

/// The Python exception for `e`; `cause` (the exception a Python callback
/// raised, when one did) becomes its `__cause__`.
pub(crate) fn to_py(py: Python<'_>, e: &Error, cause: Option<PyErr>) -> PyErr {
    match build(py, e) {
        Ok(err) => {
            if let Some(cause) = cause {
                err.set_cause(py, Some(cause));
            }
            err
        }
        Err(failed) => failed,
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let msg = e.to_string();
    let alert_sent = |a: &Option<wiretls_core::AlertDescription>| -> PyResult<Py<PyAny>> {
        match a {
            Some(a) => alerts::description(py, *a),
            None => Ok(py.None()),
        }
    };
    let mut attrs: Vec<(&str, Py<PyAny>)> = Vec::new();
    let err = match e {
        Error::AlertReceived { description, level } => {
            attrs.push(("alert_code", alerts::description(py, *description)?));
            attrs.push(("alert_level", alerts::level(py, *level)?));
            TLSAlertError::new_err(msg)
        }
        Error::BadTlsData { kind, alert_sent: a } => {
            attrs.push(("kind", snake_name(&format!("{kind:?}")).into_pyobject(py)?.into_any().unbind()));
            attrs.push(("alert_sent", alert_sent(a)?));
            BadTLSDataError::new_err(msg)
        }
        Error::PeerCertificate { problem, alert_sent: a, .. } => {
            attrs.push(("kind", "certificate".into_pyobject(py)?.into_any().unbind()));
            attrs.push((
                "problem",
                snake_name(&format!("{problem:?}")).into_pyobject(py)?.into_any().unbind(),
            ));
            attrs.push(("alert_sent", alert_sent(a)?));
            PeerCertificateError::new_err(msg)
        }
        Error::Rejected { alert_sent: a } => {
            attrs.push(("alert_sent", alert_sent(a)?));
            CertificateRejectedError::new_err(msg)
        }
        Error::NoServerCertificate { alert_sent: a, .. } => {
            attrs.push(("alert_sent", alert_sent(a)?));
            NoServerCertificateError::new_err(msg)
        }
        Error::CallbackPanicked { alert_sent: a, .. } => {
            attrs.push(("alert_sent", alert_sent(a)?));
            CallbackError::new_err(msg)
        }
        Error::Invalidated { reason: r } => {
            attrs.push(("reason", reason(r).into_pyobject(py)?.into_any().unbind()));
            InvalidatedError::new_err(msg)
        }
        Error::InvalidAlertLevel { .. } => InvalidAlertLevel::new_err(msg),
        Error::ReservedAlert { .. } => ReservedAlertError::new_err(msg),
        Error::LeafCertificateHasNoPrivateKey { .. } => LeafCertificateHasNoPrivateKeyError::new_err(msg),
        Error::MoreThanOneLeafCertificate { .. } => MoreThanOneLeafCertificateError::new_err(msg),
        Error::NoLeafCertificate { .. } => NoLeafCertificateError::new_err(msg),
        Error::NoCertificateChain { .. } => NoCertificateChainError::new_err(msg),
        Error::ExtraneousPrivateKey { .. } => ExtraneousPrivateKeyError::new_err(msg),
        Error::CertificateNotInChain { .. } => CertificateNotInChainError::new_err(msg),
        Error::Malformed { .. } => MalformedError::new_err(msg),
        Error::KeyMismatch { .. } => KeyMismatchError::new_err(msg),
        Error::Config(_) => ConfigurationError::new_err(msg),
        Error::Unsupported { engine, feature } => {
            attrs.push(("engine", engine.to_string().into_pyobject(py)?.into_any().unbind()));
            attrs.push((
                "feature",
                snake_name(&format!("{feature:?}")).into_pyobject(py)?.into_any().unbind(),
            ));
            UnsupportedError::new_err(msg)
        }
        _ => EngineError::new_err(msg),
    };
    let value = err.value(py);
    value.setattr("blame", blame(e))?;
    for (name, v) in attrs {
        value.setattr(name, v)?;
    }
    Ok(err)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    macro_rules! add {
        ($($t:ident),*) => { $( m.add(stringify!($t), py.get_type::<$t>())?; )* };
    }
    add!(
        TLSError,
        TLSAlertError,
        BadTLSDataError,
        PeerCertificateError,
        CertificateRejectedError,
        NoServerCertificateError,
        InvalidatedError,
        InvalidAlertLevel,
        ReservedAlertError,
        LeafCertificateHasNoPrivateKeyError,
        MoreThanOneLeafCertificateError,
        NoLeafCertificateError,
        NoCertificateChainError,
        ExtraneousPrivateKeyError,
        CertificateNotInChainError,
        MalformedError,
        KeyMismatchError,
        ConfigurationError,
        UnsupportedError,
        CallbackError,
        EngineError
    );
    Ok(())
}
