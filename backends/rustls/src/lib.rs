//! # wiretls-rustls
//!
//! The wiretls engine over [rustls] 0.23, with an explicit crypto provider:
//! aws-lc-rs (feature `aws-lc-rs`, the default) or *ring* (feature `ring`).
//! Configurations are always built with `builder_with_provider`, so both
//! providers may be compiled in (the process-wide default provider is never
//! consulted).
//!
//! How the seed maps onto rustls:
//! - `ServerCertificates` is asked from rustls's [`Acceptor`](rustls::server::Acceptor)
//!   once the ClientHello is in, so the store may answer later; the server
//!   config is built for the chosen chain.
//! - `ClientCertificateStore` is asked from rustls's synchronous
//!   `ResolvesClientCert`: a store that does not answer before its method
//!   returns gets [`Feature::LaterClientCertificateAnswer`](wiretls_core::Feature)
//!   as a typed `Unsupported` error and the connection ends (rustls cannot
//!   pause there, see rustls issues #89 and #2727).
//! - The verify callback runs inside a verifier that first runs rustls's own
//!   webpki verifier (chain, validity, host name).
//! - `send_alert` can send only `close_notify` (rustls issue #1366); a
//!   verify-callback veto sends the alert rustls derives from the error
//!   returned, chosen to match the veto's alert where rustls has a way.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod caps;
mod check;
mod client;
mod errors;
mod pump;
mod server;
mod sessions;
mod verify;

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use wiretls_core::engine::{Session, SessionContext};
use wiretls_core::{Capabilities, ClientTls, Engine, Error, ServerTls, StaticEngine};

pub use client::ClientSession;
pub use server::ServerSession;

/// The rustls engine.
#[derive(Clone, Debug)]
pub struct RustlsEngine {
    provider: Arc<CryptoProvider>,
    caps: &'static Capabilities,
}

impl RustlsEngine {
    /// rustls with the aws-lc-rs provider (engine name `rustls`).
    #[cfg(feature = "aws-lc-rs")]
    pub fn aws_lc_rs() -> Self {
        Self { provider: Arc::new(rustls::crypto::aws_lc_rs::default_provider()), caps: &caps::AWS_LC_RS }
    }

    /// rustls with the *ring* provider (engine name `rustls-ring`).
    #[cfg(feature = "ring")]
    pub fn ring() -> Self {
        Self { provider: Arc::new(rustls::crypto::ring::default_provider()), caps: &caps::RING }
    }

    /// The crypto provider in use.
    pub fn provider(&self) -> &Arc<CryptoProvider> {
        &self.provider
    }
}

#[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
impl Default for RustlsEngine {
    /// aws-lc-rs when compiled in, else *ring*.
    fn default() -> Self {
        #[cfg(feature = "aws-lc-rs")]
        return Self::aws_lc_rs();
        #[cfg(not(feature = "aws-lc-rs"))]
        return Self::ring();
    }
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!("wiretls-rustls needs a crypto provider: enable the `aws-lc-rs` or the `ring` feature");

impl Engine for RustlsEngine {
    fn name(&self) -> &'static str {
        self.caps.engine
    }

    fn capabilities(&self) -> &Capabilities {
        self.caps
    }

    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.client_session(config, context)?))
    }

    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.server_session(config, context)?))
    }

    fn check_chain(&self, check: &wiretls_core::ChainCheck<'_>) -> Result<(), Error> {
        wiretls_core::engine::policy::after_engine(check::check_chain(self, check), check)
    }
}

impl StaticEngine for RustlsEngine {
    type ClientSession = ClientSession;
    type ServerSession = ServerSession;

    fn client_session(&self, config: &ClientTls, context: SessionContext) -> Result<ClientSession, Error> {
        ClientSession::start(self, config, context)
    }

    fn server_session(&self, config: &ServerTls, context: SessionContext) -> Result<ServerSession, Error> {
        ServerSession::start(self, config, context)
    }
}

/// The cipher suites, versions and groups of a configuration, resolved
/// against the provider.
pub(crate) fn provider_for(
    engine: &RustlsEngine,
    suites: impl Iterator<Item = wiretls_core::CipherSuite>,
    groups: Option<&[wiretls_core::NamedGroup]>,
) -> Result<Arc<CryptoProvider>, Error> {
    let base = &engine.provider;
    let mut chosen = Vec::new();
    for suite in suites {
        let found = base.cipher_suites.iter().find(|s| u16::from(s.suite()) == suite.iana());
        match found {
            Some(s) => chosen.push(*s),
            None => return Err(engine.caps.unsupported(wiretls_core::Feature::CipherSuite(suite))),
        }
    }
    let kx_groups = match groups {
        None => base.kx_groups.clone(),
        Some(groups) => groups
            .iter()
            .map(|g| {
                base.kx_groups
                    .iter()
                    .find(|k| u16::from(k.name()) == g.0)
                    .copied()
                    .ok_or_else(|| engine.caps.unsupported(wiretls_core::Feature::Group(*g)))
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(Arc::new(CryptoProvider { cipher_suites: chosen, kx_groups, ..(**base).clone() }))
}

pub(crate) fn rustls_versions(
    versions: &[wiretls_core::ProtocolVersion],
) -> Vec<&'static rustls::SupportedProtocolVersion> {
    versions
        .iter()
        .map(|v| match v {
            wiretls_core::ProtocolVersion::Tls12 => &rustls::version::TLS12,
            wiretls_core::ProtocolVersion::Tls13 => &rustls::version::TLS13,
        })
        .collect()
}
