//! rustls errors in wiretls's terms: one translation table.

use rustls::{CertificateError, PeerIncompatible};
use wiretls_core::{AlertDescription, AlertLevel, BadData, CertificateProblem, Error};

/// The alert rustls derives from `e` when it fails a handshake.
pub(crate) fn rustls_alert(e: &rustls::Error) -> Option<rustls::AlertDescription> {
    use rustls::AlertDescription as A;
    use rustls::Error as R;
    Some(match e {
        R::InvalidCertificate(c) => c.clone().into(),
        R::InvalidMessage(m) => (*m).into(),
        R::DecryptError => A::BadRecordMac,
        R::InappropriateMessage { .. } | R::InappropriateHandshakeMessage { .. } => A::UnexpectedMessage,
        R::PeerSentOversizedRecord => A::RecordOverflow,
        R::NoApplicationProtocol => A::NoApplicationProtocol,
        R::NoCertificatesPresented => A::CertificateRequired,
        R::PeerIncompatible(p) if version_problem(p) => A::ProtocolVersion,
        R::PeerIncompatible(_) => A::HandshakeFailure,
        R::PeerMisbehaved(_) => A::IllegalParameter,
        R::AlertReceived(_) => return None,
        _ => A::InternalError,
    })
}

fn version_problem(p: &PeerIncompatible) -> bool {
    matches!(
        p,
        PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
            | PeerIncompatible::SupportedVersionsExtensionRequired
            | PeerIncompatible::Tls12NotOffered
            | PeerIncompatible::Tls12NotOfferedOrEnabled
    )
}

/// The complete records in `bytes`: (content type, payload).
fn records(mut bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let len = usize::from(u16::from_be_bytes([*bytes.get(3)?, *bytes.get(4)?]));
        let record = (bytes[0], bytes.get(5..5 + len)?);
        bytes = &bytes[5 + len..];
        Some(record)
    })
}

/// The description of the first plaintext (unencrypted) alert record in
/// `bytes`, if there is one: the exact alert rustls just wrote, when it
/// wrote it in the clear.
fn plaintext_alert(bytes: &[u8]) -> Option<AlertDescription> {
    records(bytes).find_map(|(kind, body)| match (kind, body) {
        (21, [_, description]) => Some(AlertDescription::from_wire(*description)),
        _ => None,
    })
}

/// Whether the last record in `bytes` is an alert: a plaintext one, or an
/// encrypted record as long as a sealed alert (two bytes, the inner content
/// type, a 16-byte tag: every AEAD suite rustls has).
fn ends_with_alert(bytes: &[u8]) -> bool {
    matches!(records(bytes).last().map(|(kind, body)| (kind, body.len())), Some((21, 2) | (23, 19)))
}

/// Translate a rustls error. `written` holds what rustls wrote after the
/// error (its alert, if any).
pub(crate) fn translate(e: &rustls::Error, written: &[u8], engine: &'static str) -> Error {
    use rustls::Error as R;
    let alert_sent = if written.is_empty() {
        None
    } else {
        plaintext_alert(written).or_else(|| rustls_alert(e).map(|a| AlertDescription::from_wire(u8::from(a))))
    };
    let bad = |kind: BadData| Error::BadTlsData { kind, alert_sent };
    match e {
        // rustls answers an alert of a level no RFC defines with
        // illegal_parameter (and reports it as received): the peer's fault.
        R::AlertReceived(_) if alert_sent == Some(AlertDescription::ILLEGAL_PARAMETER) => {
            bad(BadData::IllegalParameter)
        }
        // rustls answered the peer's alert with an alert of its own: a
        // warning that TLS 1.3 forbids during the handshake (rustls sends
        // decode_error, sealed when the handshake is encrypted). Reported as
        // the peer's bad data, so that the alert goes out before the close.
        R::AlertReceived(_) if ends_with_alert(written) => Error::BadTlsData {
            kind: BadData::Decode,
            alert_sent: Some(plaintext_alert(written).unwrap_or(AlertDescription::DECODE_ERROR)),
        },
        R::AlertReceived(d) => Error::AlertReceived {
            description: AlertDescription::from_wire(u8::from(*d)),
            level: AlertLevel::Fatal,
        },
        R::InvalidCertificate(c) => Error::PeerCertificate { problem: problem(c), alert_sent, detail: None },
        R::NoCertificatesPresented => bad(BadData::MissingCertificate),
        R::DecryptError => bad(BadData::Decrypt),
        R::InvalidMessage(m) => {
            match AlertDescription::from_wire(u8::from(rustls::AlertDescription::from(*m))) {
                AlertDescription::ILLEGAL_PARAMETER => bad(BadData::IllegalParameter),
                _ => bad(BadData::Decode),
            }
        }
        R::InappropriateMessage { .. } | R::InappropriateHandshakeMessage { .. } => {
            bad(BadData::UnexpectedMessage)
        }
        R::PeerSentOversizedRecord => bad(BadData::RecordOverflow),
        R::NoApplicationProtocol => bad(BadData::NoApplicationProtocol),
        R::PeerIncompatible(p) if version_problem(p) => bad(BadData::UnsupportedVersion),
        R::PeerIncompatible(_) => bad(BadData::NoCommonParameters),
        R::PeerMisbehaved(_) => bad(BadData::IllegalParameter),
        other => Error::Engine { engine, detail: other.to_string() },
    }
}

fn problem(c: &CertificateError) -> CertificateProblem {
    use CertificateError as C;
    match c {
        C::UnknownIssuer => CertificateProblem::UnknownIssuer,
        C::Expired | C::ExpiredContext { .. } => CertificateProblem::Expired,
        C::NotValidYet | C::NotValidYetContext { .. } => CertificateProblem::NotYetValid,
        C::NotValidForName | C::NotValidForNameContext { .. } => CertificateProblem::NameMismatch,
        C::BadSignature
        | C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => CertificateProblem::BadSignature,
        C::Revoked => CertificateProblem::Revoked,
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => CertificateProblem::InvalidPurpose,
        C::BadEncoding => CertificateProblem::BadEncoding,
        C::Other(other) if is_ca_used_as_end_entity(other) => CertificateProblem::CaUsedAsEndEntity,
        _ => CertificateProblem::Other,
    }
}

/// Whether webpki refused the end-entity certificate for being a CA: rustls
/// has no `CertificateError` for that and passes webpki's own error on
/// inside `Other` (and sends `certificate_unknown`).
fn is_ca_used_as_end_entity(other: &rustls::OtherError) -> bool {
    let inner: &(dyn std::error::Error + 'static) = &*other.0;
    matches!(inner.downcast_ref::<webpki::Error>(), Some(webpki::Error::CaUsedAsEndEntity))
}

/// The verifier error that makes rustls send `alert` (or the nearest it can).
pub(crate) fn error_for_alert(alert: AlertDescription) -> rustls::Error {
    use CertificateError as C;
    let cert = |c: C| rustls::Error::InvalidCertificate(c);
    match alert {
        AlertDescription::BAD_CERTIFICATE => cert(C::BadEncoding),
        AlertDescription::CERTIFICATE_EXPIRED => cert(C::Expired),
        AlertDescription::CERTIFICATE_REVOKED => cert(C::Revoked),
        AlertDescription::UNKNOWN_CA => cert(C::UnknownIssuer),
        AlertDescription::DECRYPT_ERROR => cert(C::BadSignature),
        AlertDescription::UNSUPPORTED_CERTIFICATE => cert(C::InvalidPurpose),
        AlertDescription::ACCESS_DENIED => cert(C::ApplicationVerificationFailure),
        AlertDescription::BAD_CERTIFICATE_STATUS_RESPONSE => cert(C::InvalidOcspResponse),
        AlertDescription::ILLEGAL_PARAMETER => {
            rustls::Error::PeerMisbehaved(rustls::PeerMisbehaved::BadCertChainExtensions)
        }
        AlertDescription::HANDSHAKE_FAILURE => {
            rustls::Error::General("rejected by the verify callback".into())
        }
        _ => cert(C::Other(rustls::OtherError(std::sync::Arc::new(Vetoed)))),
    }
}

/// The marker inside a `certificate_unknown` veto.
#[derive(Debug)]
struct Vetoed;

impl std::fmt::Display for Vetoed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rejected by the verify callback")
    }
}

impl std::error::Error for Vetoed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verify_alert_maps_to_itself() {
        for alert in crate::caps::VERIFY_ALERTS {
            let e = error_for_alert(*alert);
            let sent = rustls_alert(&e).map(|a| AlertDescription::from_wire(u8::from(a)));
            let sent = match e {
                rustls::Error::General(_) => Some(AlertDescription::HANDSHAKE_FAILURE),
                _ => sent,
            };
            assert_eq!(sent, Some(*alert));
        }
    }

    #[test]
    fn finds_a_plaintext_alert() {
        assert_eq!(plaintext_alert(&[21, 3, 3, 0, 2, 2, 40]), Some(AlertDescription::HANDSHAKE_FAILURE));
        assert_eq!(plaintext_alert(&[23, 3, 3, 0, 2, 2, 40]), None);
        assert_eq!(plaintext_alert(&[21, 3, 3, 0, 2]), None);
    }
}
