//! The engine's `Engine` and `StaticEngine` implementations: the crate
//! root's engine type (named `FamilyEngine` there) starting the shared
//! session and checking chains.
//! One source for the OpenSSL and BoringSSL engines (`backends/ssl-family`).

use wiretls_core::engine::{Session, SessionContext};
use wiretls_core::{Capabilities, ChainCheck, ClientTls, Engine, Error, ServerTls, StaticEngine};

use crate::session::EngineSession;

impl Engine for crate::FamilyEngine {
    fn name(&self) -> &'static str {
        crate::caps::CAPABILITIES.engine
    }

    fn capabilities(&self) -> &Capabilities {
        &crate::caps::CAPABILITIES
    }

    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.client_session(config, context)?))
    }

    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(self.server_session(config, context)?))
    }

    fn check_chain(&self, check: &ChainCheck<'_>) -> Result<(), Error> {
        wiretls_core::engine::policy::after_engine(crate::check::check_chain(check), check)
    }
}

impl StaticEngine for crate::FamilyEngine {
    type ClientSession = EngineSession;
    type ServerSession = EngineSession;

    fn client_session(&self, config: &ClientTls, context: SessionContext) -> Result<EngineSession, Error> {
        EngineSession::client(config, context)
    }

    fn server_session(&self, config: &ServerTls, context: SessionContext) -> Result<EngineSession, Error> {
        EngineSession::server(config, context)
    }
}
