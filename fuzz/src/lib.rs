//! # wiretls-fuzz
//!
//! The bodies of wiretls's fuzz targets, on stable Rust: `libfuzzer/` wraps
//! each in a cargo-fuzz target (`bash ci/fuzz.sh TARGET SECONDS` runs one),
//! and `tests/corpus.rs` replays the committed corpus (`corpus/TARGET/`) and
//! the seeds through them in `cargo test`. A target passes an input when
//! nothing panics and every error is typed and ends the connection the way
//! the seed says (an error that invalidates is followed by
//! `InvalidatedError` on the next call).
//!
//! The engines here are rustls and OpenSSL; BoringSSL cannot be linked
//! beside OpenSSL: its targets are `wiretls-fuzz-boring` (`fuzz/boring`),
//! and what both share is `wiretls-fuzz-common`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod seeds;
pub mod targets;

pub use wiretls_fuzz_common::Target;

/// Every target.
pub const TARGETS: &[Target] = &[
    ("server_wire_rustls", targets::server_wire_rustls),
    ("server_wire_openssl", targets::server_wire_openssl),
    ("client_wire_rustls", targets::client_wire_rustls),
    ("client_wire_openssl", targets::client_wire_openssl),
    ("established_rustls", targets::established_rustls),
    ("established_openssl", targets::established_openssl),
    ("server_differential", targets::server_differential),
    ("pem_der", targets::pem_der),
    ("names", targets::names),
    ("alert_levels", targets::alert_levels),
];
