use core::fmt;

use crate::alert::{AlertDescription, AlertLevel};
use crate::suites::{CipherSuite, NamedGroup, ProtocolVersion};

/// A `&'static str` that serde does not borrow from its input (deserialized
/// through `interned`): engine names and the pieces of [`Feature`].
type StaticStr = &'static str;

/// Everything that can go wrong in wiretls: the one error type.
///
/// Variants are grouped by who is to blame, as rustls does: the peer, the
/// application's own callbacks, the caller (API misuse and configuration),
/// certificates handed to wiretls, and the engine. Each of the seed's nine
/// exception classes is exactly one variant:
///
/// | seed exception | variant |
/// |---|---|
/// | `TLSAlertError` (`alert_code`, `alert_level`) | [`Error::AlertReceived`] |
/// | `BadTLSDataError` | [`Error::BadTlsData`] |
/// | `InvalidatedError` | [`Error::Invalidated`] |
/// | `InvalidAlertLevel` | [`Error::InvalidAlertLevel`] |
/// | `LeafCertificateHasNoPrivateKeyError` | [`Error::LeafCertificateHasNoPrivateKey`] |
/// | `MoreThanOneLeafCertificateError` | [`Error::MoreThanOneLeafCertificate`] |
/// | `NoLeafCertificateError` | [`Error::NoLeafCertificate`] |
/// | `NoCertificateChainError` | [`Error::NoCertificateChain`] |
/// | `ExtraneousPrivateKeyError` | [`Error::ExtraneousPrivateKey`] |
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Error {
    // ---- The peer misbehaved -------------------------------------------------
    /// The seed's `TLSAlertError`: the peer sent a fatal alert (or a warning
    /// alert other than `close_notify`, which is reported and then ignored,
    /// see [`Connection::data_from_wire`](crate::Connection::data_from_wire)).
    #[error("the peer sent the alert {level} {description}")]
    AlertReceived {
        /// The seed's `alert_code`.
        description: AlertDescription,
        /// The seed's `alert_level`.
        level: AlertLevel,
    },

    /// The seed's `BadTLSDataError`: the peer's bytes were invalid (a record
    /// failed to decrypt, a message failed to parse, the protocol was not
    /// followed, the stream was truncated).
    #[error("bad TLS data from the peer: {kind}{}", alert_suffix(*alert_sent))]
    BadTlsData {
        /// What was wrong.
        kind: BadData,
        /// The alert that was written to the wire because of it, if any.
        alert_sent: Option<AlertDescription>,
    },

    /// The peer's certificate failed the built-in checks (chain, validity,
    /// host name, wiretls's verification policy); the verify callback was
    /// not called.
    #[error(
        "the peer's certificate was rejected: {problem}{}{}",
        detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
        alert_suffix(*alert_sent)
    )]
    PeerCertificate {
        /// Why.
        problem: CertificateProblem,
        /// The alert that was written to the wire, if any.
        alert_sent: Option<AlertDescription>,
        /// Which certificate broke which rule, where known (the policy's
        /// refusals say it: "CN=...: signed with ecdsa-with-SHA1").
        detail: Option<String>,
    },

    // ---- The application's callbacks decided -----------------------------------
    /// The verify callback rejected the peer.
    #[error("the verify callback rejected the peer{}", alert_suffix(*alert_sent))]
    Rejected {
        /// The alert that was written to the wire, if any.
        alert_sent: Option<AlertDescription>,
    },

    /// The server's `ServerCertificates` answered `None` for this server name:
    /// the handshake failed with an alert, as the seed asks.
    #[error("no server certificate chain for {server_name:?}{}", alert_suffix(*alert_sent))]
    NoServerCertificate {
        /// The SNI name the client asked for.
        server_name: Option<String>,
        /// The alert that was written to the wire, if any.
        alert_sent: Option<AlertDescription>,
    },

    /// An application callback panicked (the seed: "if any exception is
    /// raised, the connection will be invalidated"): the verify callback, a
    /// certificate store's method, or the wire's `write_to_wire` /
    /// `wire_close`. The panic was caught at the boundary; the connection is
    /// invalidated, and later calls answer [`Error::Invalidated`].
    #[error("the application's {callback} panicked: {message}{}", alert_suffix(*alert_sent))]
    CallbackPanicked {
        /// Which callback.
        callback: Callback,
        /// The panic's message (when it was a string).
        message: String,
        /// The alert that was written to the wire because of it, if any.
        alert_sent: Option<AlertDescription>,
    },

    // ---- The caller misused the API ------------------------------------------
    /// The seed's `InvalidatedError`: the call is no longer valid because of
    /// an earlier event.
    #[error("invalidated: {reason}")]
    Invalidated {
        /// The earlier event.
        reason: InvalidatedReason,
    },

    /// The seed's `InvalidAlertLevel`: the level contradicts the
    /// specification for this alert, or no level was given where the
    /// specification leaves it open.
    #[error("alert {description} cannot be sent with level {level:?}")]
    InvalidAlertLevel {
        /// The alert description.
        description: AlertDescription,
        /// The level that was asked for (`None`: the default was asked for).
        level: Option<AlertLevel>,
    },

    /// The alert description is reserved and must never be sent.
    #[error("alert {description} is reserved and must not be sent")]
    ReservedAlert {
        /// The alert description.
        description: AlertDescription,
    },

    /// The configuration cannot work.
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),

    // ---- Certificates handed to wiretls -----------------------------------------
    /// The seed's `LeafCertificateHasNoPrivateKeyError`.
    #[error("the leaf certificate {subject} has no private key")]
    LeafCertificateHasNoPrivateKey {
        /// The leaf's subject.
        subject: String,
    },

    /// The seed's `MoreThanOneLeafCertificateError`.
    #[error("{count} leaf (non-CA) certificates where one was expected")]
    MoreThanOneLeafCertificate {
        /// How many leaves there were.
        count: usize,
    },

    /// The seed's `NoLeafCertificateError`: none of the certificates is a
    /// leaf (a certificate without `basicConstraints cA=TRUE`). The message
    /// says what was found and how to make a leaf: `openssl req -x509`
    /// makes a self-signed CA by default, which a chain cannot use as its
    /// leaf.
    ///
    /// ```
    /// # use wiretls_core::Error;
    /// let e = Error::NoLeafCertificate { count: 1, example: Some("CN=foo, self-signed".into()) };
    /// assert!(e.to_string().contains("found 1 certificate, all CA (basicConstraints CA:TRUE), e.g. CN=foo, self-signed"));
    /// assert!(e.to_string().contains("basicConstraints=critical,CA:FALSE"));
    /// ```
    #[error("no leaf (non-CA) certificate: found {}; {NO_LEAF_HINT}", found_no_leaf(*count, example.as_deref()))]
    NoLeafCertificate {
        /// How many certificates there were (every one a CA).
        count: usize,
        /// One of them, for the message: its subject, and whether it is
        /// self-signed.
        example: Option<String>,
    },

    /// The seed's `NoCertificateChainError`: the chain does not reach any of
    /// the roots the server named.
    #[error("the certificate chain does not reach any of the {roots} roots the peer named")]
    NoCertificateChain {
        /// How many roots the peer named.
        roots: usize,
    },

    /// The seed's `ExtraneousPrivateKeyError`: a private key where none
    /// belongs (on a trust anchor, on a CA in a chain, a second key in a PEM
    /// file).
    #[error("a private key where none belongs ({subject})")]
    ExtraneousPrivateKey {
        /// The certificate the key was attached to, or a description of where
        /// it was found.
        subject: String,
    },

    /// A chain file holds a certificate that is not part of the chain that
    /// starts at its leaf (the seed's TODO on strict chain files).
    #[error("{subject} is not part of the certificate chain")]
    CertificateNotInChain {
        /// The subject of the stray certificate.
        subject: String,
    },

    /// Bytes that should have been a certificate, key or PEM file were not.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read.
        what: Malformed,
        /// The parser's message.
        detail: String,
    },

    /// The private key does not belong to the leaf certificate.
    #[error("the private key does not match the certificate {subject}")]
    KeyMismatch {
        /// The leaf's subject.
        subject: String,
    },

    // ---- The engine ----------------------------------------------------------
    /// The engine cannot do this; the capability is declared in its
    /// [`Capabilities`](crate::Capabilities).
    #[error("{engine} does not support {feature}")]
    Unsupported {
        /// The engine's name.
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::engine::interned::deserialize"))]
        engine: StaticStr,
        /// What it lacks.
        feature: Feature,
    },

    /// The engine failed in a way wiretls cannot classify further.
    #[error("{engine} failed: {detail}")]
    Engine {
        /// The engine's name.
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::engine::interned::deserialize"))]
        engine: StaticStr,
        /// The engine's own message.
        detail: String,
    },
}

/// How to make a leaf, for [`Error::NoLeafCertificate`].
const NO_LEAF_HINT: &str =
    "a chain needs one leaf (basicConstraints CA:FALSE, or none) carrying the private key: \
     `openssl req -x509` makes a CA unless told otherwise, so add \
     `-addext basicConstraints=critical,CA:FALSE` (with `-addext extendedKeyUsage=serverAuth` and \
     `-addext subjectAltName=DNS:<name>`), or with rcgen \
     set `params.is_ca = IsCa::ExplicitNoCa` (or `IsCa::NoCa`)";

fn found_no_leaf(count: usize, example: Option<&str>) -> String {
    match (count, example) {
        (0, _) => "no certificate".to_owned(),
        (1, Some(e)) => format!("1 certificate, all CA (basicConstraints CA:TRUE), e.g. {e}"),
        (n, Some(e)) => format!("{n} certificates, all CA (basicConstraints CA:TRUE), e.g. {e}"),
        (1, None) => "1 certificate, a CA (basicConstraints CA:TRUE)".to_owned(),
        (n, None) => format!("{n} certificates, all CA (basicConstraints CA:TRUE)"),
    }
}

fn alert_suffix(alert: Option<AlertDescription>) -> String {
    match alert {
        Some(a) => format!(" (sent alert {a})"),
        None => String::new(),
    }
}

/// An application callback, as named in [`Error::CallbackPanicked`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Callback {
    /// The seed's `verify_callback`.
    Verify,
    /// A server's `ServerCertificates`.
    ServerCertificates,
    /// A client's `ClientCertificateStore`.
    ClientCertificateStore,
    /// The wire's `write_to_wire` callback.
    WriteToWire,
    /// The wire's `wire_close` callback.
    WireClose,
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Verify => "verify callback",
            Self::ServerCertificates => "ServerCertificates store",
            Self::ClientCertificateStore => "ClientCertificateStore",
            Self::WriteToWire => "write_to_wire callback",
            Self::WireClose => "wire_close callback",
        })
    }
}

impl Error {
    /// Run an application callback, catching a panic at the boundary (an
    /// engine's `extern "C"` callback must never unwind into C, and a
    /// panicking callback must never leave a live connection): the panic
    /// becomes [`Error::CallbackPanicked`] without an alert.
    ///
    /// # Errors
    /// [`Error::CallbackPanicked`] when `f` panicked.
    pub fn catch_callback<T>(callback: Callback, f: impl FnOnce() -> T) -> Result<T, Self> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| Self::CallbackPanicked {
            callback,
            message: panic_message(&*payload),
            alert_sent: None,
        })
    }
}

/// The text of a panic's payload (`panic!` with a literal or a format).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// Who is to blame for an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Blame {
    /// The peer sent something wrong, or an alert.
    Peer,
    /// The application's own callbacks or stores decided.
    Application,
    /// The API was misused or misconfigured.
    Caller,
    /// Certificates or keys handed to wiretls are unusable.
    Certificate,
    /// The engine lacks a capability or failed.
    Engine,
}

impl Error {
    /// Who is to blame.
    #[must_use]
    pub fn blame(&self) -> Blame {
        match self {
            Self::AlertReceived { .. } | Self::BadTlsData { .. } | Self::PeerCertificate { .. } => {
                Blame::Peer
            }
            Self::Rejected { .. } | Self::NoServerCertificate { .. } | Self::CallbackPanicked { .. } => {
                Blame::Application
            }
            Self::Invalidated { .. }
            | Self::InvalidAlertLevel { .. }
            | Self::ReservedAlert { .. }
            | Self::Config(_) => Blame::Caller,
            Self::LeafCertificateHasNoPrivateKey { .. }
            | Self::MoreThanOneLeafCertificate { .. }
            | Self::NoLeafCertificate { .. }
            | Self::NoCertificateChain { .. }
            | Self::ExtraneousPrivateKey { .. }
            | Self::CertificateNotInChain { .. }
            | Self::Malformed { .. }
            | Self::KeyMismatch { .. } => Blame::Certificate,
            Self::Unsupported { .. } | Self::Engine { .. } => Blame::Engine,
        }
    }

    /// The alert this error put on the wire, if any: the one mapping from
    /// errors to alerts that every engine reports through.
    #[must_use]
    pub fn alert_sent(&self) -> Option<AlertDescription> {
        match self {
            Self::BadTlsData { alert_sent, .. }
            | Self::PeerCertificate { alert_sent, .. }
            | Self::Rejected { alert_sent }
            | Self::NoServerCertificate { alert_sent, .. }
            | Self::CallbackPanicked { alert_sent, .. } => *alert_sent,
            _ => None,
        }
    }

    /// Whether this error ended the connection that returned it, when a
    /// data-path call returned it (`data_from_wire`, `data_from_application`,
    /// `proceed`, `application_finished`): every error there does, an
    /// [`Error::Unsupported`] included (an engine that cannot go on, such as
    /// a store that cannot answer later, ends the handshake), except
    /// [`Error::Invalidated`], which reports an end that came before.
    ///
    /// `send_alert` is the one call whose errors leave a connection as it
    /// was: [`Error::InvalidAlertLevel`], [`Error::ReservedAlert`] and the
    /// [`Error::Unsupported`] of an engine that cannot send that alert are
    /// refusals of the argument, checked before anything is sent; this
    /// method answers `false` for the first two and `true` for the third
    /// (which also ends the connection where a data-path call returns it).
    ///
    /// ```
    /// use wiretls_core::{BadData, Error, Feature, InvalidatedReason};
    /// let fault = Error::BadTlsData { kind: BadData::Decode, alert_sent: None };
    /// assert!(fault.invalidates());
    /// assert!(!Error::Invalidated { reason: InvalidatedReason::Closed }.invalidates());
    /// assert!(Error::Unsupported { engine: "x", feature: Feature::SessionId }.invalidates());
    /// ```
    #[must_use]
    pub fn invalidates(&self) -> bool {
        !matches!(
            self,
            Self::InvalidAlertLevel { .. } | Self::ReservedAlert { .. } | Self::Invalidated { .. }
        )
    }
}

impl BadData {
    /// The alert a peer fault of this kind requires (RFC 8446
    /// section 6.2 and RFC 5246 section 7.2).
    #[must_use]
    pub fn alert(self) -> Option<AlertDescription> {
        Some(match self {
            Self::Decrypt => AlertDescription::BAD_RECORD_MAC,
            Self::Decode => AlertDescription::DECODE_ERROR,
            Self::UnexpectedMessage => AlertDescription::UNEXPECTED_MESSAGE,
            Self::RecordOverflow => AlertDescription::RECORD_OVERFLOW,
            Self::IllegalParameter => AlertDescription::ILLEGAL_PARAMETER,
            Self::UnsupportedVersion => AlertDescription::PROTOCOL_VERSION,
            Self::NoCommonParameters => AlertDescription::HANDSHAKE_FAILURE,
            Self::MissingExtension => AlertDescription::MISSING_EXTENSION,
            Self::NoApplicationProtocol => AlertDescription::NO_APPLICATION_PROTOCOL,
            Self::HandshakeSignature => AlertDescription::DECRYPT_ERROR,
            Self::MissingCertificate => AlertDescription::CERTIFICATE_REQUIRED,
            Self::BufferLimit => AlertDescription::UNEXPECTED_MESSAGE,
            Self::Truncated | Self::Other => return None,
        })
    }

    /// The fault an alert we sent stands for (the inverse of
    /// [`BadData::alert`]), for engines that learn the alert first.
    #[must_use]
    pub fn from_alert(alert: AlertDescription) -> Self {
        match alert {
            AlertDescription::BAD_RECORD_MAC => Self::Decrypt,
            AlertDescription::DECODE_ERROR => Self::Decode,
            AlertDescription::UNEXPECTED_MESSAGE => Self::UnexpectedMessage,
            AlertDescription::RECORD_OVERFLOW => Self::RecordOverflow,
            AlertDescription::ILLEGAL_PARAMETER => Self::IllegalParameter,
            AlertDescription::PROTOCOL_VERSION => Self::UnsupportedVersion,
            AlertDescription::HANDSHAKE_FAILURE | AlertDescription::INSUFFICIENT_SECURITY => {
                Self::NoCommonParameters
            }
            AlertDescription::MISSING_EXTENSION => Self::MissingExtension,
            AlertDescription::NO_APPLICATION_PROTOCOL => Self::NoApplicationProtocol,
            AlertDescription::DECRYPT_ERROR => Self::HandshakeSignature,
            AlertDescription::CERTIFICATE_REQUIRED => Self::MissingCertificate,
            _ => Self::Other,
        }
    }
}

/// What was wrong with the peer's bytes ([`Error::BadTlsData`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BadData {
    /// A record failed authentication (`bad_record_mac`).
    Decrypt,
    /// A record or message could not be decoded (`decode_error`).
    Decode,
    /// A message arrived where the protocol does not allow it
    /// (`unexpected_message`), including a wrongly typed record.
    UnexpectedMessage,
    /// A record was longer than the protocol allows (`record_overflow`).
    RecordOverflow,
    /// A field was out of range or inconsistent (`illegal_parameter`).
    IllegalParameter,
    /// The peer offered or chose a version wiretls refuses (`protocol_version`).
    UnsupportedVersion,
    /// No cipher suite, group or signature scheme in common (`handshake_failure`).
    NoCommonParameters,
    /// A mandatory extension was missing (`missing_extension`).
    MissingExtension,
    /// No ALPN protocol in common (`no_application_protocol`).
    NoApplicationProtocol,
    /// A handshake signature or Finished MAC did not verify (`decrypt_error`).
    HandshakeSignature,
    /// The server requires a client certificate and got none (`certificate_required`).
    MissingCertificate,
    /// The peer kept sending while the handshake waited for a certificate
    /// store, past [`Connection::STORE_WAIT_BUFFER_LIMIT`](crate::Connection::STORE_WAIT_BUFFER_LIMIT)
    /// (`unexpected_message`: no flight of the protocol is that long there).
    BufferLimit,
    /// The transport ended without a `close_notify`.
    Truncated,
    /// Something else the engine reported as a protocol violation.
    Other,
}

impl fmt::Display for BadData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Decrypt => "a record failed to decrypt",
            Self::Decode => "a message could not be decoded",
            Self::UnexpectedMessage => "an unexpected message",
            Self::RecordOverflow => "a record was too long",
            Self::IllegalParameter => "an illegal parameter",
            Self::UnsupportedVersion => "an unsupported protocol version",
            Self::NoCommonParameters => "no parameters in common",
            Self::MissingExtension => "a missing extension",
            Self::NoApplicationProtocol => "no application protocol in common",
            Self::HandshakeSignature => "a handshake signature did not verify",
            Self::MissingCertificate => "the peer sent no certificate",
            Self::BufferLimit => "the peer sent too much while the handshake waited for a certificate store",
            Self::Truncated => "the stream ended without close_notify",
            Self::Other => "a protocol violation",
        })
    }
}

/// Why the peer's certificate failed the built-in checks.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CertificateProblem {
    /// The chain does not lead to a trusted root (`unknown_ca`).
    UnknownIssuer,
    /// A certificate has expired (`certificate_expired`).
    Expired,
    /// A certificate is not valid yet (`certificate_expired`).
    NotYetValid,
    /// The leaf is not valid for the expected host name (`bad_certificate`).
    NameMismatch,
    /// A signature in the chain is wrong (`bad_certificate` / `decrypt_error`).
    BadSignature,
    /// A certificate was revoked (`certificate_revoked`).
    Revoked,
    /// A certificate is not valid for this purpose (`unsupported_certificate`).
    InvalidPurpose,
    /// A certificate could not be parsed (`bad_certificate` / `decode_error`).
    BadEncoding,
    /// The peer's end-entity certificate is a CA (`basicConstraints
    /// CA:TRUE`), such as the self-signed certificate `openssl req -x509`
    /// makes by default, trusted as a root: wiretls's verification policy
    /// refuses a CA in the end-entity position on every engine, even when it
    /// is itself a trusted root (`unsupported_certificate`).
    CaUsedAsEndEntity,
    /// A certificate below the trust anchor is signed with MD5 or SHA-1
    /// (wiretls's verification policy, [`PolicyRule`](crate::PolicyRule); `bad_certificate`).
    WeakSignature,
    /// An RSA key shorter than the policy's minimum ([`crate::policy::MIN_RSA_BITS`];
    /// `bad_certificate`).
    WeakKey,
    /// A name outside a CA's name constraints (RFC 5280; `bad_certificate`).
    NameConstraints,
    /// A certificate breaks the RFC 5280 / CA/Browser Forum profile that
    /// wiretls's policy checks ([`PolicyRule`](crate::PolicyRule); `bad_certificate`).
    Profile,
    /// Any other problem the engine reported (`certificate_unknown`).
    Other,
}

impl CertificateProblem {
    /// The alert RFC 8446 section 6.2 asks for.
    #[must_use]
    pub const fn alert(self) -> AlertDescription {
        match self {
            Self::UnknownIssuer => AlertDescription::UNKNOWN_CA,
            Self::Expired | Self::NotYetValid => AlertDescription::CERTIFICATE_EXPIRED,
            Self::NameMismatch
            | Self::BadSignature
            | Self::WeakSignature
            | Self::WeakKey
            | Self::NameConstraints
            | Self::Profile => AlertDescription::BAD_CERTIFICATE,
            Self::Revoked => AlertDescription::CERTIFICATE_REVOKED,
            Self::InvalidPurpose => AlertDescription::UNSUPPORTED_CERTIFICATE,
            Self::BadEncoding => AlertDescription::DECODE_ERROR,
            Self::CaUsedAsEndEntity => AlertDescription::UNSUPPORTED_CERTIFICATE,
            Self::Other => AlertDescription::CERTIFICATE_UNKNOWN,
        }
    }
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownIssuer => "issued by an unknown CA",
            Self::Expired => "expired",
            Self::NotYetValid => "not valid yet",
            Self::NameMismatch => "not valid for the expected name",
            Self::BadSignature => "a bad signature",
            Self::Revoked => "revoked",
            Self::InvalidPurpose => "not valid for this purpose",
            Self::BadEncoding => "malformed",
            Self::CaUsedAsEndEntity => {
                "a CA certificate (basicConstraints CA:TRUE) used as the end-entity certificate, \
                 which the engine refuses even when that certificate is itself a trusted root: the \
                 server needs a leaf (CA:FALSE) certificate, issued by the root or self-signed \
                 (`openssl req -x509 -addext basicConstraints=critical,CA:FALSE ...`, rcgen \
                 `IsCa::ExplicitNoCa`)"
            }
            Self::WeakSignature => "signed with a weak algorithm (MD5 or SHA-1)",
            Self::WeakKey => "an RSA key that is too short",
            Self::NameConstraints => "a name outside its issuer's name constraints",
            Self::Profile => "not a well-formed certificate of the RFC 5280 / CA/Browser Forum profile",
            Self::Other => "rejected",
        })
    }
}

/// The earlier event behind an [`Error::Invalidated`].
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum InvalidatedReason {
    /// An earlier error ended the connection; it is kept here.
    PreviousError(Box<Error>),
    /// A certificate-chain callback was answered a second time.
    AlreadyAnswered,
    /// `application_finished` was called: no more application data may be sent.
    Finished,
    /// The connection is closed (close_notify exchanged, or the peer's
    /// close_notify arrived) and accepts no more wire data.
    Closed,
    /// The handshake was abandoned before the store answered.
    Abandoned,
    /// The application sent this fatal alert.
    AlertSent(crate::alert::Alert),
}

impl fmt::Display for InvalidatedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PreviousError(e) => write!(f, "after an earlier error ({e})"),
            Self::AlreadyAnswered => f.write_str("the callback was already answered"),
            Self::Finished => f.write_str("the application already finished sending"),
            Self::Closed => f.write_str("the connection is closed"),
            Self::Abandoned => f.write_str("the connection that asked is gone"),
            Self::AlertSent(a) => write!(f, "the application sent the alert {a}"),
        }
    }
}

/// What a configuration error is about ([`Error::Config`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ConfigError {
    /// The server name is neither a DNS name nor an IP address.
    #[error("{0:?} is not a valid server name")]
    InvalidServerName(String),
    /// No protocol version was configured.
    #[error("no protocol version enabled")]
    NoVersions,
    /// None of the configured cipher suites can be used with the configured versions.
    #[error("no cipher suite usable with the enabled versions")]
    NoUsableCipherSuites,
    /// An empty list of key-exchange groups was configured.
    #[error("no key-exchange group enabled")]
    NoGroups,
    /// DHE cipher suites were configured on a server without `dh_params`.
    #[error("DHE suite {0} configured without dh_params")]
    DhSuiteWithoutParams(CipherSuite),
    /// An empty ALPN protocol name, or one longer than 255 bytes.
    #[error("invalid ALPN protocol name")]
    InvalidAlpnProtocol,
    /// The system trust store could not be loaded.
    #[error("system trust store unavailable: {0}")]
    SystemTrustStore(String),
    /// A group was configured that the engine does not know.
    #[error("unknown key-exchange group {0}")]
    UnknownGroup(NamedGroup),
    /// A version was configured twice or out of order.
    #[error("version {0} listed twice")]
    DuplicateVersion(ProtocolVersion),
    /// No engine of that name is compiled in.
    #[error("no engine named {name:?} (compiled in: {available})")]
    UnknownEngine {
        /// The name asked for.
        name: String,
        /// The engines compiled in, comma-separated.
        available: String,
    },
}

/// What an engine lacks ([`Error::Unsupported`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Feature {
    /// Sending this alert from the application.
    SendAlert(AlertDescription),
    /// A `ClientCertificateStore` answering after its method returned.
    LaterClientCertificateAnswer,
    /// A `ServerCertificates` answering after its method returned.
    LaterServerCertificateAnswer,
    /// Finite-field DH parameters (`dh_params`) for DHE suites.
    DhParams,
    /// Choosing which TLS 1.3 cipher suites are offered.
    Tls13SuiteSelection,
    /// This cipher suite.
    CipherSuite(CipherSuite),
    /// This protocol version.
    Version(ProtocolVersion),
    /// This protocol version on the server side.
    ServerVersion(ProtocolVersion),
    /// This key-exchange group.
    Group(NamedGroup),
    /// This certificate key type.
    KeyType(crate::cert::KeyType),
    /// The TLS session id.
    SessionId,
    /// Reporting whether a session was resumed.
    ResumptionReport,
    /// Sending this alert from the verify callback.
    VerifyAlert(AlertDescription),
    /// Checking a chain outside a handshake ([`Engine::check_chain`](crate::Engine::check_chain)).
    ChainCheck,
    /// The verify callback (the seed's `verify_callback`).
    VerifyCallback,
    /// A server certificate source other than one fixed chain (SNI stores,
    /// the application's own [`ServerCertificates`](crate::ServerCertificates)).
    ServerCertificateStore,
    /// A server asking clients for certificates ([`ClientAuth`](crate::ClientAuth)).
    ClientAuth,
    /// Choosing the cipher suites offered.
    CipherSuiteSelection,
    /// Choosing the key-exchange groups offered.
    GroupSelection,
    /// ALPN.
    Alpn,
    /// A chain check without the piece named here (for example "a server
    /// name": a server chain checked without a name).
    ChainCheckWithout(
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::engine::interned::deserialize"))]
        StaticStr,
    ),
    /// A setting newer than the engine: a variant of a `#[non_exhaustive]`
    /// type (a [`ClientAuth`](crate::ClientAuth) mode, a
    /// [`PeerName`](crate::PeerName) kind) the engine was not written for.
    NewerSetting(
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::engine::interned::deserialize"))]
        StaticStr,
    ),
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SendAlert(a) => write!(f, "sending the alert {a}"),
            Self::LaterClientCertificateAnswer => f.write_str("a client certificate store answering later"),
            Self::LaterServerCertificateAnswer => f.write_str("a server certificate store answering later"),
            Self::DhParams => f.write_str("dh_params (DHE suites)"),
            Self::Tls13SuiteSelection => f.write_str("choosing TLS 1.3 cipher suites"),
            Self::CipherSuite(s) => write!(f, "the cipher suite {s}"),
            Self::Version(v) => write!(f, "{v}"),
            Self::ServerVersion(v) => write!(f, "{v} as a server"),
            Self::Group(g) => write!(f, "the group {g}"),
            Self::KeyType(k) => write!(f, "{k:?} keys"),
            Self::SessionId => f.write_str("reporting the session id"),
            Self::ResumptionReport => f.write_str("reporting resumption"),
            Self::VerifyAlert(a) => write!(f, "sending {a} from the verify callback"),
            Self::ChainCheck => f.write_str("checking a chain outside a handshake"),
            Self::VerifyCallback => f.write_str("a verify callback"),
            Self::ServerCertificateStore => f.write_str(
                "a server certificate store other than one fixed chain (SNI, the application's own)",
            ),
            Self::ClientAuth => f.write_str("asking clients for certificates"),
            Self::CipherSuiteSelection => f.write_str("choosing the cipher suites"),
            Self::GroupSelection => f.write_str("choosing the key-exchange groups"),
            Self::Alpn => f.write_str("ALPN"),
            Self::ChainCheckWithout(what) => write!(f, "checking a chain without {what}"),
            Self::NewerSetting(what) => write!(f, "{what} (newer than the engine)"),
        }
    }
}

/// What was malformed ([`Error::Malformed`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Malformed {
    /// A PEM file.
    Pem,
    /// A DER certificate.
    Certificate,
    /// A private key.
    PrivateKey,
    /// DH parameters.
    DhParams,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pem => "PEM",
            Self::Certificate => "certificate",
            Self::PrivateKey => "private key",
            Self::DhParams => "DH parameters",
        })
    }
}

impl From<Error> for std::io::Error {
    /// A wiretls error as an [`io::Error`](std::io::Error) whose source is
    /// the error (find it again with [`Error::from_io`]), for transports
    /// (`wiretls::blocking`, `wiretls-tokio`). The kind is a hint:
    /// [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof) for a truncation,
    /// [`ConnectionAborted`](std::io::ErrorKind::ConnectionAborted) for the
    /// peer's alert, [`InvalidData`](std::io::ErrorKind::InvalidData) for
    /// other faults of the peer or a rejected peer,
    /// [`BrokenPipe`](std::io::ErrorKind::BrokenPipe) for a connection that
    /// has ended, [`InvalidInput`](std::io::ErrorKind::InvalidInput) for
    /// configuration and certificate errors,
    /// [`Unsupported`](std::io::ErrorKind::Unsupported) for what the engine
    /// lacks.
    ///
    /// ```
    /// use wiretls_core::{BadData, Error};
    /// let e = std::io::Error::from(Error::BadTlsData { kind: BadData::Truncated, alert_sent: None });
    /// assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
    /// assert!(matches!(Error::from_io(&e), Some(Error::BadTlsData { kind: BadData::Truncated, .. })));
    /// ```
    fn from(e: Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match &e {
            Error::BadTlsData { kind: BadData::Truncated, .. } => K::UnexpectedEof,
            Error::AlertReceived { .. } => K::ConnectionAborted,
            Error::BadTlsData { .. }
            | Error::PeerCertificate { .. }
            | Error::Rejected { .. }
            | Error::NoServerCertificate { .. } => K::InvalidData,
            Error::Invalidated { .. } => K::BrokenPipe,
            Error::Unsupported { .. } => K::Unsupported,
            Error::Config(_)
            | Error::InvalidAlertLevel { .. }
            | Error::ReservedAlert { .. }
            | Error::LeafCertificateHasNoPrivateKey { .. }
            | Error::MoreThanOneLeafCertificate { .. }
            | Error::NoLeafCertificate { .. }
            | Error::NoCertificateChain { .. }
            | Error::ExtraneousPrivateKey { .. }
            | Error::CertificateNotInChain { .. }
            | Error::Malformed { .. }
            | Error::KeyMismatch { .. } => K::InvalidInput,
            _ => K::Other,
        };
        Self::new(kind, e)
    }
}

impl Error {
    /// The wiretls error inside an [`io::Error`](std::io::Error) made from
    /// one (see the `From` conversion), if it holds one.
    #[must_use]
    pub fn from_io(e: &std::io::Error) -> Option<&Self> {
        e.get_ref()?.downcast_ref::<Self>()
    }
}
