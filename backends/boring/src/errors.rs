//! BoringSSL's errors in wiretls's terms: one translation table.

use std::ffi::c_int;

use boring::ssl::SslRef;
use boring_sys as ffi;
use wiretls_core::{AlertDescription as A, AlertLevel, BadData, CertificateProblem as P, Error};

use crate::shared::Shared;

pub(crate) const ENGINE: &str = "boring";

/// An engine failure with BoringSSL's message.
pub(crate) fn engine_error(e: &dyn std::fmt::Display) -> Error {
    Error::Engine { engine: ENGINE, detail: e.to_string() }
}

/// The X.509 verification error that makes BoringSSL send `alert` (its
/// `ssl_verify_alarm_type` table), for a verify-callback veto.
pub(crate) fn verify_error_for(alert: A) -> c_int {
    match alert {
        A::CERTIFICATE_EXPIRED => ffi::X509_V_ERR_CERT_HAS_EXPIRED,
        A::CERTIFICATE_REVOKED => ffi::X509_V_ERR_CERT_REVOKED,
        A::UNKNOWN_CA => ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
        A::UNSUPPORTED_CERTIFICATE => ffi::X509_V_ERR_INVALID_PURPOSE,
        A::HANDSHAKE_FAILURE => ffi::X509_V_ERR_APPLICATION_VERIFICATION,
        A::INTERNAL_ERROR => ffi::X509_V_ERR_OUT_OF_MEM,
        A::CERTIFICATE_UNKNOWN => ffi::X509_V_ERR_SUBJECT_ISSUER_MISMATCH,
        _ => ffi::X509_V_ERR_CERT_REJECTED,
    }
}

/// The problem an X.509 verification result names.
pub(crate) fn problem(code: c_int) -> P {
    match code as u32 {
        c if c == ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT as u32
            || c == ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY as u32
            || c == ffi::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN as u32
            || c == ffi::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT as u32
            || c == ffi::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE as u32
            || c == ffi::X509_V_ERR_CERT_UNTRUSTED as u32 =>
        {
            P::UnknownIssuer
        }
        c if c == ffi::X509_V_ERR_CERT_HAS_EXPIRED as u32 => P::Expired,
        c if c == ffi::X509_V_ERR_CERT_NOT_YET_VALID as u32 => P::NotYetValid,
        c if c == ffi::X509_V_ERR_HOSTNAME_MISMATCH as u32
            || c == ffi::X509_V_ERR_IP_ADDRESS_MISMATCH as u32 =>
        {
            P::NameMismatch
        }
        c if c == ffi::X509_V_ERR_CERT_SIGNATURE_FAILURE as u32 => P::BadSignature,
        c if c == ffi::X509_V_ERR_CERT_REVOKED as u32 => P::Revoked,
        c if c == ffi::X509_V_ERR_INVALID_PURPOSE as u32 => P::InvalidPurpose,
        _ => P::Other,
    }
}

fn reasons(e: &boring::ssl::Error) -> Vec<c_int> {
    e.ssl_error().map(|stack| stack.errors().iter().map(|e| e.reason_code()).collect()).unwrap_or_default()
}

/// Translate a failed BoringSSL call on `ssl`.
pub(crate) fn translate(e: &boring::ssl::Error, ssl: &SslRef, shared: &Shared) -> Error {
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
    let offset = ffi::SSL_AD_REASON_OFFSET;
    if let Some(alert) = reasons.iter().find(|r| (offset..offset + 256).contains(*r)) {
        let description = A::from_wire(u8::try_from(alert - offset).unwrap_or(0));
        return Error::AlertReceived { description, level: AlertLevel::Fatal };
    }
    if reasons.contains(&ffi::SSL_R_CERTIFICATE_VERIFY_FAILED) {
        return Error::PeerCertificate {
            problem: problem(ssl.verify_result().err().map_or(0, |e| e.as_raw())),
            alert_sent,
            detail: None,
        };
    }
    if reasons.contains(&ffi::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
        return Error::BadTlsData { kind: BadData::MissingCertificate, alert_sent };
    }
    match alert_sent {
        Some(alert) => Error::BadTlsData { kind: BadData::from_alert(alert), alert_sent },
        None => engine_error(e),
    }
}
