//! The OpenSSL engine's side of the engine comparison: wiretls over OpenSSL,
//! and OpenSSL driven directly, configured as the wiretls engine configures
//! it (`SslStream` over the same in-memory `MemIo`, the shared
//! `benches/ssl-family/native.rs`). The `bench-openssl` binary prints these
//! records; `wiretls bench` measures them in its own process (it links
//! OpenSSL, never BoringSSL).

use std::cell::RefCell;
use std::sync::Arc;

use openssl::ssl::{Ssl, SslContext};
use openssl::symm::{Cipher, Crypter, Mode};

use wiretls_bench::harness::Path;
use wiretls_bench::loopback::{Adapter, AsyncStream, Connecting, WiretlsTokio};
use wiretls_bench::wiretls_path::{StaticPath, WiretlsPath};
use wiretls_bench::{ceiling, ceiling_records, engine_records, Modes, Plan, Record, BASE};
use wiretls_core::Aead;

mod membio;
#[path = "../../ssl-family/native.rs"]
mod native;
mod quirks;

// The library the shared sources in benches/ssl-family are written against.
use openssl as ssl_lib;

/// tokio-openssl with the contexts of [`native::Native`]: the loopback
/// benchmarks' native path for OpenSSL.
struct TokioOpenssl {
    client: SslContext,
    server: SslContext,
}

impl Adapter for TokioOpenssl {
    fn engine(&self) -> &str {
        "openssl"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn connect(&self, tcp: tokio::net::TcpStream) -> Connecting<'_> {
        Box::pin(async move {
            let ssl = native::client_ssl(&self.client).map_err(std::io::Error::other)?;
            let mut stream = tokio_openssl::SslStream::new(ssl, tcp).map_err(std::io::Error::other)?;
            std::pin::Pin::new(&mut stream).connect().await.map_err(std::io::Error::other)?;
            Ok(Box::new(stream) as Box<dyn AsyncStream>)
        })
    }

    fn accept(&self, tcp: tokio::net::TcpStream) -> Connecting<'_> {
        Box::pin(async move {
            let ssl = Ssl::new(&self.server).map_err(std::io::Error::other)?;
            let mut stream = tokio_openssl::SslStream::new(ssl, tcp).map_err(std::io::Error::other)?;
            std::pin::Pin::new(&mut stream).accept().await.map_err(std::io::Error::other)?;
            Ok(Box::new(stream) as Box<dyn AsyncStream>)
        })
    }
}

/// OpenSSL's EVP AEADs on 16 KiB records.
fn evp(aead: Aead, rounds: usize) -> ceiling::Rates {
    let (cipher, key_len) = match aead {
        Aead::Aes128Gcm => (Cipher::aes_128_gcm(), 16),
        Aead::Aes256Gcm => (Cipher::aes_256_gcm(), 32),
        Aead::ChaCha20Poly1305 => (Cipher::chacha20_poly1305(), 32),
        other => panic!("no AEAD ceiling for {other:?}: add it here"),
    };
    let key = vec![7u8; key_len];
    let iv = [1u8; 12];
    let mut tmp = vec![0u8; ceiling::RECORD + 32];
    let mut tag = [0u8; 16];
    let tmp_cell = RefCell::new(&mut tmp);
    let tag_cell = RefCell::new(&mut tag);
    ceiling::measure(
        rounds,
        |buf| {
            let mut c = Crypter::new(cipher, Mode::Encrypt, &key, Some(&iv)).expect("crypter");
            let mut tmp = tmp_cell.borrow_mut();
            let n = c.update(buf, &mut tmp[..]).expect("update");
            let m = c.finalize(&mut tmp[n..]).expect("finalize");
            c.get_tag(&mut tag_cell.borrow_mut()[..]).expect("tag");
            buf.copy_from_slice(&tmp[..n + m]);
        },
        |buf| {
            let mut c = Crypter::new(cipher, Mode::Decrypt, &key, Some(&iv)).expect("crypter");
            c.set_tag(&tag_cell.borrow()[..]).expect("tag");
            let mut tmp = tmp_cell.borrow_mut();
            let n = c.update(buf, &mut tmp[..]).expect("update");
            c.finalize(&mut tmp[n..]).expect("open");
        },
    )
}

/// wiretls over the OpenSSL engine.
pub fn wiretls() -> Box<dyn Path> {
    Box::new(WiretlsPath::new(Box::new(wiretls_openssl::OpensslEngine::new()), "wiretls"))
}

/// wiretls over the OpenSSL engine, statically dispatched.
pub fn static_path() -> Box<dyn Path> {
    Box::new(StaticPath::new(wiretls_openssl::OpensslEngine::new()))
}

/// OpenSSL driven directly over memory BIOs (`--path membio`, callgrind only).
pub fn membio() -> Box<dyn Path> {
    Box::new(membio::Membio::default())
}

/// OpenSSL driven directly.
pub fn native() -> Box<dyn Path> {
    Box::new(native::Native::default())
}

/// OpenSSL's AEAD ceilings.
pub fn ceilings(plan: &Plan) -> Vec<Record> {
    ceiling_records("openssl", |aead| evp(aead, plan.ceiling_rounds))
}

/// wiretls-tokio over OpenSSL next to tokio-openssl.
///
/// # Errors
/// When an adapter cannot be configured.
pub fn loopback() -> Result<Vec<Arc<dyn Adapter>>, String> {
    let engine = Arc::new(wiretls_openssl::OpensslEngine::new());
    let native =
        TokioOpenssl { client: native::client_context(&BASE)?, server: native::server_context(&BASE)? };
    Ok(vec![Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>, Arc::new(native)])
}

/// Everything `modes` asks for, in this process.
pub fn records(plan: &Plan, modes: Modes) -> Vec<Record> {
    engine_records(vec![wiretls(), native()], &ceilings, &loopback, plan, modes)
}
