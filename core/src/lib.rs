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
//! the certificate stores and their one-shot answers ([`store`]), alerts and
//! their level rules ([`alert`]), the error type ([`Error`]), and the
//! [`Engine`] / [`Session`] traits the engine crates implement
//! (`wiretls-rustls`, ...). Pick engines through the `wiretls` facade crate.
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

pub mod alert;
pub mod alpn;
pub mod cache;
pub mod callbacks;
pub mod cert;
pub mod chain;
pub mod config;
pub mod connection;
pub mod engine;
pub mod error;
#[cfg(feature = "serde")]
pub mod interned;
pub mod memio;
pub mod name;
pub mod policy;
pub mod record;
pub mod store;
pub mod suites;
pub mod table;
pub mod verify;
pub mod wire;

pub use alert::{Alert, AlertDescription, AlertLevel, LevelRule};
pub use cert::{Certificate, DistinguishedName, KeyType, PrivateKey};
pub use chain::{CertificateChain, TrustStore};
pub use config::{ClientAuth, ClientTls, DhParams, Prepared, ServerTls};
pub use connection::{Connection, ConnectionInfo, Side};
pub use engine::{
    AlertSending, Capabilities, ChainCheck, Engine, PeerName, Session, SessionContext, SessionStatus,
};
pub use error::{
    BadData, Blame, Callback, CertificateProblem, ConfigError, Error, Feature, InvalidatedReason, Malformed,
};
pub use store::{
    CertificateChainCallback, ChainRequest, ClientCertificateStore, ServerCertificateChain,
    ServerCertificates, SniServerCertificates, StoreAnswer, StoreQuery, StoreRef, StoreWaker,
};
pub use suites::{Aead, CipherSuite, KeyExchange, NamedGroup, ProtocolVersion, SuiteAuth, SuiteInfo};
pub use verify::{Reject, VerifyCallback, VerifyContext, VerifyHook};
pub use wire::{wire_from_fns, FnWire, MemoryWire, Outbox, OutboxWire, Wire};

/// The rustls-pki-types crate, whose DER types wiretls uses.
pub use rustls_pki_types as pki_types;
