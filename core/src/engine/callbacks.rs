//! What a connection shares with its engine's callbacks, for engines whose
//! library calls back into them during a handshake (OpenSSL and BoringSSL
//! keep it in the `SSL`'s ex_data): the certificate store's question, the
//! verify hook, where chains are prepared, and what the callbacks found.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::alert::{Alert, AlertDescription};
use crate::connection::Side;
use crate::error::Error;
use crate::store::StoreQuery;
use crate::verify::VerifyHook;

/// Per-connection state reachable from an engine's callbacks; `C` is where
/// the engine prepares the chains a store answers with.
pub struct CallbackShared<C> {
    /// The connection's side.
    pub side: Side,
    /// The certificate store's question for this handshake.
    pub query: StoreQuery,
    /// The verify callback, run after the engine's own checks.
    pub hook: Option<Arc<VerifyHook>>,
    /// Where the chains a store answers with are prepared.
    pub chains: C,
    /// The trust anchors the peer's chain is checked against (for
    /// wiretls's verification policy, [`PolicyRule`](crate::PolicyRule)).
    pub trust: Option<crate::TrustStore>,
    server_name: Mutex<Option<String>>,
    state: Mutex<CallbackState>,
}

/// What the callbacks found.
#[derive(Debug, Default)]
pub struct CallbackState {
    /// A server store answered `None`.
    pub no_certificate: bool,
    /// A failure inside a callback (a key that does not load, ...).
    pub failure: Option<Error>,
    /// The alert a verify-callback veto asked for.
    pub veto: Option<AlertDescription>,
    /// The verification policy refused the peer's chain.
    pub refused: Option<crate::policy::PolicyViolation>,
    /// The last fatal alert the engine sent.
    pub alert_sent: Option<Alert>,
    /// The last alert the engine received.
    pub alert_received: Option<Alert>,
}

impl<C> CallbackShared<C> {
    /// The state of a new connection; `server_name` is a client's target
    /// (a server learns it from the SNI, [`CallbackShared::set_server_name`]).
    pub fn new(
        side: Side,
        query: StoreQuery,
        hook: Option<Arc<VerifyHook>>,
        chains: C,
        server_name: Option<String>,
    ) -> Self {
        Self {
            side,
            query,
            hook,
            chains,
            trust: None,
            server_name: Mutex::new(server_name),
            state: Mutex::default(),
        }
    }

    /// Check peers against `trust` with wiretls's verification policy
    /// ([`CallbackShared::check_policy`]).
    pub fn with_trust(mut self, trust: Option<crate::TrustStore>) -> Self {
        self.trust = trust;
        self
    }

    /// Check the chain the peer presented (DER, leaf first) against
    /// wiretls's verification policy ([`PolicyRule`](crate::PolicyRule)), as an engine's
    /// verification callback does before its own checks; a violation is
    /// kept in [`CallbackState::refused`] and its alert returned.
    pub fn check_policy(&self, presented: &[&[u8]]) -> Result<(), AlertDescription> {
        let Some(trust) = &self.trust else { return Ok(()) };
        let name = self.server_name();
        let peer_name = match (self.side, name.as_deref()) {
            (Side::Client, Some(name)) => Some(name),
            _ => None,
        };
        crate::policy::check_presented(presented, trust, peer_name).map_err(|violation| {
            let alert = violation.rule.alert();
            self.lock().refused = Some(violation);
            alert
        })
    }

    /// What the callbacks found (a callback that panicked leaves it usable).
    pub fn lock(&self) -> MutexGuard<'_, CallbackState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The server name: the client's target, or the SNI a server got.
    pub fn server_name(&self) -> Option<String> {
        self.server_name.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Record the SNI a server got.
    pub fn set_server_name(&self, name: Option<String>) {
        *self.server_name.lock().unwrap_or_else(PoisonError::into_inner) = name;
    }
}

/// Run the body of an engine callback that C code called, catching a
/// panic so that it never unwinds into C (a panic out of an `extern "C"`
/// function aborts the process): `record` is given the panic's message (it
/// runs caught too, and the payload is dropped inside the guard), and the
/// callback returns `failed`, its own failure value. Application callbacks
/// are caught closer to them ([`crate::engine::VerifyHook::run`],
/// [`crate::engine::StoreRef::ask`]); a panic here is the engine's.
pub fn guard<T>(failed: T, body: impl FnOnce() -> T, record: impl FnOnce(String)) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let message = crate::error::panic_message(&*payload);
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                drop(payload);
                record(message);
            }));
            failed
        }
    }
}

impl<C> CallbackShared<C> {
    /// Keep an engine callback's panic as the connection's failure (the
    /// first one wins), for the session to report.
    pub fn record_panic(&self, engine: &'static str, callback: &str, message: &str) {
        let detail = format!("the {callback} callback panicked: {message}");
        self.lock().failure.get_or_insert(Error::Engine { engine, detail });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreRef;

    #[test]
    fn keeps_the_server_name_and_what_callbacks_found() {
        let query = StoreQuery::new(StoreRef::Client(None), Arc::default());
        let shared = CallbackShared::new(Side::Server, query, None, (), None);
        assert_eq!(shared.server_name(), None);
        shared.set_server_name(Some("example.com".into()));
        assert_eq!(shared.server_name().as_deref(), Some("example.com"));
        shared.lock().veto = Some(AlertDescription::BAD_CERTIFICATE);
        assert_eq!(shared.lock().veto, Some(AlertDescription::BAD_CERTIFICATE));
        assert!(!shared.lock().no_certificate);
    }
}
