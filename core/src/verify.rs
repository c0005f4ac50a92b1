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
    #[must_use]
    pub fn new(side: Side, server_name: Option<&'a str>) -> Self {
        Self { side, server_name }
    }
}

/// The verify callback's veto: the connection is invalidated and `alert` is
/// sent (the engine sends the nearest alert it can, and reports which in
/// [`Error::Rejected`](crate::Error::Rejected)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reject {
    /// The alert to send; `bad_certificate` by default.
    pub alert: AlertDescription,
}

impl Reject {
    /// A veto with `bad_certificate`.
    #[must_use]
    pub const fn new() -> Self {
        Self { alert: AlertDescription::BAD_CERTIFICATE }
    }

    /// A veto with the given alert (for example `access_denied`).
    #[must_use]
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
/// orders them into the path from the leaf to the trust anchor, counts
/// calls and catches a panicking callback. Shareable across threads because
/// some engines keep verifiers in shared configs.
pub struct VerifyHook {
    callback: Mutex<Box<dyn VerifyCallback>>,
    trust: Option<TrustStore>,
    calls: AtomicUsize,
    panicked: Mutex<Option<String>>,
}

impl VerifyHook {
    /// A hook running `callback`, completing chains with `trust` (for
    /// engines that host a callback themselves, such as a peer process).
    #[must_use]
    pub fn new(callback: Box<dyn VerifyCallback>, trust: Option<TrustStore>) -> Self {
        Self { callback: Mutex::new(callback), trust, calls: AtomicUsize::new(0), panicked: Mutex::new(None) }
    }

    /// Run the callback over the chain the peer presented (DER, leaf first,
    /// in any order after the leaf: the peer's own order or the engine's
    /// built path). The callback sees the seed's order: the path from the
    /// leaf to the trust anchor, each certificate followed by its issuer,
    /// certificates that are not on that path left out (see
    /// [`certification_path`]).
    ///
    /// # Errors
    /// The callback's [`Reject`]; a `bad_certificate` veto when a
    /// certificate the engine accepted cannot be parsed here, and when the
    /// callback panicked (the panic is caught and kept for
    /// [`VerifyHook::take_panic`]: the connection reports it as
    /// [`Error::CallbackPanicked`](crate::Error::CallbackPanicked)).
    pub fn run(&self, presented: &[&[u8]], context: &VerifyContext<'_>) -> Result<(), Reject> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let certs: Vec<Certificate> = presented
            .iter()
            .map(|der| Certificate::from_der(*der))
            .collect::<Result<_, _>>()
            .map_err(|_| Reject::new())?;
        let system;
        let trust = match (&self.trust, context.side) {
            (Some(trust), _) => Some(trust),
            (None, Side::Client) => {
                system = TrustStore::system().ok();
                system.as_ref()
            }
            (None, Side::Server) => None,
        };
        let chain = certification_path(&certs, trust);
        let mut callback = self.callback.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match crate::Error::catch_callback(crate::Callback::Verify, || callback.verify(&chain, context)) {
            Ok(verdict) => verdict,
            Err(crate::Error::CallbackPanicked { message, .. }) => {
                *self.panicked.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(message);
                Err(Reject::new())
            }
            Err(_) => Err(Reject::new()),
        }
    }

    /// How many times the callback ran.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// The message of a panic the callback raised, once (the connection
    /// turns its veto into [`Error::CallbackPanicked`](crate::Error::CallbackPanicked)).
    pub fn take_panic(&self) -> Option<String> {
        self.panicked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// The certification path of a presented chain, in the seed's order: the
/// leaf (`presented[0]`), then each certificate's issuer taken from the
/// presented ones, ending with the trust anchor from `trust` that issued the
/// last of them (when it was not presented). Certificates that are not on
/// the path (extras, duplicates) are left out, so a misordered chain gives
/// the same path as a well-ordered one.
#[must_use]
pub fn certification_path(presented: &[Certificate], trust: Option<&TrustStore>) -> Vec<Certificate> {
    let Some((leaf, rest)) = presented.split_first() else { return Vec::new() };
    let mut path = vec![leaf.clone()];
    let on_path = |path: &[Certificate], c: &Certificate| path.iter().any(|p| p.der() == c.der());
    loop {
        // Invariant: `path` starts with the leaf and only grows.
        let last = &path[path.len() - 1];
        if path.len() > 1 && last.is_self_issued() {
            break;
        }
        if let Some(anchor) = trust.and_then(|t| t.certificates().iter().find(|a| last.is_issued_by(a))) {
            if !on_path(&path, anchor) {
                path.push(anchor.clone());
            }
            break;
        }
        match rest.iter().find(|c| last.is_issued_by(c) && !on_path(&path, c)) {
            Some(issuer) => path.push(issuer.clone()),
            None => break,
        }
    }
    path
}

impl std::fmt::Debug for VerifyHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyHook").field("calls", &self.calls()).finish_non_exhaustive()
    }
}
