//! # wiretls-openssl
//!
//! The wiretls engine over OpenSSL 3 (the `openssl` crate over the system's
//! libssl), driven through in-memory buffers.
//!
//! How the seed maps onto OpenSSL:
//! - certificate stores are asked from OpenSSL's certificate callback
//!   (`SSL_CTX_set_cert_cb`): on the server after the ClientHello (SNI
//!   known), on the client when a CertificateRequest arrives (its CA names
//!   from `SSL_get_client_CA_list`); returning -1 suspends the handshake, so
//!   both stores may answer later;
//! - the verify callback runs in OpenSSL's application verification hook
//!   (`SSL_CTX_set_cert_verify_callback`) right after `X509_verify_cert`
//!   succeeded, with the verified chain; host names are checked through the
//!   verify parameters (`X509_VERIFY_PARAM_set1_host`), not a bare
//!   `VERIFY_PEER`;
//! - every alert OpenSSL sends or receives is seen through the info callback,
//!   so errors report the exact alert;
//! - `dh_params` are OpenSSL's temporary DH parameters for TLS 1.2 DHE suites;
//! - cipher suites are IANA ids, named for OpenSSL from the one table in
//!   `wiretls_core::suites`.
//!
//! Most of the engine is one source with the BoringSSL engine
//! (`backends/ssl-family`, compiled here against the `openssl` crate);
//! `quirks.rs` and `codes.rs` hold what OpenSSL does its own way. The
//! `unsafe` code is confined to `ffi.rs` (libssl calls that the safe crate
//! does not bind) and the shared `callbacks.rs`, each block with a
//! `// SAFETY:` comment.
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(unsafe_code)]

// The shared sources (backends/ssl-family), each module by its own name.
#[path = "../../ssl-family/mod.rs"]
mod family;
use family::{callbacks, check, context, convert, errors, session, shared};
pub use session::EngineSession as OpensslSession;

mod caps;
mod codes;
#[allow(unsafe_code)]
mod ffi;
mod quirks;

// The library the shared sources in backends/ssl-family are written against.
use openssl as ssl_lib;
use openssl_sys as ssl_sys;
// The engine type the shared `engine.rs` implements `Engine` for.
use OpensslEngine as FamilyEngine;

/// The OpenSSL engine (engine name `openssl`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OpensslEngine;

impl OpensslEngine {
    /// The engine.
    pub fn new() -> Self {
        Self
    }

    /// The version of the libssl this process runs with.
    #[doc(alias = "OpenSSL_version")]
    pub fn library_version() -> &'static str {
        openssl::version::version()
    }
}
