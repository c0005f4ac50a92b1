//! The sources the OpenSSL and BoringSSL engines share word for word,
//! compiled into each against its own bindings (see this folder's
//! README.md). The crate root re-exports each module under its own name.

#[allow(unsafe_code)]
pub(crate) mod callbacks;
pub(crate) mod check;
pub(crate) mod context;
pub(crate) mod convert;
pub(crate) mod engine;
pub(crate) mod errors;
pub(crate) mod session;
pub(crate) mod shared;
