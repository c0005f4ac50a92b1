//! What the BoringSSL engine can do.

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

/// The alerts a verify-callback veto can make BoringSSL send: those its
/// verification-error-to-alert table produces (`errors::verify_error_for`).
pub(crate) const VERIFY_ALERTS: &[A] = &[
    A::BAD_CERTIFICATE,
    A::CERTIFICATE_EXPIRED,
    A::CERTIFICATE_REVOKED,
    A::UNKNOWN_CA,
    A::UNSUPPORTED_CERTIFICATE,
    A::HANDSHAKE_FAILURE,
    A::INTERNAL_ERROR,
    A::CERTIFICATE_UNKNOWN,
];

const fn caps() -> Capabilities {
    let mut c = Capabilities::NONE.with_full_control();
    c.engine = "boring";
    c.versions = ProtocolVersion::ALL;
    c.server_versions = c.versions;
    c.cipher_suites = SUITES;
    c.key_types = &[KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Ed25519, KeyType::Rsa];
    c.groups = &[G::X25519MLKEM768, G::X25519, G::SECP256R1, G::SECP384R1, G::SECP521R1];
    c.tls13_suite_selection = false;
    c.dh_params = false;
    c.later_server_certificate_answer = true;
    c.later_client_certificate_answer = true;
    c.alert_sending = AlertSending::FatalOnly;
    c.verify_alerts = VERIFY_ALERTS;
    c.session_id = true;
    c.resumption = true;
    c.alpn = true;
    c
}

/// The declarations.
pub(crate) static CAPABILITIES: Capabilities = caps();
