//! BoringSSL's numbers for the shared error translation (`backends/ssl-family/errors.rs`).

use std::ffi::c_int;

use boring::ssl::SslRef;
use boring::x509::X509StoreContextRef;
use boring_sys as ffi;
use wiretls_core::{AlertDescription as A, CertificateProblem as P};

/// The engine's name in errors.
pub(crate) const ENGINE: &str = "boring";

/// `SSL_R_CERTIFICATE_VERIFY_FAILED`.
pub(crate) const CERTIFICATE_VERIFY_FAILED: c_int = ffi::SSL_R_CERTIFICATE_VERIFY_FAILED;
/// `SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE`.
pub(crate) const PEER_DID_NOT_RETURN_A_CERTIFICATE: c_int = ffi::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE;
/// `SSL_R_HTTPS_PROXY_REQUEST`, `SSL_R_HTTP_REQUEST`, `SSL_R_WRONG_VERSION_NUMBER`:
/// a record header that is no TLS.
pub(crate) const NOT_TLS: [c_int; 3] =
    [ffi::SSL_R_HTTPS_PROXY_REQUEST, ffi::SSL_R_HTTP_REQUEST, ffi::SSL_R_WRONG_VERSION_NUMBER];
/// Reason codes for received alerts are `SSL_AD_REASON_OFFSET` plus the alert.
pub(crate) const ALERT_REASON_OFFSET: c_int = ffi::SSL_AD_REASON_OFFSET;

/// The connection's X.509 verification result.
#[doc(alias = "SSL_get_verify_result")]
pub(crate) fn verify_result(ssl: &SslRef) -> c_int {
    ssl.verify_result().err().map_or(0, |e| e.as_raw())
}

/// The verification error a store context ended with.
#[doc(alias = "X509_STORE_CTX_get_error")]
pub(crate) fn store_error(ctx: &X509StoreContextRef) -> c_int {
    ctx.verify_result().err().map_or(0, |e| e.as_raw())
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
