//! What the rustls engine can do, per provider.

use wiretls_core::{
    AlertDescription as A, AlertSending, Capabilities, CipherSuite as S, KeyType, NamedGroup as G,
    ProtocolVersion,
};

const SUITES: &[S] = &[
    S::TLS13_AES_128_GCM_SHA256,
    S::TLS13_AES_256_GCM_SHA384,
    S::TLS13_CHACHA20_POLY1305_SHA256,
    S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

/// The alerts a verify-callback veto can make rustls send: those it derives
/// from the verifier errors it knows.
pub(crate) const VERIFY_ALERTS: &[A] = &[
    A::BAD_CERTIFICATE,
    A::CERTIFICATE_EXPIRED,
    A::CERTIFICATE_REVOKED,
    A::UNKNOWN_CA,
    A::DECRYPT_ERROR,
    A::UNSUPPORTED_CERTIFICATE,
    A::ACCESS_DENIED,
    A::CERTIFICATE_UNKNOWN,
    A::BAD_CERTIFICATE_STATUS_RESPONSE,
    A::HANDSHAKE_FAILURE,
    A::ILLEGAL_PARAMETER,
];

const fn caps(engine: &'static str, groups: &'static [G]) -> Capabilities {
    let mut c = Capabilities::NONE.with_full_control();
    c.engine = engine;
    c.versions = ProtocolVersion::ALL;
    c.server_versions = c.versions;
    c.cipher_suites = SUITES;
    c.key_types = &[KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Ed25519, KeyType::Rsa];
    c.groups = groups;
    c.tls13_suite_selection = true;
    c.dh_params = false;
    c.later_server_certificate_answer = true;
    c.later_client_certificate_answer = false;
    c.alert_sending = AlertSending::CloseNotifyOnly;
    c.verify_alerts = VERIFY_ALERTS;
    c.session_id = false;
    c.resumption = true;
    c.alpn = true;
    c
}

/// rustls with aws-lc-rs (post-quantum hybrid preferred).
#[cfg(feature = "aws-lc-rs")]
pub(crate) static AWS_LC_RS: Capabilities =
    caps("rustls", &[G::X25519MLKEM768, G::X25519, G::SECP256R1, G::SECP384R1]);

/// rustls with *ring*.
#[cfg(feature = "ring")]
pub(crate) static RING: Capabilities = caps("rustls-ring", &[G::X25519, G::SECP256R1, G::SECP384R1]);
