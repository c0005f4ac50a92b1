//! OpenSSL's numbers for the shared error translation (`backends/ssl-family/errors.rs`).

use std::ffi::c_int;

use openssl::ssl::SslRef;
use openssl::x509::X509StoreContextRef;
use wiretls_core::{AlertDescription as A, CertificateProblem as P};

/// The engine's name in errors.
pub(crate) const ENGINE: &str = "openssl";

/// `SSL_R_CERTIFICATE_VERIFY_FAILED`.
pub(crate) const CERTIFICATE_VERIFY_FAILED: c_int = 134;
/// `SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE`.
pub(crate) const PEER_DID_NOT_RETURN_A_CERTIFICATE: c_int = 199;
/// `SSL_R_HTTPS_PROXY_REQUEST`, `SSL_R_HTTP_REQUEST`, `SSL_R_WRONG_VERSION_NUMBER`:
/// a record header that is no TLS (sslerr.h).
pub(crate) const NOT_TLS: [c_int; 3] = [155, 156, 267];
/// Reason codes for received alerts are `SSL_AD_REASON_OFFSET` (1000) plus the alert.
pub(crate) const ALERT_REASON_OFFSET: c_int = 1000;

/// The connection's X.509 verification result.
#[doc(alias = "SSL_get_verify_result")]
pub(crate) fn verify_result(ssl: &SslRef) -> c_int {
    ssl.verify_result().as_raw()
}

/// The verification error a store context ended with.
#[doc(alias = "X509_STORE_CTX_get_error")]
pub(crate) fn store_error(ctx: &X509StoreContextRef) -> c_int {
    ctx.error().as_raw()
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
pub(crate) fn problem(code: c_int) -> P {
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
