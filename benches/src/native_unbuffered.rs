//! rustls's unbuffered API driven directly (`UnbufferedClientConnection`,
//! `UnbufferedServerConnection`), configured as the buffered native path:
//! records decrypted in place in the buffer they arrived in, ciphertext
//! encrypted straight into the output buffer. The limit of what rustls
//! allows, next to its buffered API (`native`) and wiretls.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::ServerName;
use rustls::server::UnbufferedServerConnection;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError, UnbufferedStatus};
use rustls::{ClientConfig, ServerConfig};
use wiretls_core::{CipherSuite, NamedGroup, ProtocolVersion};

use crate::fixtures;
use crate::harness::{Endpoint, Path, Setup};
use crate::native_rustls::{cached, client_config, negotiated, server_config};

/// rustls's unbuffered API with aws-lc-rs (path `unbuffered`).
#[derive(Default)]
pub struct UnbufferedRustls {
    clients: RefCell<HashMap<Setup, Arc<ClientConfig>>>,
    servers: RefCell<HashMap<Setup, Arc<ServerConfig>>>,
}

enum Conn {
    Client(UnbufferedClientConnection),
    Server(UnbufferedServerConnection),
}

struct UnbufferedEndpoint {
    conn: Conn,
    /// Received bytes of a record not yet complete.
    incoming: Vec<u8>,
    outgoing: Vec<u8>,
    handshaking: bool,
}

/// Append what `write` writes to `out`, with `room` bytes first and as many
/// as it asks for then (the room is zeroed: a good estimate saves that).
fn append(out: &mut Vec<u8>, mut room: usize, mut write: impl FnMut(&mut [u8]) -> Result<usize, usize>) {
    let start = out.len();
    loop {
        out.resize(start + room, 0);
        match write(&mut out[start..]) {
            Ok(n) => {
                out.truncate(start + n);
                return;
            }
            Err(required) => room = required,
        }
    }
}

/// One pass of the state machine over `buf`: decrypt what it holds (payloads
/// to `plaintext`), encode handshake messages, encrypt `data` once allowed.
/// Returns how many bytes of `buf` were used up.
macro_rules! drive {
    ($conn:expr, $buf:expr, $plaintext:expr, $out:expr, $handshaking:expr, $data:expr) => {{
        let buf: &mut [u8] = $buf;
        let mut used = 0;
        let mut data: Option<&[u8]> = $data;
        loop {
            let UnbufferedStatus { mut discard, state } = $conn.process_tls_records(&mut buf[used..]);
            let mut done = false;
            match state.expect("unbuffered rustls") {
                ConnectionState::ReadTraffic(mut traffic) => {
                    while let Some(record) = traffic.next_record() {
                        let record = record.expect("a record");
                        discard += record.discard;
                        $plaintext.extend_from_slice(record.payload);
                    }
                }
                ConnectionState::EncodeTlsData(mut encode) => append($out, 4096, |b| {
                    encode.encode(b).map_err(|e| match e {
                        EncodeError::InsufficientSize(s) => s.required_size,
                        other => panic!("encode: {other}"),
                    })
                }),
                ConnectionState::TransmitTlsData(transmit) => transmit.done(),
                ConnectionState::WriteTraffic(mut write) => {
                    $handshaking = false;
                    if let Some(data) = data.take() {
                        // Each record adds a header, a tag and the content type.
                        let room = data.len() + (data.len() / (16 * 1024) + 1) * 64;
                        append($out, room, |b| {
                            write.encrypt(data, b).map_err(|e| match e {
                                EncryptError::InsufficientSize(s) => s.required_size,
                                other => panic!("encrypt: {other}"),
                            })
                        });
                    }
                    done = true;
                }
                ConnectionState::BlockedHandshake | ConnectionState::PeerClosed | ConnectionState::Closed => {
                    done = true
                }
                _ => panic!("an unexpected state"),
            }
            used += discard;
            if done {
                break used;
            }
        }
    }};
}

impl UnbufferedEndpoint {
    fn run(&mut self, buf: &mut [u8], plaintext: &mut Vec<u8>, data: Option<&[u8]>) -> usize {
        let out = &mut self.outgoing;
        match &mut self.conn {
            Conn::Client(c) => drive!(c, buf, plaintext, out, self.handshaking, data),
            Conn::Server(s) => drive!(s, buf, plaintext, out, self.handshaking, data),
        }
    }
}

impl Endpoint for UnbufferedEndpoint {
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>) {
        let mut copy = input.to_vec();
        self.feed_in_place(&mut copy, plaintext);
    }

    fn feed_in_place(&mut self, input: &mut [u8], plaintext: &mut Vec<u8>) {
        if self.incoming.is_empty() {
            // In place, in the buffer the records arrived in; only a
            // trailing part of a record is kept.
            let used = self.run(input, plaintext, None);
            self.incoming.extend_from_slice(&input[used..]);
        } else {
            let mut incoming = std::mem::take(&mut self.incoming);
            incoming.extend_from_slice(input);
            let used = self.run(&mut incoming, plaintext, None);
            incoming.drain(..used);
            self.incoming = incoming;
        }
    }

    fn send(&mut self, data: &[u8]) {
        let mut plaintext = Vec::new();
        self.run(&mut [], &mut plaintext, Some(data));
    }

    fn output(&mut self) -> &mut Vec<u8> {
        &mut self.outgoing
    }

    fn handshaking(&self) -> bool {
        self.handshaking
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        match &self.conn {
            Conn::Client(c) => negotiated(c),
            Conn::Server(s) => negotiated(s),
        }
    }
}

impl Path for UnbufferedRustls {
    fn engine(&self) -> &str {
        "rustls"
    }

    fn path(&self) -> &'static str {
        "unbuffered"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let config = cached(&self.clients, setup, client_config)?;
        let name = ServerName::try_from(fixtures::SERVER_NAME).map_err(|e| e.to_string())?;
        let conn = UnbufferedClientConnection::new(config, name).map_err(|e| e.to_string())?;
        let mut endpoint = UnbufferedEndpoint {
            conn: Conn::Client(conn),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            handshaking: true,
        };
        // The ClientHello.
        endpoint.run(&mut [], &mut Vec::new(), None);
        Ok(Box::new(endpoint))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let config = cached(&self.servers, setup, server_config)?;
        let conn = UnbufferedServerConnection::new(config).map_err(|e| e.to_string())?;
        Ok(Box::new(UnbufferedEndpoint {
            conn: Conn::Server(conn),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            handshaking: true,
        }))
    }
}
