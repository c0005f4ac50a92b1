//! # wiretls-core
//!
//! The engine-neutral half of wiretls: the "Python TLS API" design of 2014,
//! in Rust. A [`Connection`] is sans-IO: the application hands it the bytes
//! it reads ([`Connection::data_from_wire`]) and the plaintext it wants sent
//! ([`Connection::data_from_application`]); the connection hands ciphertext
//! to a [`Wire`] and asks that wire to close when TLS says so.
//!
//! This crate holds everything that is the same for every engine:
//! configurations ([`ClientTls`], [`ServerTls`]), the certificate model and
//! its strict loaders ([`Certificate`], [`CertificateChain`], [`TrustStore`]),
//! the certificate stores ([`ServerCertificates`], [`ClientCertificateStore`])
//! and their one-shot answers ([`CertificateChainCallback`]), alerts and
//! their level rules ([`AlertDescription::resolve_level`]), the error type ([`Error`]), and the
//! [`Engine`] trait the engine crates implement (`wiretls-rustls`, ...);
//! what only those crates need is in [`engine`], the engine author's kit. Pick engines through the `wiretls` facade crate.
//!
//! ```
//! use wiretls_core::{AlertDescription, AlertLevel, ProtocolVersion, Error};
//! // send_alert's level rules: handshake_failure is always fatal...
//! let d = AlertDescription::HANDSHAKE_FAILURE;
//! assert_eq!(d.resolve_level(None, Some(ProtocolVersion::Tls12)), Ok(AlertLevel::Fatal));
//! // ...and bad_certificate needs an explicit level in TLS 1.2.
//! let e = AlertDescription::BAD_CERTIFICATE.resolve_level(None, Some(ProtocolVersion::Tls12));
//! assert!(matches!(e, Err(Error::InvalidAlertLevel { .. })));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::must_use_candidate)]

mod alert;
mod cert;
mod chain;
mod config;
mod connection;
pub mod engine;
mod error;
mod name;
mod policy;
mod store;
mod suites;
mod traits;
mod verify;
mod wire;

pub use alert::{Alert, AlertDescription, AlertLevel, LevelRule};
pub use cert::{Certificate, DistinguishedName, KeyType, PrivateKey};
pub use chain::{certificates_from_pem, private_key_from_pem, CertificateChain, TrustStore};
pub use config::{ClientAuth, ClientTls, DhParams, ServerTls, StartOptions};
pub use connection::{Connection, ConnectionInfo, Received, Side};
pub use error::{
    BadData, Blame, Callback, CertificateProblem, ConfigError, Error, Feature, InvalidatedReason, Malformed,
};
pub use name::dns_name_matches;
pub use policy::{PolicyRule, PolicyViolation, MIN_RSA_BITS};
pub use store::{
    CertificateChainCallback, ClientCertificateStore, ServerCertificateChain, ServerCertificates,
    SniServerCertificates,
};
pub use suites::{Aead, CipherSuite, KeyExchange, NamedGroup, ProtocolVersion, SuiteAuth, SuiteInfo};
pub use traits::{AlertSending, Capabilities, ChainCheck, Engine, PeerName, StaticEngine};
pub use verify::{Reject, VerifyCallback, VerifyContext};
pub use wire::{wire_from_fns, FnWire, MemoryWire, Outbox, OutboxWire, Wire};

/// The rustls-pki-types crate, whose DER types wiretls uses.
pub use rustls_pki_types as pki_types;
