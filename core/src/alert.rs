use core::fmt;

use crate::error::Error;
use crate::suites::ProtocolVersion;

/// The level byte of a TLS alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AlertLevel {
    /// `warning(1)`: the connection may go on.
    Warning,
    /// `fatal(2)`: the connection ends and is invalidated.
    Fatal,
}

impl AlertLevel {
    /// The wire value of this level (1 or 2).
    #[must_use]
    pub const fn wire(self) -> u8 {
        match self {
            Self::Warning => 1,
            Self::Fatal => 2,
        }
    }

    /// The level for a wire value, or `None` for a value no RFC defines.
    #[must_use]
    pub const fn from_wire(value: u8) -> Option<Self> {
        match value {
            1 => Some(Self::Warning),
            2 => Some(Self::Fatal),
            _ => None,
        }
    }
}

impl fmt::Display for AlertLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Fatal => "fatal",
        })
    }
}

/// What the specifications say about the level of one alert description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LevelRule {
    /// Only `fatal` is allowed ("This message is always fatal").
    AlwaysFatal,
    /// Only `warning` is allowed (`no_renegotiation`, `close_notify`).
    AlwaysWarning,
    /// Either level is allowed; `warning` is what the specification
    /// describes as usual (`user_canceled`), so it is the default.
    UsuallyWarning,
    /// Either level is allowed and the specification names no default: a
    /// level must be given explicitly.
    Ambiguous,
    /// A reserved code that "MUST NOT be sent" (it exists only so that a
    /// received one can be named).
    Reserved,
}

/// An alert description: the second byte of a TLS alert.
///
/// TLS alerts: every alert description of RFC 5246 and RFC 8446 (plus the
/// registered extensions that those two RFCs reference) as a named constant,
/// and the level rules that [`Connection::send_alert`](crate::Connection::send_alert)
/// enforces.
///
/// The seed asks `send_alert(alert_code, level=None)` to refuse a level the
/// specification forbids for a code, and to refuse a missing level when the
/// specification leaves the level open. The rules here depend on the
/// protocol version: TLS 1.3 (RFC 8446, section 6) makes every error alert
/// fatal, while TLS 1.2 (RFC 5246, section 7.2) leaves several certificate
/// alerts to the sender.
///
/// Every description defined by RFC 5246 and RFC 8446 has a constant here.
/// Unknown values received from a peer are kept as they are (see
/// [`AlertDescription::from_wire`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct AlertDescription(u8);

macro_rules! alert_table {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, $text:literal, tls12: $r12:ident, tls13: $r13:ident; )*) => {
        impl AlertDescription {
            $( $(#[$doc])* pub const $name: Self = Self($value); )*

            /// Every description named by RFC 5246 or RFC 8446, in wire order.
            pub const ALL: &'static [AlertDescription] = &[$(Self::$name),*];

            /// The specification's name (`"close_notify"`), or `None` for an
            /// unassigned value.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($text), )*
                    _ => None,
                }
            }

            /// The level rule for this description under `version`; `None`
            /// when the version is not yet negotiated, where the TLS 1.2
            /// rules (the more permissive ones) apply. Unassigned values are
            /// [`LevelRule::Ambiguous`].
            pub const fn level_rule(self, version: Option<ProtocolVersion>) -> LevelRule {
                let tls13 = matches!(version, Some(ProtocolVersion::Tls13));
                match self.0 {
                    $( $value => if tls13 { LevelRule::$r13 } else { LevelRule::$r12 }, )*
                    _ => LevelRule::Ambiguous,
                }
            }
        }
    };
}

alert_table! {
    /// `close_notify(0)`: the sender will send no more data (RFC 5246 7.2.1, RFC 8446 6.1).
    CLOSE_NOTIFY = 0, "close_notify", tls12: AlwaysWarning, tls13: AlwaysWarning;
    /// `unexpected_message(10)`: an inappropriate message was received.
    UNEXPECTED_MESSAGE = 10, "unexpected_message", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `bad_record_mac(20)`: a record could not be deprotected.
    BAD_RECORD_MAC = 20, "bad_record_mac", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `decryption_failed_RESERVED(21)`: used by TLS 1.0 only; must not be sent.
    DECRYPTION_FAILED_RESERVED = 21, "decryption_failed_RESERVED", tls12: Reserved, tls13: Reserved;
    /// `record_overflow(22)`: a record longer than allowed was received.
    RECORD_OVERFLOW = 22, "record_overflow", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `decompression_failure_RESERVED(30)`: compression no longer exists; must not be sent in TLS 1.3.
    DECOMPRESSION_FAILURE = 30, "decompression_failure", tls12: AlwaysFatal, tls13: Reserved;
    /// `handshake_failure(40)`: no acceptable set of security parameters.
    HANDSHAKE_FAILURE = 40, "handshake_failure", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `no_certificate_RESERVED(41)`: SSL 3.0 only; must not be sent.
    NO_CERTIFICATE_RESERVED = 41, "no_certificate_RESERVED", tls12: Reserved, tls13: Reserved;
    /// `bad_certificate(42)`: a certificate was corrupt or failed verification.
    BAD_CERTIFICATE = 42, "bad_certificate", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `unsupported_certificate(43)`: a certificate of an unsupported type.
    UNSUPPORTED_CERTIFICATE = 43, "unsupported_certificate", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `certificate_revoked(44)`: a certificate was revoked by its signer.
    CERTIFICATE_REVOKED = 44, "certificate_revoked", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `certificate_expired(45)`: a certificate has expired or is not yet valid.
    CERTIFICATE_EXPIRED = 45, "certificate_expired", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `certificate_unknown(46)`: some other issue with a certificate.
    CERTIFICATE_UNKNOWN = 46, "certificate_unknown", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `illegal_parameter(47)`: a field was out of range or inconsistent.
    ILLEGAL_PARAMETER = 47, "illegal_parameter", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `unknown_ca(48)`: the chain did not lead to a trusted root.
    UNKNOWN_CA = 48, "unknown_ca", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `access_denied(49)`: a valid certificate, but access was refused.
    ACCESS_DENIED = 49, "access_denied", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `decode_error(50)`: a message could not be decoded.
    DECODE_ERROR = 50, "decode_error", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `decrypt_error(51)`: a handshake cryptographic operation failed.
    DECRYPT_ERROR = 51, "decrypt_error", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `export_restriction_RESERVED(60)`: TLS 1.0 only; must not be sent.
    EXPORT_RESTRICTION_RESERVED = 60, "export_restriction_RESERVED", tls12: Reserved, tls13: Reserved;
    /// `protocol_version(70)`: the peer's protocol version is not supported.
    PROTOCOL_VERSION = 70, "protocol_version", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `insufficient_security(71)`: the peer's parameters are too weak.
    INSUFFICIENT_SECURITY = 71, "insufficient_security", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `internal_error(80)`: a local error unrelated to the peer.
    INTERNAL_ERROR = 80, "internal_error", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `inappropriate_fallback(86)`: a fallback retry was refused (RFC 7507).
    INAPPROPRIATE_FALLBACK = 86, "inappropriate_fallback", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `user_canceled(90)`: the handshake is being canceled; usually a warning.
    USER_CANCELED = 90, "user_canceled", tls12: UsuallyWarning, tls13: UsuallyWarning;
    /// `no_renegotiation(100)`: renegotiation refused; always a warning (TLS 1.2; must not be sent in TLS 1.3).
    NO_RENEGOTIATION = 100, "no_renegotiation", tls12: AlwaysWarning, tls13: Reserved;
    /// `missing_extension(109)`: a mandatory extension was missing (RFC 8446).
    MISSING_EXTENSION = 109, "missing_extension", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `unsupported_extension(110)`: an extension that was not offered was received.
    UNSUPPORTED_EXTENSION = 110, "unsupported_extension", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `certificate_unobtainable_RESERVED(111)`: must not be sent.
    CERTIFICATE_UNOBTAINABLE_RESERVED = 111, "certificate_unobtainable_RESERVED", tls12: Reserved, tls13: Reserved;
    /// `unrecognized_name(112)`: no server by the SNI name (RFC 6066: either level in TLS 1.2).
    UNRECOGNIZED_NAME = 112, "unrecognized_name", tls12: Ambiguous, tls13: AlwaysFatal;
    /// `bad_certificate_status_response(113)`: an invalid OCSP response.
    BAD_CERTIFICATE_STATUS_RESPONSE = 113, "bad_certificate_status_response", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `bad_certificate_hash_value_RESERVED(114)`: must not be sent.
    BAD_CERTIFICATE_HASH_VALUE_RESERVED = 114, "bad_certificate_hash_value_RESERVED", tls12: Reserved, tls13: Reserved;
    /// `unknown_psk_identity(115)`: no acceptable PSK identity.
    UNKNOWN_PSK_IDENTITY = 115, "unknown_psk_identity", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `certificate_required(116)`: a client certificate is required (RFC 8446).
    CERTIFICATE_REQUIRED = 116, "certificate_required", tls12: AlwaysFatal, tls13: AlwaysFatal;
    /// `no_application_protocol(120)`: no ALPN protocol in common (RFC 7301).
    NO_APPLICATION_PROTOCOL = 120, "no_application_protocol", tls12: AlwaysFatal, tls13: AlwaysFatal;
}

impl AlertDescription {
    /// The description for a wire value, known or not.
    #[must_use]
    pub const fn from_wire(value: u8) -> Self {
        Self(value)
    }

    /// The wire value.
    #[must_use]
    pub const fn wire(self) -> u8 {
        self.0
    }

    /// Resolve the level to send for this description, as the seed's
    /// `send_alert(alert_code, level=None)` does.
    ///
    /// # Errors
    /// [`Error::InvalidAlertLevel`] when `level` contradicts the
    /// specification, or when `level` is `None` and the specification leaves
    /// the level open; [`Error::ReservedAlert`] for a code that must never be
    /// sent.
    pub fn resolve_level(
        self,
        level: Option<AlertLevel>,
        version: Option<ProtocolVersion>,
    ) -> Result<AlertLevel, Error> {
        let invalid = || Error::InvalidAlertLevel { description: self, level };
        match (self.level_rule(version), level) {
            (LevelRule::Reserved, _) => Err(Error::ReservedAlert { description: self }),
            (LevelRule::AlwaysFatal, None | Some(AlertLevel::Fatal)) => Ok(AlertLevel::Fatal),
            (LevelRule::AlwaysWarning, None | Some(AlertLevel::Warning)) => Ok(AlertLevel::Warning),
            (LevelRule::UsuallyWarning, None) => Ok(AlertLevel::Warning),
            (LevelRule::UsuallyWarning | LevelRule::Ambiguous, Some(level)) => Ok(level),
            (LevelRule::Ambiguous, None) => Err(invalid()),
            (LevelRule::AlwaysFatal, Some(AlertLevel::Warning))
            | (LevelRule::AlwaysWarning, Some(AlertLevel::Fatal)) => Err(invalid()),
        }
    }
}

impl fmt::Debug for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name}({})", self.0),
            None => write!(f, "unknown_alert({})", self.0),
        }
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// An alert as it travels: a level and a description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alert {
    /// The level byte.
    pub level: AlertLevel,
    /// The description byte.
    pub description: AlertDescription,
}

impl Alert {
    /// A fatal alert.
    #[must_use]
    pub const fn fatal(description: AlertDescription) -> Self {
        Self { level: AlertLevel::Fatal, description }
    }

    /// The alert as an unencrypted TLS record. Only valid before any
    /// record protection is in place (in answer to a ClientHello), which is
    /// where engines without a way to send an arbitrary alert use it.
    #[must_use]
    pub const fn plaintext_record(self) -> [u8; 7] {
        [21, 3, 3, 0, 2, self.level.wire(), self.description.wire()]
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.level, self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rfc_code_is_named_once() {
        let mut seen = std::collections::BTreeSet::new();
        for d in AlertDescription::ALL {
            assert!(d.name().is_some());
            assert!(seen.insert(d.wire()), "duplicate {d:?}");
        }
        // RFC 8446 section 6 lists 34 descriptions, RFC 5246 a subset of them.
        assert_eq!(AlertDescription::ALL.len(), 34);
        assert_eq!(AlertDescription::from_wire(255).name(), None);
    }

    #[test]
    fn level_defaults_follow_the_rfcs() {
        let v12 = Some(ProtocolVersion::Tls12);
        let v13 = Some(ProtocolVersion::Tls13);
        let d = AlertDescription::HANDSHAKE_FAILURE;
        assert_eq!(d.resolve_level(None, v12), Ok(AlertLevel::Fatal));
        assert!(matches!(
            d.resolve_level(Some(AlertLevel::Warning), v12),
            Err(Error::InvalidAlertLevel { .. })
        ));
        let d = AlertDescription::BAD_CERTIFICATE;
        assert!(matches!(d.resolve_level(None, v12), Err(Error::InvalidAlertLevel { .. })));
        assert_eq!(d.resolve_level(Some(AlertLevel::Warning), v12), Ok(AlertLevel::Warning));
        assert_eq!(d.resolve_level(None, v13), Ok(AlertLevel::Fatal));
        assert!(matches!(
            d.resolve_level(Some(AlertLevel::Warning), v13),
            Err(Error::InvalidAlertLevel { .. })
        ));
        let d = AlertDescription::NO_RENEGOTIATION;
        assert_eq!(d.resolve_level(None, v12), Ok(AlertLevel::Warning));
        assert!(matches!(d.resolve_level(None, v13), Err(Error::ReservedAlert { .. })));
        assert_eq!(AlertDescription::USER_CANCELED.resolve_level(None, v13), Ok(AlertLevel::Warning));
        assert_eq!(
            AlertDescription::USER_CANCELED.resolve_level(Some(AlertLevel::Fatal), v13),
            Ok(AlertLevel::Fatal)
        );
        assert!(matches!(
            AlertDescription::DECRYPTION_FAILED_RESERVED.resolve_level(Some(AlertLevel::Fatal), v12),
            Err(Error::ReservedAlert { .. })
        ));
    }
}
