//! Scenarios that need what an engine declares it cannot do.
//!
//! When a scenario starts a pair ([`Pair::start`](crate::pair::Pair::start)
//! and the calls built on it) and one side's engine refuses with the
//! [`Error::Unsupported`] that its [`Capabilities`](wiretls_core::Capabilities)
//! declare, the scenario ends there: the refusal is the tested outcome
//! (typed, named after the engine, for a feature the engine declares it
//! lacks, before any byte moved). [`run_scenario`](crate::run_scenario) and
//! the matrix report it as "unsupported (declared)", apart from passes and
//! from skips. An `Unsupported` that the engine does not declare is an
//! ordinary failure.

use wiretls_core::{Engine, Error, Feature};

/// The refusal that ended a scenario (the panic payload it unwinds with).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The engine that refused.
    pub engine: &'static str,
    /// What it refused.
    pub feature: Feature,
}

impl std::fmt::Display for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} declares it lacks {}", self.engine, self.feature)
    }
}

/// Pass `error` on, unless it is the `Unsupported` that `engine` declares:
/// then end the running scenario with [`Declared`] (without the panic
/// hook's message: this is an outcome, not a failure).
pub fn check(engine: &dyn Engine, error: Error) -> Error {
    match &error {
        Error::Unsupported { engine: name, feature }
            if *name == engine.name() && !engine.capabilities().supports(feature) =>
        {
            std::panic::resume_unwind(Box::new(Declared { engine: name, feature: feature.clone() }))
        }
        _ => error,
    }
}

/// The [`Declared`] refusal a scenario ended with, if its panic payload is one.
pub fn from_payload(payload: &(dyn std::any::Any + Send)) -> Option<&Declared> {
    payload.downcast_ref::<Declared>()
}

/// Run `test`; where it ends at a [`Declared`] refusal, say so on stderr
/// (shown for passing tests) and return: the refusal was the outcome.
/// Any other panic goes on.
pub fn run(name: &str, test: impl FnOnce()) {
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(test)) {
        match from_payload(&*payload) {
            Some(declared) => {
                use std::io::Write as _;
                let _ = writeln!(std::io::stderr(), "{name}: UNSUPPORTED (declared): {declared}");
            }
            None => std::panic::resume_unwind(payload),
        }
    }
}
