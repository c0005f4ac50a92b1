//! rustls used directly: a small blocking server on rustls's own API, as
//! a user who never heard of wiretls writes it (one thread per connection,
//! `complete_io` for the handshake, the alert flushed on an error, a
//! lingering close), on
//! the suites, versions and preference that a wiretls [`ServerTls`] gives
//! the wiretls rustls engine. The OpenSSL and BoringSSL servers live in
//! the tests that may link their libraries.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::thread;

use rustls::crypto::aws_lc_rs;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};
use wiretls_core::{ProtocolVersion, ServerTls};

/// The page the native servers answer a request with.
pub const PAGE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nnative\n";

/// Start rustls's own server on 127.0.0.1 with the chain in `cert` and the
/// key in `key`, configured as `tls` configures the wiretls rustls engine.
///
/// # Panics
/// When the files or the configuration are refused, or no port is free.
pub fn rustls_server(tls: &ServerTls, cert: &Path, key: &Path) -> SocketAddr {
    let base = aws_lc_rs::default_provider();
    let suites = tls
        .usable_cipher_suites()
        .filter_map(|s| base.cipher_suites.iter().find(|r| u16::from(r.suite()) == s.iana()).copied())
        .collect();
    let provider = rustls::crypto::CryptoProvider { cipher_suites: suites, ..base };
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = tls
        .offered_versions()
        .iter()
        .map(|v| match v {
            ProtocolVersion::Tls12 => &rustls::version::TLS12,
            ProtocolVersion::Tls13 => &rustls::version::TLS13,
        })
        .collect();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect)
        .unwrap_or_else(|e| panic!("{}: {e:?}", cert.display()));
    let key = PrivateKeyDer::from_pem_file(key).unwrap_or_else(|e| panic!("{}: {e:?}", key.display()));
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&versions)
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .unwrap_or_else(|e| panic!("rustls server config: {e}"));
    config.ignore_client_order = true;
    let config = Arc::new(config);
    serve(move |mut tcp| serve_one(Arc::clone(&config), &mut tcp))
}

/// A blocking server on 127.0.0.1: one thread per connection, `handle`
/// serving it, then a lingering close. Returns the address.
///
/// # Panics
/// When no port is free.
pub fn serve(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("local address: {e}"));
    let handle = Arc::new(handle);
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let Ok(socket) = tcp.try_clone() else { return };
                handle(tcp);
                linger(&socket);
            });
        }
    });
    addr
}

/// Serve one request on an established stream: read it, answer [`PAGE`].
/// Whether the connection is still good for a close_notify (not after the
/// peer's fatal alert or bad data).
pub fn page(stream: &mut (impl Read + Write)) -> bool {
    let mut buf = [0u8; 4096];
    match stream.read(&mut buf) {
        Ok(n) if n > 0 => {
            let _ = stream.write_all(PAGE);
            true
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

fn serve_one(config: Arc<ServerConfig>, tcp: &mut TcpStream) {
    let Ok(mut conn) = ServerConnection::new(config) else { return };
    while conn.is_handshaking() {
        if conn.complete_io(tcp).is_err() {
            // complete_io has tried to write the alert; whatever is left goes too.
            flush(&mut conn, tcp);
            return;
        }
    }
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match rustls::Stream::new(&mut conn, tcp).read(&mut buf) {
            Ok(0) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
            Err(_) => {
                flush(&mut conn, tcp);
                return;
            }
        }
    }
    if !request.is_empty() {
        let _ = rustls::Stream::new(&mut conn, tcp).write_all(PAGE);
    }
    conn.send_close_notify();
    flush(&mut conn, tcp);
}

/// Write what rustls has queued, while the socket takes it.
fn flush(conn: &mut ServerConnection, tcp: &mut TcpStream) {
    while conn.wants_write() && conn.write_tls(tcp).is_ok_and(|n| n > 0) {}
}

/// Close as a careful server does: shut the writing half, then read what
/// the peer still sends (for a moment), so that the kernel does not answer
/// unread bytes with a reset that destroys the alert in flight.
pub fn linger(tcp: &TcpStream) {
    let _ = tcp.shutdown(std::net::Shutdown::Write);
    let _ = tcp.set_read_timeout(Some(std::time::Duration::from_millis(500)));
    let mut buf = [0u8; 4096];
    let mut reader = tcp;
    while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
}
