//! Scenarios that do not apply to a pair (a capability one engine declares
//! it lacks, a version the two have not in common) say so with [`skip`]
//! instead of passing silently: [`run_scenario`](crate::run_scenario)
//! prints the reason in the test output and the matrix counts it apart.

use std::cell::RefCell;

thread_local! {
    static SKIPPED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Mark the running scenario as not applicable to this pair, for `reason`
/// (the capability or version that is missing). The scenario then returns.
pub fn skip(reason: impl Into<String>) {
    let reason = reason.into();
    SKIPPED.with(|s| *s.borrow_mut() = Some(reason));
}

/// The reason the scenario that just ran on this thread skipped, if it did
/// (and forget it).
pub fn take() -> Option<String> {
    SKIPPED.with(|s| s.borrow_mut().take())
}
