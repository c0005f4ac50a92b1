//! # wiretls-boring
//!
//! The wiretls engine over BoringSSL (the `boring` crate, which builds its
//! own BoringSSL), driven through in-memory buffers.
//!
//! How the seed maps onto BoringSSL, using its own hooks:
//! - a server's `ServerCertificates` is asked from the select-certificate
//!   callback (`SSL_CTX_set_select_certificate_cb`), which may ask to be
//!   retried (`ssl_select_cert_retry`): the store may answer later;
//! - a client's `ClientCertificateStore` is asked from the certificate
//!   callback (`SSL_CTX_set_cert_cb`), with the CA names of
//!   `SSL_get0_server_requested_CAs`; returning -1 suspends the handshake;
//! - the verify callback runs in the certificate-verify callback, right
//!   after `X509_verify_cert` succeeded, with the verified chain;
//! - `send_alert` sends fatal alerts (`SSL_send_fatal_alert`);
//! - BoringSSL has no DHE suites (no `dh_params`) and does not let the TLS
//!   1.3 suites be chosen: both are declared and answered with
//!   `Unsupported`.
//!
//! BoringSSL and OpenSSL export the same symbols and cannot be linked into
//! one binary: no package may depend on this crate and on `wiretls-openssl`
//! (or native-tls). Most of the engine is one source with the OpenSSL
//! engine (`backends/ssl-family`, compiled here against the `boring`
//! crate); `quirks.rs`, `codes.rs` and `hooks.rs` hold what BoringSSL does
//! its own way. The `unsafe` code is confined to `ffi.rs` and the shared
//! `callbacks.rs`.
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(unsafe_code)]

// The shared sources (backends/ssl-family), each module by its own name.
#[path = "../../ssl-family/mod.rs"]
mod family;
use family::{callbacks, check, context, convert, errors, session, shared};
pub use session::EngineSession as BoringSession;

mod caps;
mod codes;
#[allow(unsafe_code)]
mod ffi;
mod hooks;
mod quirks;
mod tickets;

// The library the shared sources in backends/ssl-family are written against.
use boring as ssl_lib;
use boring_sys as ssl_sys;
// The engine type the shared `engine.rs` implements `Engine` for.
use BoringEngine as FamilyEngine;

/// The BoringSSL engine (engine name `boring`).
#[derive(Clone, Copy, Debug, Default)]
pub struct BoringEngine;

impl BoringEngine {
    /// The engine.
    pub fn new() -> Self {
        Self
    }
}
