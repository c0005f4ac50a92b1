//! Seeds for each target: real protocol bytes made in memory, so that the
//! fuzzer starts from inputs the engines get far with.

use wiretls_core::{Engine, Outbox};

use crate::fixtures;

/// The first flights of an in-memory handshake on `engine`: the
/// ClientHello, the server's first flight, and the client's second.
fn flights(engine: &dyn Engine) -> Vec<Vec<u8>> {
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

/// The seeds of the target `name` (empty for an unknown name).
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let rustls = wiretls_rustls::RustlsEngine::aws_lc_rs();
    let openssl = wiretls_openssl::OpensslEngine::new();
    let with_sizes = |flights: Vec<Vec<u8>>, pick: usize| -> Vec<Vec<u8>> {
        let Some(flight) = flights.get(pick) else { return Vec::new() };
        [0u8, 1, 5, 200].iter().map(|&size| [&[size][..], flight].concat()).collect()
    };
    match name {
        "server_wire_rustls" | "server_differential" => with_sizes(flights(&rustls), 0),
        "server_wire_openssl" => with_sizes(flights(&openssl), 0),
        "client_wire_rustls" => with_sizes(flights(&rustls), 1),
        "client_wire_openssl" => with_sizes(flights(&openssl), 1),
        "established_rustls" | "established_openssl" => vec![
            b"\x00\x17\x03\x03\x00\x13aaaaaaaaaaaaaaaaaaa".to_vec(),
            b"\x01\x15\x03\x03\x00\x02\x01\x00".to_vec(),
            b"\x00\x16\x03\x03\x00\x05\x18\x00\x00\x01\x01".to_vec(),
        ],
        "pem_der" => vec![
            include_bytes!("../../conformance/fixtures/server-p256.pem").to_vec(),
            include_bytes!("../../conformance/fixtures/root-ca.pem").to_vec(),
        ],
        "names" => vec![
            b"alpha.wiretls.test".to_vec(),
            b"x.beta.wiretls.test\0*.beta.wiretls.test".to_vec(),
            b"server.wiretls.test\0wiretls.test".to_vec(),
        ],
        "alert_levels" => vec![vec![0, 0, 2], vec![90, 1, 1], vec![40, 2, 0]],
        _ => Vec::new(),
    }
}
