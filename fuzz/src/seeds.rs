//! Seeds for each target: real protocol bytes made in memory, so that the
//! fuzzer starts from inputs the engines get far with.

use wiretls_fuzz_common::flights;

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
