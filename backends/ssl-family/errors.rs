//! The library's errors in wiretls's terms: one translation, from the
//! numbers in the crate's `codes`. One source for the OpenSSL and BoringSSL
//! engines (`backends/ssl-family`).

use std::ffi::c_int;

use wiretls_core::{AlertDescription as A, AlertLevel, BadData, Error};

pub(crate) use crate::codes::{problem, verify_error_for, ENGINE};
use crate::codes::{
    verify_result, ALERT_REASON_OFFSET, CERTIFICATE_VERIFY_FAILED, NOT_TLS, PEER_DID_NOT_RETURN_A_CERTIFICATE,
};
use crate::shared::Shared;
use crate::ssl_lib::ssl::SslRef;

/// An engine failure with the library's message.
pub(crate) fn engine_error(e: &dyn std::fmt::Display) -> Error {
    Error::Engine { engine: ENGINE, detail: e.to_string() }
}

/// The X.509 verification problem of a chain check.
pub(crate) fn chain_problem(code: c_int) -> Error {
    Error::PeerCertificate { problem: problem(code), alert_sent: None, detail: None }
}

/// The reason codes of the error stack, library `SSL` only.
fn reasons(e: &crate::ssl_lib::ssl::Error) -> Vec<c_int> {
    e.ssl_error().map(|stack| stack.errors().iter().map(|e| e.reason_code()).collect()).unwrap_or_default()
}

/// Translate a failed library call on `ssl`.
pub(crate) fn translate(e: &crate::ssl_lib::ssl::Error, ssl: &SslRef, shared: &Shared) -> Error {
    let mut state = shared.lock();
    if let Some(failure) = state.failure.take() {
        return failure;
    }
    let alert_sent = state.alert_sent.map(|a| a.description);
    if let Some(violation) = state.refused.take() {
        return Error::PeerCertificate {
            problem: violation.rule.problem(),
            alert_sent,
            detail: Some(violation.to_string()),
        };
    }
    if state.veto.is_some() {
        return Error::Rejected { alert_sent };
    }
    if let Some(alert) = state.alert_received {
        if alert.level == AlertLevel::Fatal || alert_sent.is_none() {
            return Error::AlertReceived { description: alert.description, level: alert.level };
        }
    }
    drop(state);
    let reasons = reasons(e);
    if let Some(alert) =
        reasons.iter().find(|r| (ALERT_REASON_OFFSET..ALERT_REASON_OFFSET + 256).contains(*r))
    {
        let description = A::from_wire(u8::try_from(alert - ALERT_REASON_OFFSET).unwrap_or(0));
        return Error::AlertReceived { description, level: AlertLevel::Fatal };
    }
    if reasons.contains(&CERTIFICATE_VERIFY_FAILED) {
        return Error::PeerCertificate { problem: problem(verify_result(ssl)), alert_sent, detail: None };
    }
    if reasons.contains(&PEER_DID_NOT_RETURN_A_CERTIFICATE) {
        return Error::BadTlsData { kind: BadData::MissingCertificate, alert_sent };
    }
    match alert_sent {
        Some(alert) => Error::BadTlsData { kind: BadData::from_alert(alert), alert_sent },
        // Bytes that are no TLS record (an HTTP request, zeros): the library
        // refuses them from the record header and sends no alert.
        None if reasons.iter().any(|r| NOT_TLS.contains(r)) => {
            Error::BadTlsData { kind: BadData::UnexpectedMessage, alert_sent: None }
        }
        None => engine_error(e),
    }
}
