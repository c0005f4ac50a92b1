//! A full exchange between a client and a server connected in memory:
//! handshake, data both ways, close_notify both ways; prints what was
//! negotiated.
//!
//! `cargo run -p wiretls --example exchange [-- --client ENGINE --server ENGINE]`

use std::time::Instant;

use wiretls::{CertificateChain, ClientTls, Connection, Error, Outbox, ServerTls, TrustStore};

const CHAIN: &[u8] = include_bytes!("../../conformance/fixtures/server-p256.pem");
const ROOT: &[u8] = include_bytes!("../../conformance/fixtures/root-ca.pem");

/// Carry bytes both ways until neither side has anything to send.
fn pump(
    client: &mut Connection,
    to_server: &Outbox,
    server: &mut Connection,
    to_client: &Outbox,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let (mut at_client, mut at_server) = (Vec::new(), Vec::new());
    while !to_server.is_empty() || !to_client.is_empty() {
        if !server.is_peer_closed() {
            server.data_from_wire_into(&to_server.take(), &mut at_server)?;
        }
        if !client.is_peer_closed() {
            client.data_from_wire_into(&to_client.take(), &mut at_client)?;
        }
    }
    Ok((at_client, at_server))
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<(), Error> {
    let default = wiretls::default_engine().name().to_owned();
    let client_engine = wiretls::engine(&arg("--client").unwrap_or_else(|| default.clone()))?;
    let server_engine = wiretls::engine(&arg("--server").unwrap_or(default))?;

    let server =
        ServerTls::from_chain(CertificateChain::from_pem(CHAIN)?).with_alpn_protocols(&["h2", "http/1.1"])?;
    let client = ClientTls::new("server.wiretls.test")?
        .with_trust_root(TrustStore::from_pem(ROOT)?)
        .with_alpn_protocols(&["http/1.1"])?;

    let started = Instant::now();
    let (to_server, to_client) = (Outbox::new(), Outbox::new());
    let mut c = client.start_with(
        &client_engine,
        to_server.wire(),
        wiretls::StartOptions::new().verify(
            |chain: &[wiretls::Certificate], cx: &wiretls::VerifyContext<'_>| {
                println!("verify callback: {} certificates for {:?}", chain.len(), cx.server_name);
                for cert in chain {
                    println!("  {}", cert.subject_text());
                }
                Ok(())
            },
        ),
    )?;
    let mut s = server.start(&server_engine, to_client.wire())?;
    c.data_from_application(b"GET / HTTP/1.1\r\n\r\n")?;
    let (_, request) = pump(&mut c, &to_server, &mut s, &to_client)?;
    s.data_from_application(b"HTTP/1.1 200 OK\r\n\r\nhello from wiretls")?;
    s.application_finished()?;
    let (response, _) = pump(&mut c, &to_server, &mut s, &to_client)?;
    let elapsed = started.elapsed();

    let info = c.info();
    println!("client engine      {}", client_engine.name());
    println!("server engine      {}", server_engine.name());
    println!("version            {}", info.version.map_or("-".into(), |v| v.to_string()));
    println!("cipher suite       {}", info.cipher_suite.map_or("-".into(), |s| s.to_string()));
    println!("key exchange       {}", info.key_exchange_group.map_or("-".into(), |g| g.to_string()));
    println!(
        "ALPN               {}",
        info.alpn_protocol.as_deref().map_or("-".into(), |p| String::from_utf8_lossy(p).into_owned())
    );
    println!("server saw SNI     {}", s.info().server_name.as_deref().unwrap_or_default());
    println!("peer chain         {} certificates", c.peer_certificates().len());
    println!("server got         {:?}", String::from_utf8_lossy(&request));
    println!("client got         {:?}", String::from_utf8_lossy(&response));
    println!("closed cleanly     {}", c.is_peer_closed() && s.is_peer_closed());
    println!(
        "wire closes asked  client {:?}, server {:?}",
        to_server.close_requested(),
        to_client.close_requested()
    );
    println!("elapsed            {elapsed:?}");
    Ok(())
}
