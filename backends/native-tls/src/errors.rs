//! native-tls's errors in wiretls's terms.
//!
//! native-tls's own error type is opaque. Where the platform library is
//! OpenSSL (Linux and the other Unixes), its source is OpenSSL's error
//! stack and its message names the X.509 verification result: both are
//! read here to name the fault (a received alert, a certificate problem,
//! bad data). On other platforms every failure is an `Error::Engine` with
//! the platform's message, or the alert that was seen in the clear.

use wiretls_core::{AlertDescription as A, AlertLevel, BadData, CertificateProblem as P, Error};

/// The engine's name in errors.
pub(crate) const ENGINE: &str = "native-tls";

/// An engine failure with the library's message.
pub(crate) fn engine_error(e: &dyn std::fmt::Display) -> Error {
    Error::Engine { engine: ENGINE, detail: e.to_string() }
}

/// What went wrong, from the library's error and what the session saw on
/// the wire: `sent` is the alert our side wrote in the clear, if any, and
/// `alert_written` whether the failing call ended the output with a whole
/// record (an alert, encrypted or not).
pub(crate) fn translate(
    e: &(dyn std::error::Error + 'static),
    sent: Option<A>,
    alert_written: bool,
) -> Error {
    let fault = platform::fault(e);
    let alert_sent = |inferred: Option<A>| sent.or(if alert_written { inferred } else { None });
    match fault {
        Fault::AlertReceived(description) => Error::AlertReceived { description, level: AlertLevel::Fatal },
        Fault::Certificate(problem) => {
            Error::PeerCertificate { problem, alert_sent: alert_sent(Some(problem.alert())), detail: None }
        }
        // The alert seen in the clear names the fault as the library judged it.
        Fault::BadData(_) | Fault::Internal | Fault::Unknown if sent.is_some() => {
            Error::BadTlsData { kind: sent.map_or(BadData::Other, BadData::from_alert), alert_sent: sent }
        }
        Fault::BadData(kind) => Error::BadTlsData { kind, alert_sent: alert_sent(kind.alert()) },
        Fault::Internal => {
            Error::BadTlsData { kind: BadData::Other, alert_sent: alert_sent(Some(A::INTERNAL_ERROR)) }
        }
        Fault::Unknown => engine_error(e),
    }
}

/// What the platform's error says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The peer's fatal alert.
    AlertReceived(A),
    /// The peer's certificate failed the platform's verification.
    Certificate(P),
    /// The peer's bytes were wrong.
    BadData(BadData),
    /// The library failed on the peer's bytes in a way it calls internal
    /// (OpenSSL: a protected record too short for its cipher); it sends
    /// `internal_error`.
    Internal,
    /// Nothing wiretls can name.
    Unknown,
}

#[cfg(not(any(target_os = "windows", target_vendor = "apple")))]
mod platform {
    //! native-tls over OpenSSL: the error stack's reason codes.

    use std::ffi::c_int;

    use openssl::error::ErrorStack;
    use wiretls_core::{AlertDescription as A, BadData, CertificateProblem as P};

    use super::Fault;

    /// Reason codes of received alerts: `SSL_AD_REASON_OFFSET` plus the alert.
    const ALERT_REASON_OFFSET: c_int = 1000;
    /// `ERR_R_INTERNAL_ERROR` (259 with the fatal and common flags): libssl
    /// raises it only with `SSLfatal(s, SSL_AD_INTERNAL_ERROR, ..)`.
    const INTERNAL_ERROR: c_int = 259 | 1 << 18 | 2 << 18;
    /// `SSL_R_CERTIFICATE_VERIFY_FAILED`.
    const CERTIFICATE_VERIFY_FAILED: c_int = 134;
    /// `SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC`.
    const BAD_RECORD_MAC: c_int = 281;
    /// `SSL_R_PACKET_LENGTH_TOO_LONG`, `SSL_R_ENCRYPTED_LENGTH_TOO_LONG`,
    /// `SSL_R_DATA_LENGTH_TOO_LONG`.
    const TOO_LONG: [c_int; 3] = [198, 150, 146];
    /// `SSL_R_UNEXPECTED_MESSAGE`, `SSL_R_UNEXPECTED_RECORD`, `SSL_R_WRONG_VERSION_NUMBER`
    /// (a record whose header is no TLS record), `SSL_R_BAD_RECORD_TYPE`,
    /// `SSL_R_HTTP_REQUEST`, `SSL_R_HTTPS_PROXY_REQUEST` (an HTTP client).
    const UNEXPECTED: [c_int; 6] = [244, 245, 267, 443, 156, 155];
    /// `SSL_R_BAD_EXTENSION`, `SSL_R_EXCESSIVE_MESSAGE_SIZE`, `SSL_R_UNKNOWN_ALERT_TYPE`.
    const ILLEGAL: [c_int; 3] = [110, 152, 246];
    /// `SSL_R_UNSUPPORTED_PROTOCOL`, `SSL_R_NO_PROTOCOLS_AVAILABLE`,
    /// `SSL_R_TLSV1_ALERT_PROTOCOL_VERSION`'s local twin `SSL_R_VERSION_TOO_LOW`.
    const VERSION: [c_int; 3] = [258, 191, 396];
    /// `SSL_R_NO_SHARED_CIPHER`, `SSL_R_NO_SUITABLE_KEY_SHARE`, `SSL_R_NO_SHARED_GROUPS`.
    const NO_COMMON: [c_int; 3] = [193, 101, 410];
    /// `SSL_R_LENGTH_MISMATCH`, `SSL_R_BAD_PACKET`, `SSL_R_LENGTH_TOO_SHORT`,
    /// `SSL_R_BAD_LENGTH`, `SSL_R_RECORD_LENGTH_MISMATCH`, `SSL_R_INVALID_ALERT`.
    const DECODE: [c_int; 6] = [159, 240, 160, 271, 213, 205];

    /// The error stack under a native-tls error (its source), or under an
    /// I/O error from a read or write (its inner `ssl::Error`).
    fn stack<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a ErrorStack> {
        let mut cause: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
        while let Some(c) = cause {
            if let Some(stack) = c.downcast_ref::<ErrorStack>() {
                return Some(stack);
            }
            if let Some(ssl) = c.downcast_ref::<openssl::ssl::Error>() {
                return ssl.ssl_error();
            }
            if let Some(io) = c.downcast_ref::<std::io::Error>() {
                cause = io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static));
                continue;
            }
            cause = c.source();
        }
        None
    }

    pub(super) fn fault(e: &(dyn std::error::Error + 'static)) -> Fault {
        let reasons: Vec<c_int> =
            stack(e).map(|s| s.errors().iter().map(|e| e.reason_code()).collect()).unwrap_or_default();
        if let Some(r) =
            reasons.iter().find(|r| (ALERT_REASON_OFFSET..ALERT_REASON_OFFSET + 256).contains(*r))
        {
            return Fault::AlertReceived(A::from_wire(u8::try_from(r - ALERT_REASON_OFFSET).unwrap_or(0)));
        }
        if reasons.contains(&CERTIFICATE_VERIFY_FAILED) {
            return Fault::Certificate(problem(&e.to_string()));
        }
        let kind = reasons.iter().find_map(|r| match *r {
            BAD_RECORD_MAC => Some(BadData::Decrypt),
            r if TOO_LONG.contains(&r) => Some(BadData::RecordOverflow),
            r if UNEXPECTED.contains(&r) => Some(BadData::UnexpectedMessage),
            r if VERSION.contains(&r) => Some(BadData::UnsupportedVersion),
            r if NO_COMMON.contains(&r) => Some(BadData::NoCommonParameters),
            r if DECODE.contains(&r) => Some(BadData::Decode),
            r if ILLEGAL.contains(&r) => Some(BadData::IllegalParameter),
            _ => None,
        });
        match kind {
            Some(kind) => Fault::BadData(kind),
            None if reasons.contains(&INTERNAL_ERROR) => Fault::Internal,
            None => Fault::Unknown,
        }
    }

    /// The verification problem named at the end of native-tls's message
    /// ("... (certificate has expired)"): OpenSSL's text of the result
    /// (`X509_verify_cert_error_string`, unchanged since OpenSSL 1.0).
    fn problem(message: &str) -> P {
        let Some(text) = message.rsplit_once('(').map(|(_, t)| t.trim_end_matches(')')) else {
            return P::Other;
        };
        match text {
            "unable to get issuer certificate"
            | "unable to get local issuer certificate"
            | "self-signed certificate in certificate chain"
            | "self signed certificate in certificate chain"
            | "self-signed certificate"
            | "self signed certificate"
            | "unable to verify the first certificate"
            | "certificate not trusted"
            | "invalid CA certificate" => P::UnknownIssuer,
            "certificate has expired" => P::Expired,
            "certificate is not yet valid" => P::NotYetValid,
            "hostname mismatch" | "IP address mismatch" => P::NameMismatch,
            "certificate signature failure" => P::BadSignature,
            "certificate revoked" => P::Revoked,
            "unsuitable certificate purpose" => P::InvalidPurpose,
            "permitted subtree violation" | "excluded subtree violation" => P::NameConstraints,
            _ => P::Other,
        }
    }
}

#[cfg(any(target_os = "windows", target_vendor = "apple"))]
mod platform {
    //! SChannel and Security.framework: their errors are not read.

    use super::Fault;

    pub(super) fn fault(_: &(dyn std::error::Error + 'static)) -> Fault {
        Fault::Unknown
    }
}
