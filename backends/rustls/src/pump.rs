//! Moving bytes through a buffered rustls connection: the one data path
//! both sides share.

use std::io::Read;

use rustls::Connection;
use wiretls_core::Error;

use crate::errors::translate;

/// What a pass through the connection found.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pumped {
    pub(crate) peer_closed: bool,
}

/// Feed `input` to rustls, collect plaintext, write everything rustls wants
/// to send, including what rustls keeps for the application's next write:
/// its answer to a peer's KeyUpdate with `update_requested` (unless we have
/// sent `close_notify`: `sending` is false then). rustls processes as many records per call as its buffer holds,
/// as an application driving it directly would; the plaintext of records
/// before a faulty one is still collected before the fault is reported, and
/// nothing after the peer's `close_notify` is fed (RFC 8446 6.1: it is
/// ignored).
pub(crate) fn read(
    conn: &mut Connection,
    mut input: &[u8],
    plaintext: &mut Vec<u8>,
    out: &mut Vec<u8>,
    sending: bool,
) -> Result<Pumped, rustls::Error> {
    let mut pumped = Pumped::default();
    while !input.is_empty() {
        // `&[u8]` advances as rustls reads from it.
        match conn.read_tls(&mut input) {
            Ok(n) if n > 0 => {}
            // rustls refuses more input: an over-long record fills its
            // buffer. Processing what it holds reports the real fault.
            refused => {
                if let Err(e) = conn.process_new_packets() {
                    drain(conn, plaintext);
                    write(conn, out);
                    return Err(e);
                }
                let why = refused.map_or_else(|e| e.to_string(), |_| "rustls took no input".into());
                return Err(rustls::Error::General(why));
            }
        }
        match conn.process_new_packets() {
            Ok(state) => {
                let n = state.plaintext_bytes_to_read();
                if n > 0 {
                    let start = plaintext.len();
                    plaintext.resize(start + n, 0);
                    if let Err(e) = conn.reader().read_exact(&mut plaintext[start..]) {
                        plaintext.truncate(start);
                        return Err(rustls::Error::General(e.to_string()));
                    }
                }
                if state.peer_has_closed() {
                    pumped.peer_closed = true;
                    break;
                }
            }
            Err(e) => {
                // What arrived before the fault is delivered first.
                drain(conn, plaintext);
                write(conn, out);
                return Err(e);
            }
        }
    }
    if sending && !pumped.peer_closed && !conn.is_handshaking() {
        release_key_update(conn);
    }
    write(conn, out);
    Ok(pumped)
}

/// rustls answers a peer's KeyUpdate request just before the application's
/// next write; a peer that waits for the answer before it goes on would wait
/// on our application (RFC 8446 4.6.3 asks for the answer before the next
/// application data, and a sans-IO reader must not sit on it). An empty
/// write releases the queued KeyUpdate and sends no record of its own.
fn release_key_update(conn: &mut Connection) {
    use std::io::Write;
    // Writing nothing into rustls's buffers cannot fail.
    let _ = conn.writer().write(&[]);
}

/// Move whatever plaintext rustls still holds to `plaintext` (after a
/// fault, when its state no longer says how much).
fn drain(conn: &mut Connection, plaintext: &mut Vec<u8>) {
    loop {
        let start = plaintext.len();
        plaintext.resize(start + 16 * 1024, 0);
        match conn.reader().read(&mut plaintext[start..]) {
            Ok(n) if n > 0 => plaintext.truncate(start + n),
            _ => {
                plaintext.truncate(start);
                return;
            }
        }
    }
}

/// Write everything rustls has queued to `out`.
pub(crate) fn write(conn: &mut Connection, out: &mut Vec<u8>) {
    while conn.wants_write() {
        // Writing into a Vec cannot fail.
        if conn.write_tls(out).is_err() {
            break;
        }
    }
}

/// Encrypt application data (buffered by rustls until the handshake is done).
pub(crate) fn send(
    conn: &mut Connection,
    data: &[u8],
    out: &mut Vec<u8>,
    engine: &'static str,
) -> Result<(), Error> {
    use std::io::Write;
    conn.writer().write_all(data).map_err(|e| Error::Engine { engine, detail: e.to_string() })?;
    write(conn, out);
    Ok(())
}

/// Translate an error with what rustls wrote after it.
pub(crate) fn failed(e: &rustls::Error, out: &[u8], written_from: usize, engine: &'static str) -> Error {
    translate(e, &out[written_from.min(out.len())..], engine)
}

/// The peer's chain of a rustls connection, leaf first.
pub(crate) fn peer_certificates(conn: &Connection) -> Vec<wiretls_core::Certificate> {
    conn.peer_certificates()
        .map(|certs| {
            certs.iter().filter_map(|c| wiretls_core::Certificate::from_der(c.to_vec()).ok()).collect()
        })
        .unwrap_or_default()
}

/// The negotiated parameters of a rustls connection.
pub(crate) fn info(conn: &Connection, side: wiretls_core::Side) -> wiretls_core::ConnectionInfo {
    let mut info = wiretls_core::ConnectionInfo::new(side);
    info.handshake_complete = !conn.is_handshaking();
    info.version =
        conn.protocol_version().and_then(|v| wiretls_core::ProtocolVersion::from_wire(u16::from(v)));
    info.cipher_suite = conn
        .negotiated_cipher_suite()
        .and_then(|s| wiretls_core::CipherSuite::from_iana(u16::from(s.suite())));
    info.key_exchange_group =
        conn.negotiated_key_exchange_group().map(|g| wiretls_core::NamedGroup(u16::from(g.name())));
    info.alpn_protocol = conn.alpn_protocol().map(<[u8]>::to_vec);
    info.resumed = conn.handshake_kind().map(|k| k == rustls::HandshakeKind::Resumed);
    info.server_name = match conn {
        Connection::Server(s) => s.server_name().map(str::to_owned),
        Connection::Client(_) => None,
    };
    info
}
