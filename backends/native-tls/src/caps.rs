//! What the native-tls engine can do: what native-tls 0.2's portable API
//! lets an application say, on every platform it supports.

use wiretls_core::{AlertSending, Capabilities, CipherSuite as S, KeyType, NamedGroup as G, ProtocolVersion};

/// The suites of wiretls's table that native-tls negotiates on Linux
/// (OpenSSL's defaults: the client's `DEFAULT` list, the server's Mozilla
/// "intermediate" list). It cannot be narrowed: the platform decides.
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

const fn caps() -> Capabilities {
    let mut c = Capabilities::NONE;
    c.engine = "native-tls";
    c.versions = ProtocolVersion::ALL;
    // native-tls's acceptor starts from rust-openssl's Mozilla
    // "intermediate" v4 profile, which sets NO_TLSV1_3; its builder cannot
    // clear it.
    c.server_versions = &[ProtocolVersion::Tls12];
    c.cipher_suites = SUITES;
    c.key_types = &[KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Ed25519, KeyType::Rsa];
    c.groups = &[G::X25519, G::SECP256R1, G::SECP384R1, G::SECP521R1, G::X448];
    c.alert_sending = AlertSending::CloseNotifyOnly;
    c.alpn = true;
    // Everything else stays off: native-tls has no verify hook, no
    // certificate callbacks, no client authentication on the server, no
    // choice of suites or groups, no session API, and reports only the
    // peer's leaf.
    c
}

/// The declarations.
pub(crate) static CAPABILITIES: Capabilities = caps();
