//! # wiretls-native-tls
//!
//! The wiretls engine over [native-tls](https://docs.rs/native-tls) 0.2: the
//! platform's own TLS (OpenSSL on Linux and the other Unixes, SChannel on
//! Windows, Security.framework on macOS) behind the same sans-IO
//! [`Connection`](wiretls_core::Connection) as every other engine.
//!
//! native-tls is a blocking-stream API. The engine drives it over an
//! in-memory pipe that answers `WouldBlock` when it holds no peer bytes, so
//! each `data_from_wire` runs the handshake or the records as far as its
//! input allows, and everything native-tls writes goes to the wire.
//!
//! What native-tls cannot say is refused before any byte moves, with
//! [`Error::Unsupported`] naming the
//! feature, as its [`Capabilities`] declare: the verify callback, SNI and
//! other certificate stores on the server (one fixed chain only), client
//! authentication on the server, stores that answer later, `dh_params`,
//! choosing cipher suites or groups, and alerts other than `close_notify`.
//! A client's certificate store is asked for its default chain when the
//! connection starts (native-tls never shows the server's CA names).
//!
//! native-tls reports the ALPN protocol and the peer's leaf certificate;
//! the version, cipher suite, key-exchange group and the server's SNI name
//! are read from the handshake's plaintext messages as they pass.
//!
//! A client and a server in memory (the test `tests/in_memory.rs` runs this
//! code: doc tests of a whole-workspace build would link BoringSSL's
//! `libssl` in place of OpenSSL, the brief's Hazard 1):
//!
//! ```ignore
//! use wiretls_core::{Certificate, CertificateChain, ClientTls, Feature, ServerTls, StartOptions, TrustStore, VerifyContext};
//! use wiretls_native_tls::NativeTlsEngine;
//! let engine = NativeTlsEngine::new();
//! let client = ClientTls::new("server.wiretls.test")?.with_trust_root(root);
//! let (to_server, to_client) = (wiretls_core::Outbox::new(), wiretls_core::Outbox::new());
//! let mut c = client.start(&engine, to_server.wire())?;
//! let mut s = ServerTls::from_chain(chain).start(&engine, to_client.wire())?;
//! while c.is_handshaking() {
//!     s.data_from_wire(&to_server.take())?;
//!     c.data_from_wire(&to_client.take())?;
//! }
//! println!("{:?} {:?}", c.info().version, c.info().cipher_suite);
//!
//! // A verify callback is beyond native-tls: refused before anything is sent.
//! let refused = client.start_with(&engine, to_server.wire(), StartOptions::new().verify(|_: &[Certificate], _: &VerifyContext<'_>| Ok(())));
//! assert!(matches!(refused, Err(wiretls_core::Error::Unsupported { feature: Feature::VerifyCallback, .. })));
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod caps;
mod config;
mod errors;
mod hello;
mod session;

pub use hello::{Observer, Seen};
pub use session::NativeTlsSession;
use wiretls_core::engine::{Session, SessionContext};
use wiretls_core::{Capabilities, ClientTls, Engine, Error, ServerTls, StaticEngine};

/// The native-tls engine (engine name `native-tls`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeTlsEngine;

impl NativeTlsEngine {
    /// The engine.
    pub fn new() -> Self {
        Self
    }
}

impl Engine for NativeTlsEngine {
    fn name(&self) -> &'static str {
        caps::CAPABILITIES.engine
    }

    fn capabilities(&self) -> &Capabilities {
        &caps::CAPABILITIES
    }

    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.client_session(config, context)?))
    }

    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.server_session(config, context)?))
    }
}

impl StaticEngine for NativeTlsEngine {
    type ClientSession = NativeTlsSession;
    type ServerSession = NativeTlsSession;

    #[doc(alias = "TlsConnector::connect")]
    fn client_session(&self, config: &ClientTls, context: SessionContext) -> Result<NativeTlsSession, Error> {
        let connector = config::client(config, &context)?;
        NativeTlsSession::client(&connector, config.server_hostname())
    }

    #[doc(alias = "TlsAcceptor::accept")]
    fn server_session(&self, config: &ServerTls, context: SessionContext) -> Result<NativeTlsSession, Error> {
        let acceptor = config::server(config, &context)?;
        NativeTlsSession::server(&acceptor)
    }
}
