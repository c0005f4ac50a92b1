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
//! The `unsafe` code is confined to `ffi.rs`: libssl calls that the safe
//! crate does not bind, each with a `// SAFETY:` comment.
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(unsafe_code)]

mod caps;
mod check;
mod context;
#[path = "../../ssl-family/convert.rs"]
mod convert;
mod errors;
#[allow(unsafe_code)]
mod ffi;
mod session;
#[path = "../../ssl-family/shared.rs"]
mod shared;

// The library the shared sources in backends/ssl-family are written against.
use openssl as ssl_lib;
use wiretls_core::engine::{Session, SessionContext};
use wiretls_core::{Capabilities, ClientTls, Engine, Error, ServerTls};

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

impl Engine for OpensslEngine {
    fn name(&self) -> &'static str {
        caps::CAPABILITIES.engine
    }

    fn capabilities(&self) -> &Capabilities {
        &caps::CAPABILITIES
    }

    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(session::OpensslSession::client(config, context)?))
    }

    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(session::OpensslSession::server(config, context)?))
    }

    fn check_chain(&self, check: &wiretls_core::ChainCheck<'_>) -> Result<(), Error> {
        wiretls_core::engine::policy::after_engine(check::check_chain(check), check)
    }
}
