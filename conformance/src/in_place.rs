//! `Connection::data_from_wire_in_place` against `data_from_wire`: the same
//! application data from the same records, whatever the input's pieces
//! (a record split over calls, a call that completes a record begun
//! earlier, so that the data does not fit and overflows), and the same
//! fault, reported after the data before it. For every engine pair that
//! links into one binary.

use wiretls_core::{Connection, Engine, MemoryWire, ProtocolVersion};

use crate::static_dispatch::{configs, pump};

/// The sizes of the server's writes (several records of each).
const WRITES: &[usize] = &[100, 16 * 1024, 1, 5000, 40 * 1024, 3];

/// The pieces the client's input is cut into, in turn.
const PIECES: &[usize] = &[7, 3000, 1, 20_000, 16 * 1024 + 40, 2, 9000];

/// What the client received, piece by piece, then its errors for a record
/// with one byte flipped that follows good data.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    data: Vec<u8>,
    /// The largest amount one call returned beyond its input's size.
    overflowed: bool,
    before_fault: Vec<u8>,
    fault: String,
    then: String,
}

fn established(
    client: &dyn Engine,
    server: &dyn Engine,
    version: ProtocolVersion,
) -> (Connection, Connection) {
    let (c, s) = configs(version);
    let mut client = c.start(client, MemoryWire::default()).expect("client starts");
    let mut server = s.start(server, MemoryWire::default()).expect("server starts");
    pump(&mut client, &mut server);
    assert!(!client.is_handshaking() && !server.is_handshaking(), "the handshake completes");
    (client, server)
}

fn run(client: &dyn Engine, server: &dyn Engine, version: ProtocolVersion, in_place: bool) -> Observed {
    let (mut client, mut server) = established(client, server, version);
    let mut expected = Vec::new();
    for (i, &size) in WRITES.iter().enumerate() {
        let data: Vec<u8> = (0..size).map(|j| (i * 31 + j) as u8).collect();
        server.data_from_application(&data).expect("server writes");
        expected.extend_from_slice(&data);
    }
    let wire = server.wire_buffer().map(std::mem::take).unwrap_or_default();
    let (mut data, mut overflowed) = (Vec::new(), false);
    let (mut at, mut turn) = (0, 0);
    while at < wire.len() {
        let end = (at + PIECES[turn % PIECES.len()]).min(wire.len());
        let mut piece = wire[at..end].to_vec();
        if in_place {
            let received = client.data_from_wire_in_place(&mut piece).expect("client reads");
            overflowed |= !received.as_slices().1.is_empty();
            data.extend_from_slice(&received.to_vec());
        } else {
            data.extend(client.data_from_wire(&piece).expect("client reads"));
        }
        at = end;
        turn += 1;
    }
    assert_eq!(data, expected, "every byte, in order");
    // Good data, then a record with its last byte flipped, in one input.
    server.data_from_application(b"good").expect("server writes");
    server.data_from_application(b"bad").expect("server writes");
    let mut records = server.wire_buffer().map(std::mem::take).unwrap_or_default();
    let last = records.len() - 1;
    records[last] ^= 0x01;
    let (before_fault, fault) = if in_place {
        let before = client.data_from_wire_in_place(&mut records).map(|r| r.to_vec());
        (before.expect("the data before the fault"), client.data_from_wire_in_place(&mut []).map(|r| r.len()))
    } else {
        let before = client.data_from_wire(&records);
        (before.expect("the data before the fault"), client.data_from_wire(&[]).map(|v| v.len()))
    };
    let then = client.data_from_wire(&[]).map(|v| v.len());
    Observed {
        data,
        overflowed,
        before_fault,
        fault: format!("{:?}", fault.expect_err("the fault")),
        then: format!("{:?}", then.expect_err("invalidated")),
    }
}

/// Check a pair: in place and into a vector, the same data and the same
/// fault, for TLS 1.3 and 1.2; in place, some call overflowed the caller's
/// buffer (so that path is exercised).
///
/// # Panics
/// On any difference.
pub fn check(client: &dyn Engine, server: &dyn Engine) {
    for version in crate::scenarios::common_versions(client, server).into_iter().rev() {
        let mut reference = run(client, server, version, false);
        let in_place = run(client, server, version, true);
        assert!(in_place.overflowed, "{version:?}: no call overflowed the caller's buffer");
        assert_eq!(in_place.before_fault, b"good");
        assert!(in_place.fault.contains("BadTlsData"), "{}", in_place.fault);
        assert!(in_place.then.contains("Invalidated"), "{}", in_place.then);
        reference.overflowed = true;
        assert_eq!(reference, in_place, "{version:?}: in place differs from data_from_wire");
    }
}
