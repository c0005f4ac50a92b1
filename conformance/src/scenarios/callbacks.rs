//! Application callbacks that misbehave: a panic in the verify callback, a
//! certificate store or the wire's callbacks never aborts the process or
//! leaves a live connection; a callback that drives another connection on
//! the same thread does not disable the outer connection's checks.

#[allow(unused_imports)]
use wiretls_core::Engine;
