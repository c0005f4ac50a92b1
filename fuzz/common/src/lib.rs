//! # wiretls-fuzz-common
//!
//! The engine-neutral half of wiretls's fuzz targets: a connection fed the
//! input in pieces (the first byte sets their length), the seed's rules
//! checked after an error, the built-in fixtures, and the in-memory
//! handshake flights that seed the corpus. `wiretls-fuzz` (rustls and
//! OpenSSL) and `wiretls-fuzz-boring` (rustls and BoringSSL) instantiate
//! it per engine.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod fixtures;

use wiretls_core::{Connection, Engine, Error, Outbox};

/// The input as the peer's bytes in pieces: the first byte gives the piece
/// length (0 = everything at once), so that record and message boundaries
/// fall everywhere.
pub fn pieces(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let (size, rest) = match data.split_first() {
        Some((&0, rest)) => (usize::MAX, rest),
        Some((&n, rest)) => (usize::from(n), rest),
        None => (usize::MAX, data),
    };
    rest.chunks(size.min(rest.len()).max(1))
}

/// Feed `data` to `conn` and check the seed's rules on what comes back.
pub fn feed(conn: &mut Connection, data: &[u8]) {
    for piece in pieces(data) {
        match conn.data_from_wire(piece) {
            Ok(_) => {}
            Err(e) => {
                after_error(conn, &e);
                return;
            }
        }
    }
}

/// After an error that invalidates, the next call fails with `Invalidated`.
pub fn after_error(conn: &mut Connection, e: &Error) {
    if e.invalidates() {
        match conn.data_from_wire(b"\x17\x03\x03\x00\x01\x00") {
            Err(Error::Invalidated { .. }) => {}
            other => panic!("after {e:?} the connection goes on: {other:?}"),
        }
        assert!(conn.invalidated_by().is_some(), "after {e:?}: not invalidated");
    }
}

/// A fresh server of `engine` (the fixture chain) fed `data`.
pub fn server_wire(engine: &dyn Engine, data: &[u8]) {
    let outbox = Outbox::new();
    let mut conn = fixtures::server().start(engine, outbox.wire()).expect("a server starts");
    feed(&mut conn, data);
}

/// A fresh client of `engine` (trusting the fixture root) fed `data` after
/// its ClientHello.
pub fn client_wire(engine: &dyn Engine, data: &[u8]) {
    let outbox = Outbox::new();
    let mut conn = fixtures::client().start(engine, outbox.wire()).expect("a client starts");
    feed(&mut conn, data);
}

/// A handshake completed in memory, then `data` as the peer's records:
/// the first byte's low bit picks the side that receives it.
pub fn established(engine: &dyn Engine, data: &[u8]) {
    let (to_server, to_client) = (Outbox::new(), Outbox::new());
    let mut c = fixtures::client().start(engine, to_server.wire()).expect("a client starts");
    let mut s = fixtures::server().start(engine, to_client.wire()).expect("a server starts");
    while !to_server.is_empty() || !to_client.is_empty() {
        s.data_from_wire(&to_server.take()).expect("the in-memory handshake (server)");
        c.data_from_wire(&to_client.take()).expect("the in-memory handshake (client)");
    }
    assert!(!c.is_handshaking() && !s.is_handshaking(), "the in-memory handshake ended early");
    let target = if data.first().is_some_and(|b| b & 1 == 1) { &mut c } else { &mut s };
    feed(target, data.get(1..).unwrap_or_default());
}

/// The first flights of an in-memory handshake on `engine`: the
/// ClientHello, the server's first flight, and the client's second.
pub fn flights(engine: &dyn Engine) -> Vec<Vec<u8>> {
    let (to_server, to_client) = (Outbox::new(), Outbox::new());
    let Ok(mut c) = fixtures::client().start(engine, to_server.wire()) else { return Vec::new() };
    let Ok(mut s) = fixtures::server().start(engine, to_client.wire()) else { return Vec::new() };
    let mut out = Vec::new();
    for _ in 0..3 {
        let hello = to_server.take();
        if !hello.is_empty() {
            out.push(hello.clone());
            let _ = s.data_from_wire(&hello);
        }
        let reply = to_client.take();
        if !reply.is_empty() {
            out.push(reply.clone());
            let _ = c.data_from_wire(&reply);
        }
    }
    out
}

/// A fuzz target: its name (the cargo-fuzz target and the corpus folder)
/// and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target over its seeds and its files in `corpus/NAME/`: what the
/// fuzzer found stays fixed (`cargo test` of each fuzz package).
///
/// # Panics
/// When a target has no seeds, a corpus file cannot be read, or a target
/// fails an input.
pub fn replay(targets: &[Target], seeds: fn(&str) -> Vec<Vec<u8>>, corpus: &std::path::Path) {
    for (name, target) in targets {
        let mut inputs = seeds(name);
        assert!(!inputs.is_empty(), "{name} has no seeds");
        if let Ok(entries) = std::fs::read_dir(corpus.join(name)) {
            for entry in entries.flatten() {
                inputs.push(std::fs::read(entry.path()).expect("a corpus file"));
            }
        }
        for input in &inputs {
            target(input);
        }
        eprintln!("{name}: {} inputs", inputs.len());
    }
}

/// Every target has its cargo-fuzz wrapper in `libfuzzer/` (a `[[bin]]` of
/// its name whose body calls `{body_prefix}{name}`).
///
/// # Panics
/// When one is missing or calls another body.
pub fn check_wrappers(targets: &[Target], libfuzzer: &std::path::Path, body_prefix: &str) {
    let manifest = std::fs::read_to_string(libfuzzer.join("Cargo.toml")).expect("libfuzzer/Cargo.toml");
    for (name, _) in targets {
        let body = std::fs::read_to_string(libfuzzer.join("fuzz_targets").join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(body.contains(&format!("{body_prefix}{name}")), "{name}'s wrapper calls another body");
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{name} is not a [[bin]] of libfuzzer/");
    }
}

/// Write each target's seeds into `corpus/NAME/` (the targets named in
/// `wanted`, or all), as `ci/fuzz.sh` does before a run on an empty
/// folder.
///
/// # Panics
/// When a folder or a file cannot be written.
pub fn write_seeds(
    targets: &[Target],
    seeds: fn(&str) -> Vec<Vec<u8>>,
    corpus: &std::path::Path,
    wanted: &[String],
) {
    for (name, _) in targets {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let dir = corpus.join(name);
        std::fs::create_dir_all(&dir).expect("the corpus folder");
        let seeds = seeds(name);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i}")), seed).expect("write a seed");
        }
        println!("{name}: {} seeds", seeds.len());
    }
}
