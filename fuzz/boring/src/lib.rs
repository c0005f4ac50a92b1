//! # wiretls-fuzz-boring
//!
//! The BoringSSL engine's fuzz targets, the counterpart of `wiretls-fuzz`
//! (which links OpenSSL, so BoringSSL cannot join it): `data_from_wire`
//! of a server and of a client, both sides after an in-memory handshake,
//! and the same bytes to a rustls and a BoringSSL server. `libfuzzer/`
//! wraps each for cargo-fuzz (`bash ci/fuzz.sh TARGET SECONDS`), and
//! `tests/corpus.rs` replays the committed corpus (`../corpus/TARGET/`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::sync::OnceLock;

use wiretls_core::Engine;
use wiretls_fuzz_common::{client_wire, established, flights, server_wire};

pub use wiretls_fuzz_common::Target;

/// Every target.
pub const TARGETS: &[Target] = &[
    ("server_wire_boring", server_wire_boring),
    ("client_wire_boring", client_wire_boring),
    ("established_boring", established_boring),
    ("server_differential_boring", server_differential_boring),
];

fn boring() -> &'static dyn Engine {
    static ENGINE: OnceLock<wiretls_boring::BoringEngine> = OnceLock::new();
    ENGINE.get_or_init(|| wiretls_boring::BoringEngine)
}

fn rustls() -> &'static dyn Engine {
    static ENGINE: OnceLock<wiretls_rustls::RustlsEngine> = OnceLock::new();
    ENGINE.get_or_init(wiretls_rustls::RustlsEngine::aws_lc_rs)
}

/// A server's `data_from_wire` from its first byte, BoringSSL.
pub fn server_wire_boring(data: &[u8]) {
    server_wire(boring(), data);
}

/// A client's `data_from_wire` after its ClientHello, BoringSSL.
pub fn client_wire_boring(data: &[u8]) {
    client_wire(boring(), data);
}

/// `data_from_wire` after the handshake, either side, BoringSSL.
pub fn established_boring(data: &[u8]) {
    established(boring(), data);
}

/// The same bytes to a rustls and a BoringSSL server: neither may panic,
/// and each error is typed.
pub fn server_differential_boring(data: &[u8]) {
    server_wire(rustls(), data);
    server_wire(boring(), data);
}

/// The seeds of the target `name` (empty for an unknown name): BoringSSL's
/// own handshake flights, each in four piece sizes.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let with_sizes = |pick: usize| -> Vec<Vec<u8>> {
        let flights = flights(boring());
        let Some(flight) = flights.get(pick) else { return Vec::new() };
        [0u8, 1, 5, 200].iter().map(|&size| [&[size][..], flight].concat()).collect()
    };
    match name {
        "server_wire_boring" | "server_differential_boring" => with_sizes(0),
        "client_wire_boring" => with_sizes(1),
        "established_boring" => vec![
            b"\x00\x17\x03\x03\x00\x13aaaaaaaaaaaaaaaaaaa".to_vec(),
            b"\x01\x15\x03\x03\x00\x02\x01\x00".to_vec(),
            b"\x00\x16\x03\x03\x00\x05\x18\x00\x00\x01\x01".to_vec(),
        ],
        _ => Vec::new(),
    }
}
