//! What the OpenSSL engine can do (Debian's OpenSSL 3.0).

use wiretls_core::{
    AlertDescription as A, AlertSending, Capabilities, CipherSuite, KeyType, NamedGroup as G, ProtocolVersion,
};

/// The alerts a verify-callback veto can make OpenSSL send: those its
/// verification-error-to-alert table produces (`errors::verify_error_for`).
pub(crate) const VERIFY_ALERTS: &[A] = &[
    A::BAD_CERTIFICATE,
    A::CERTIFICATE_EXPIRED,
    A::CERTIFICATE_REVOKED,
    A::UNKNOWN_CA,
    A::UNSUPPORTED_CERTIFICATE,
    A::DECRYPT_ERROR,
    A::HANDSHAKE_FAILURE,
    A::INTERNAL_ERROR,
    A::CERTIFICATE_UNKNOWN,
];

const fn caps() -> Capabilities {
    let mut c = Capabilities::NONE.with_full_control();
    c.engine = "openssl";
    c.versions = ProtocolVersion::ALL;
    c.server_versions = c.versions;
    c.cipher_suites = CipherSuite::ALL;
    c.key_types = &[KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Ed25519, KeyType::Rsa];
    c.groups = &[
        G::X25519,
        G::SECP256R1,
        G::SECP384R1,
        G::SECP521R1,
        G::X448,
        G::FFDHE2048,
        G::FFDHE3072,
        G::FFDHE4096,
    ];
    c.tls13_suite_selection = true;
    c.dh_params = true;
    c.later_server_certificate_answer = true;
    c.later_client_certificate_answer = true;
    c.alert_sending = AlertSending::CloseNotifyOnly;
    c.verify_alerts = VERIFY_ALERTS;
    c.session_id = true;
    c.resumption = true;
    c.alpn = true;
    c
}

/// The declarations.
pub(crate) static CAPABILITIES: Capabilities = caps();
