//! OpenSSL's errors in wiretls's terms: one translation table.

use std::ffi::c_int;

use openssl::ssl::SslRef;
use wiretls_core::{AlertDescription as A, AlertLevel, BadData, CertificateProblem as P, Error};

use crate::shared::Shared;

pub(crate) const ENGINE: &str = "openssl";

/// An engine failure with OpenSSL's message.
pub(crate) fn engine_error(e: &dyn std::fmt::Display) -> Error {
    Error::Engine { engine: ENGINE, detail: e.to_string() }
}

/// The X.509 verification error that makes OpenSSL send `alert` (its
/// `ssl_x509err2alert` table), for a verify-callback veto.
pub(crate) fn verify_error_for(alert: A) -> c_int {
    use openssl_sys as ffi;
    match alert {
        A::CERTIFICATE_EXPIRED => ffi::X509_V_ERR_CERT_HAS_EXPIRED,
        A::CERTIFICATE_REVOKED => ffi::X509_V_ERR_CERT_REVOKED,
        A::UNKNOWN_CA => ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
        A::UNSUPPORTED_CERTIFICATE => ffi::X509_V_ERR_INVALID_PURPOSE,
        A::DECRYPT_ERROR => ffi::X509_V_ERR_CERT_SIGNATURE_FAILURE,
        A::HANDSHAKE_FAILURE => ffi::X509_V_ERR_APPLICATION_VERIFICATION,
        A::INTERNAL_ERROR => ffi::X509_V_ERR_OUT_OF_MEM,
        A::CERTIFICATE_UNKNOWN => ffi::X509_V_ERR_SUBJECT_ISSUER_MISMATCH,
        _ => ffi::X509_V_ERR_CERT_REJECTED,
    }
}

/// The problem an X.509 verification result names.
fn problem(code: c_int) -> P {
    use openssl_sys as ffi;
    match code {
        ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
        | ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | ffi::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
        | ffi::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
        | ffi::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
        | ffi::X509_V_ERR_CERT_UNTRUSTED => P::UnknownIssuer,
        ffi::X509_V_ERR_CERT_HAS_EXPIRED | ffi::X509_V_ERR_CRL_HAS_EXPIRED => P::Expired,
        ffi::X509_V_ERR_CERT_NOT_YET_VALID => P::NotYetValid,
        ffi::X509_V_ERR_HOSTNAME_MISMATCH | ffi::X509_V_ERR_IP_ADDRESS_MISMATCH => P::NameMismatch,
        ffi::X509_V_ERR_CERT_SIGNATURE_FAILURE => P::BadSignature,
        ffi::X509_V_ERR_CERT_REVOKED => P::Revoked,
        ffi::X509_V_ERR_INVALID_PURPOSE => P::InvalidPurpose,
        ffi::X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY => P::BadEncoding,
        _ => P::Other,
    }
}

/// The X.509 verification problem of a chain check.
pub(crate) fn chain_problem(code: c_int) -> Error {
    Error::PeerCertificate { problem: problem(code), alert_sent: None, detail: None }
}

/// The reason codes of the error stack, library `SSL` only.
fn reasons(e: &openssl::ssl::Error) -> Vec<c_int> {
    e.ssl_error()
        .map(|stack| stack.errors().iter().map(openssl::error::Error::reason_code).collect())
        .unwrap_or_default()
}

/// `SSL_R_CERTIFICATE_VERIFY_FAILED`.
const CERTIFICATE_VERIFY_FAILED: c_int = 134;
/// `SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE`.
const PEER_DID_NOT_RETURN_A_CERTIFICATE: c_int = 199;
/// Reason codes for received alerts are `SSL_AD_REASON_OFFSET` (1000) plus the alert.
const ALERT_REASON_OFFSET: c_int = 1000;

/// Translate a failed libssl call on `ssl`.
pub(crate) fn translate(e: &openssl::ssl::Error, ssl: &SslRef, shared: &Shared) -> Error {
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
        return Error::PeerCertificate {
            problem: problem(ssl.verify_result().as_raw()),
            alert_sent,
            detail: None,
        };
    }
    if reasons.contains(&PEER_DID_NOT_RETURN_A_CERTIFICATE) {
        return Error::BadTlsData { kind: BadData::MissingCertificate, alert_sent };
    }
    match alert_sent {
        Some(alert) => Error::BadTlsData { kind: BadData::from_alert(alert), alert_sent },
        None => engine_error(e),
    }
}
