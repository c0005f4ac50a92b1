//! The seed's `verify_callback`: the application's last word on a peer,
//! after the built-in checks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::alert::AlertDescription;
use crate::cert::Certificate;
use crate::chain::TrustStore;
use crate::connection::Side;

/// What the verify callback learns about the connection besides the chain.
///
/// The seed passes the `Connection` itself; in Rust the connection is busy
/// (borrowed) while the engine verifies, so the callback gets these facts
/// instead, and chooses the alert to send by returning a [`Reject`] (the
/// seed's "invoking `Connection.send_alert()`" from the callback).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyContext<'a> {
    /// Which side is verifying: `Client` checks a server, `Server` a client.
    pub side: Side,
    /// The server name: the one the client expects, or the SNI a server got.
    pub server_name: Option<&'a str>,
}

impl<'a> VerifyContext<'a> {
    /// A context (for engines).
    pub fn new(side: Side, server_name: Option<&'a str>) -> Self {
        Self { side, server_name }
    }
}

/// The verify callback's veto: the connection is invalidated and `alert` is
/// sent (the engine sends the nearest alert it can, and reports which in
/// [`Error::Rejected`](crate::Error::Rejected)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reject {
    /// The alert to send; `bad_certificate` by default.
    pub alert: AlertDescription,
}

impl Reject {
    /// A veto with `bad_certificate`.
    pub const fn new() -> Self {
        Self { alert: AlertDescription::BAD_CERTIFICATE }
    }

    /// A veto with the given alert (for example `access_denied`).
    pub const fn with_alert(alert: AlertDescription) -> Self {
        Self { alert }
    }
}

impl Default for Reject {
    fn default() -> Self {
        Self::new()
    }
}

/// The seed's `verify_callback`: given the peer's chain (leaf first, ending
/// with the root-most certificate) once per negotiation, after chain
/// validation and host-name checks passed. `Err` vetoes the peer.
///
/// Any `FnMut(&[Certificate], &VerifyContext) -> Result<(), Reject>` is one.
/// A resumed session presents no certificate, so the callback is not called
/// for it (the original negotiation was checked).
pub trait VerifyCallback: Send {
    /// Check the peer.
    ///
    /// # Errors
    /// A [`Reject`] ends the connection with its alert.
    fn verify(&mut self, chain: &[Certificate], context: &VerifyContext<'_>) -> Result<(), Reject>;
}

impl<F> VerifyCallback for F
where
    F: FnMut(&[Certificate], &VerifyContext<'_>) -> Result<(), Reject> + Send,
{
    fn verify(&mut self, chain: &[Certificate], context: &VerifyContext<'_>) -> Result<(), Reject> {
        self(chain, context)
    }
}

/// How an engine runs the verify callback: builds the [`Certificate`]s,
/// completes the chain with the trusted root, counts calls. Shareable
/// across threads because some engines keep verifiers in shared configs.
pub struct VerifyHook {
    callback: Mutex<Box<dyn VerifyCallback>>,
    trust: Option<TrustStore>,
    calls: AtomicUsize,
}

impl VerifyHook {
    /// A hook running `callback`, completing chains with `trust` (for
    /// engines that host a callback themselves, such as a peer process).
    pub fn new(callback: Box<dyn VerifyCallback>, trust: Option<TrustStore>) -> Self {
        Self { callback: Mutex::new(callback), trust, calls: AtomicUsize::new(0) }
    }

    /// Run the callback over the chain the peer presented (DER, leaf first).
    ///
    /// # Errors
    /// The callback's [`Reject`]; a `bad_certificate` veto when a
    /// certificate the engine accepted cannot be parsed here.
    pub fn run(&self, presented: &[&[u8]], context: &VerifyContext<'_>) -> Result<(), Reject> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let certs: Vec<Certificate> = presented
            .iter()
            .map(|der| Certificate::from_der(*der))
            .collect::<Result<_, _>>()
            .map_err(|_| Reject::new())?;
        let chain = match (&self.trust, context.side) {
            (Some(trust), _) => trust.complete_chain(&certs),
            (None, Side::Client) => match TrustStore::system() {
                Ok(trust) => trust.complete_chain(&certs),
                Err(_) => certs,
            },
            (None, Side::Server) => certs,
        };
        let mut callback = self.callback.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        callback.verify(&chain, context)
    }

    /// How many times the callback ran.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for VerifyHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyHook").field("calls", &self.calls()).finish_non_exhaustive()
    }
}
