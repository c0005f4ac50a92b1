//! Static dispatch: connections started with `start_static`
//! (`Connection<E::ClientSession, MemoryWire>`, no virtual calls) against
//! the same configuration started through `&dyn Engine`. Both are one type
//! with one implementation; the check shows that the static one negotiates
//! the same, moves the same bytes and meets a fault the same way, for every
//! engine pair that links into one binary.

use wiretls_core::engine::Session;
use wiretls_core::{
    ClientTls, Connection, ConnectionInfo, Engine, MemoryWire, ProtocolVersion, ServerTls, StaticEngine, Wire,
};

use crate::fixtures;

/// What one run observed, compared between the two dispatches.
#[derive(Debug, PartialEq, Eq)]
pub struct Observed {
    /// The client's negotiated parameters.
    pub client: ConnectionInfo,
    /// The server's.
    pub server: ConnectionInfo,
    /// Bytes the server received from the client, and the client from the server.
    pub delivered: (usize, usize),
    /// The client's error for a server record with one byte flipped, then
    /// its error for the next call.
    pub tampered: (String, String),
}

/// The configurations each run uses: `version` only, the fixture P-256 chain.
pub(crate) fn configs(version: ProtocolVersion) -> (ClientTls, ServerTls) {
    let client = fixtures::client().with_versions(&[version]).expect("one version");
    let server = fixtures::p256_server().with_versions(&[version]).expect("one version");
    (client, server)
}

/// Carry what each side wrote to the other until neither writes.
pub(crate) fn pump<A, WA, B, WB>(
    client: &mut Connection<A, WA>,
    server: &mut Connection<B, WB>,
) -> (Vec<u8>, Vec<u8>)
where
    A: Session + ?Sized,
    B: Session + ?Sized,
    WA: Wire + ?Sized,
    WB: Wire + ?Sized,
{
    let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
    for _ in 0..64 {
        let c = client.wire_buffer().map(std::mem::take).unwrap_or_default();
        let s = server.wire_buffer().map(std::mem::take).unwrap_or_default();
        if c.is_empty() && s.is_empty() {
            break;
        }
        if !c.is_empty() {
            to_server.extend(server.data_from_wire(&c).expect("server reads"));
        }
        if !s.is_empty() {
            to_client.extend(client.data_from_wire(&s).expect("client reads"));
        }
    }
    (to_server, to_client)
}

/// One run: handshake, 64 KiB each way, then a tampered server record.
fn run<A, WA, B, WB>(mut client: Connection<A, WA>, mut server: Connection<B, WB>) -> Observed
where
    A: Session + ?Sized,
    B: Session + ?Sized,
    WA: Wire + ?Sized,
    WB: Wire + ?Sized,
{
    pump(&mut client, &mut server);
    assert!(!client.is_handshaking() && !server.is_handshaking(), "the handshake completes");
    let data = vec![0x5a; 64 * 1024];
    client.data_from_application(&data).expect("client writes");
    server.data_from_application(&data).expect("server writes");
    let (to_server, to_client) = pump(&mut client, &mut server);
    server.data_from_application(b"one more record").expect("server writes");
    let mut record = server.wire_buffer().map(std::mem::take).unwrap_or_default();
    let last = record.len() - 1;
    record[last] ^= 0x01;
    let first = client.data_from_wire(&record).map(|_| ()).expect_err("a flipped byte is refused");
    let then = client.data_from_wire(b"").map(|_| ()).expect_err("the connection is invalidated");
    Observed {
        client: without_session_id(client.info()),
        server: without_session_id(server.info()),
        delivered: (to_server.len(), to_client.len()),
        tampered: (format!("{first:?}"), format!("{then:?}")),
    }
}

/// The negotiated parameters with the session id (random) reduced to
/// whether there is one.
fn without_session_id(info: &ConnectionInfo) -> ConnectionInfo {
    let mut info = info.clone();
    info.session_id = info.session_id.map(|_| Vec::new());
    info
}

/// The run through `&dyn Engine` and through `start_static`, for `version`.
///
/// # Panics
/// When either run fails a step.
pub fn both<C: StaticEngine, S: StaticEngine>(
    client_engine: &C,
    server_engine: &S,
    version: ProtocolVersion,
) -> (Observed, Observed) {
    let (client, server) = configs(version);
    let dynamic = run(
        client.start(client_engine as &dyn Engine, MemoryWire::default()).expect("client starts"),
        server.start(server_engine as &dyn Engine, MemoryWire::default()).expect("server starts"),
    );
    let statically = run(
        client.start_static(client_engine, MemoryWire::default()).expect("client starts"),
        server.start_static(server_engine, MemoryWire::default()).expect("server starts"),
    );
    (dynamic, statically)
}

/// Check both versions for a pair: the same outcome, with the negotiated
/// version the one asked for and 64 KiB delivered each way.
///
/// # Panics
/// On any difference.
pub fn check<C: StaticEngine, S: StaticEngine>(client_engine: &C, server_engine: &S) {
    // The versions the pair has in common (native-tls's server has no TLS 1.3).
    let versions = crate::scenarios::common_versions(client_engine, server_engine);
    assert!(!versions.is_empty(), "no version in common");
    for version in versions.into_iter().rev() {
        let (dynamic, statically) = both(client_engine, server_engine, version);
        assert_eq!(statically.client.version, Some(version));
        assert!(statically.client.cipher_suite.is_some(), "a suite is reported");
        assert_eq!(statically.delivered, (64 * 1024, 64 * 1024));
        assert!(statically.tampered.0.contains("BadTlsData"), "{:?}", statically.tampered);
        assert!(statically.tampered.1.contains("Invalidated"), "{:?}", statically.tampered);
        assert_eq!(dynamic, statically, "{version:?}: static dispatch differs from dynamic");
    }
}
