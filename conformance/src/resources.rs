//! Per-connection memory under hostile peers (issue 14's resource bounds):
//! one connection of the engine under test, in memory, fed an attack in
//! pieces; after every piece the heap in use is read (glibc's `mallinfo2`,
//! which counts Rust's allocations and the C libraries' alike), and the
//! peak above the reading before the connection existed is the
//! connection's cost. Run from a test binary with one test, so that no
//! other thread allocates meanwhile.
//!
//! The attacks: an endless handshake message (a ClientHello, and a TLS 1.2
//! server Certificate message for a client: the "huge certificate chain",
//! bounded by how much of it an engine takes), floods of tiny records and
//! of warning alerts before the handshake, and inside a session floods of
//! 1-byte records and of KeyUpdates (a rustls client sends them).

use std::sync::Arc;

use rustls::pki_types::ServerName;
use wiretls_core::{Connection, Engine, Outbox};

use crate::craft::record;
use crate::differential::hello::{self, ClientHello};
use crate::fixtures;

/// glibc's `struct mallinfo2`.
#[repr(C)]
#[derive(Default)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}

extern "C" {
    fn mallinfo2() -> MallInfo2;
}

/// Bytes of heap in use in this process: allocated chunks of every arena
/// plus mmapped blocks.
pub fn heap_in_use() -> usize {
    // SAFETY: mallinfo2 takes no arguments, only reads the allocator's
    // statistics and returns a plain struct by value (glibc >= 2.33, which
    // every supported Debian has).
    let info = unsafe { mallinfo2() };
    info.uordblks + info.hblkhd
}

/// One attack's measurement.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// The attack.
    pub attack: &'static str,
    /// Bytes the attacker fed before the connection refused (or all of it).
    pub fed: usize,
    /// The peak heap held for the connection above the reading before it
    /// existed (at the granularity of one piece).
    pub peak: usize,
    /// How it ended: the typed error, or that the engine took everything.
    pub ended: String,
}

/// Feed the pieces that `next` makes to `conn` one by one (each made just
/// before it is fed and dropped after), reading the heap after each.
fn feed(
    attack: &'static str,
    base: usize,
    conn: &mut Connection,
    out: &Outbox,
    mut next: impl FnMut() -> Option<Vec<u8>>,
) -> Measurement {
    let (mut fed, mut peak) = (0, heap_in_use().saturating_sub(base));
    while let Some(piece) = next() {
        fed += piece.len();
        let result = conn.data_from_wire(&piece);
        drop(out.take());
        peak = peak.max(heap_in_use().saturating_sub(base));
        if let Err(e) = result {
            return Measurement { attack, fed, peak, ended: format!("{e}") };
        }
    }
    Measurement { attack, fed, peak, ended: "took all of it".into() }
}

/// The pieces of `make` (called with 0, 1, ...) up to `count`.
fn pieces(count: usize, mut make: impl FnMut(usize) -> Vec<u8>) -> impl FnMut() -> Option<Vec<u8>> {
    let mut i = 0;
    move || {
        i += 1;
        (i <= count).then(|| make(i - 1))
    }
}

fn server(engine: &dyn Engine) -> (usize, Connection, Outbox) {
    let base = heap_in_use();
    let out = Outbox::new();
    let conn = fixtures::p256_server().start(engine, out.wire()).expect("start");
    (base, conn, out)
}

/// Record `i` of a handshake message of type `kind` claiming 16 MiB, in
/// full records.
fn endless(kind: u8, i: usize) -> Vec<u8> {
    let mut payload = vec![0x41u8; 16 * 1024];
    if i == 0 {
        payload[..6].copy_from_slice(&[kind, 0xff, 0xff, 0xff, 0x03, 0x03]);
    }
    record(22, 0x0303, &payload)
}

/// The server-side attacks against `engine`.
pub fn server_attacks(engine: &dyn Engine) -> Vec<Measurement> {
    let mut all = Vec::new();
    let (base, mut conn, out) = server(engine);
    let attack = "endless ClientHello (16 MiB claimed, 4 MiB sent)";
    all.push(feed(attack, base, &mut conn, &out, pieces(256, |i| endless(1, i))));
    drop(conn);

    let (base, mut conn, out) = server(engine);
    let empty = |_| record(22, 0x0301, &[]).repeat(1000);
    all.push(feed("100,000 empty records before the ClientHello", base, &mut conn, &out, pieces(100, empty)));
    drop(conn);

    let hello = ClientHello::tls13(crate::differential::attacks::SERVER_NAME).padded_to(16_000).message();
    let (base, mut conn, out) = server(engine);
    let tiny =
        |i: usize| hello[i * 1000..(i + 1) * 1000].chunks(1).flat_map(|b| record(22, 0x0301, b)).collect();
    all.push(feed("a 16 kB ClientHello in 1-byte records", base, &mut conn, &out, pieces(16, tiny)));
    drop(conn);

    let (base, mut conn, out) = server(engine);
    let warnings = |_| record(21, 0x0301, &[1, 90]).repeat(1000);
    all.push(feed(
        "100,000 warning alerts before the ClientHello",
        base,
        &mut conn,
        &out,
        pieces(100, warnings),
    ));
    drop(conn);

    all.extend(session_floods(engine));
    all
}

/// The newest version `engine` negotiates as a server, as rustls names it
/// (native-tls's server has no TLS 1.3).
fn newest_server_version(engine: &dyn Engine) -> &'static rustls::SupportedProtocolVersion {
    if engine.capabilities().server_versions.contains(&wiretls_core::ProtocolVersion::Tls13) {
        &rustls::version::TLS13
    } else {
        &rustls::version::TLS12
    }
}

/// A rustls client in memory against a server of `engine`, past the
/// handshake.
/// The attacking client is made before the heap is read, so that only its
/// growth during the handshake counts (a few KiB of buffers).
fn session(engine: &dyn Engine) -> (usize, Connection, Outbox, rustls::ClientConnection) {
    let mut roots = rustls::RootCertStore::empty();
    for cert in fixtures::roots().certificates() {
        let _ = roots.add(rustls::pki_types::CertificateDer::from(cert.der().to_vec()));
    }
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_protocol_versions(&[newest_server_version(engine)])
            .expect("the version")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = ServerName::try_from(crate::differential::attacks::SERVER_NAME).expect("name");
    let mut client = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let (base, mut conn, out) = server(engine);
    for _ in 0..16 {
        let mut flight = Vec::new();
        while client.wants_write() {
            let _ = client.write_tls(&mut flight);
        }
        if !flight.is_empty() {
            conn.data_from_wire(&flight).expect("the server takes the client's flight");
        }
        let back = out.take();
        if !back.is_empty() {
            let mut rest = &back[..];
            while !rest.is_empty() && client.read_tls(&mut rest).is_ok_and(|n| n > 0) {
                client.process_new_packets().expect("the client takes the server's flight");
            }
        }
        if !client.is_handshaking() && !conn.is_handshaking() {
            break;
        }
    }
    assert!(!conn.is_handshaking(), "{}: no session with the rustls client", engine.name());
    (base, conn, out, client)
}

fn client_bytes(client: &mut rustls::ClientConnection) -> Vec<u8> {
    let mut bytes = Vec::new();
    while client.wants_write() {
        let _ = client.write_tls(&mut bytes);
    }
    bytes
}

fn session_floods(engine: &dyn Engine) -> Vec<Measurement> {
    use std::io::Write as _;
    let mut all = Vec::new();
    let (base, mut conn, out, mut client) = session(engine);
    let tiny = |_| {
        for _ in 0..1000 {
            let _ = client.writer().write(b"x");
        }
        client_bytes(&mut client)
    };
    all.push(feed("100,000 one-byte records in a session", base, &mut conn, &out, pieces(100, tiny)));
    drop(conn);

    let (base, mut conn, out, mut client) = session(engine);
    let updates = |_| {
        for _ in 0..100 {
            let _ = client.refresh_traffic_keys();
        }
        client_bytes(&mut client)
    };
    all.push(feed("10,000 KeyUpdates in a session", base, &mut conn, &out, pieces(100, updates)));
    all
}

/// The client-side attack against `engine`: its ClientHello answered by a
/// TLS 1.2 ServerHello, then a Certificate message claiming 16 MiB.
pub fn client_attacks(engine: &dyn Engine) -> Vec<Measurement> {
    let base = heap_in_use();
    let out = Outbox::new();
    let mut conn = fixtures::client()
        .with_versions(&[wiretls_core::ProtocolVersion::Tls12])
        .expect("TLS 1.2")
        .start(engine, out.wire())
        .expect("start");
    drop(out.take());
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x11; 32]);
    body.push(0);
    body.extend_from_slice(&0xc02bu16.to_be_bytes());
    body.push(0);
    let extensions = [0xff, 0x01, 0, 1, 0, 0, 23, 0, 0];
    body.extend_from_slice(&hello::len16(&extensions));
    let server_hello = record(22, 0x0303, &hello::handshake(2, &body));
    let attack = "endless server Certificate (16 MiB claimed, 4 MiB sent)";
    let flight = |i| if i == 0 { server_hello.clone() } else { endless(11, i - 1) };
    vec![feed(attack, base, &mut conn, &out, pieces(257, flight))]
}

/// The measurements as a table.
pub fn table(engine: &str, all: &[Measurement]) -> String {
    use std::fmt::Write as _;
    let mut t = format!("per-connection heap under hostile peers, {engine}:\n");
    for m in all {
        let _ =
            writeln!(t, "  {:<58} peak {:>7} KiB, fed {:>8} B: {}", m.attack, m.peak / 1024, m.fed, m.ended);
    }
    t
}

/// The bound every engine keeps: no attack makes one connection hold more
/// than this on the heap.
pub const BOUND: usize = 1 << 20;

/// Measure every attack against `engine`, print the table, check the bound.
///
/// # Panics
/// When a connection held more than [`BOUND`].
pub fn check(engine: &dyn Engine) {
    let mut all = server_attacks(engine);
    all.extend(client_attacks(engine));
    eprint!("{}", table(engine.name(), &all));
    for m in &all {
        assert!(m.peak <= BOUND, "{}: {} held {} bytes", engine.name(), m.attack, m.peak);
    }
}
