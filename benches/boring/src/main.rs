//! The BoringSSL engine's side of the engine comparison: wiretls over
//! BoringSSL, and BoringSSL driven directly, configured as the wiretls
//! engine configures it (`SslStream` over the same in-memory `MemIo`, the
//! shared `benches/ssl-family/native.rs`).

use std::cell::RefCell;
use std::sync::Arc;

use boring::ssl::SslMethod;

use wiretls_bench::harness::Setup;
use wiretls_bench::loopback::{Adapter, AsyncStream, Connecting, WiretlsTokio};
use wiretls_bench::wiretls_path::{StaticPath, WiretlsPath};
use wiretls_bench::{ceiling, ceiling_records, engine_main, fixtures, BASE};
use wiretls_core::Aead;

#[path = "../../ssl-family/native.rs"]
mod native;
mod quirks;

// The library the shared sources in benches/ssl-family are written against.
use boring as ssl_lib;

/// tokio-boring, configured as [`native::Native`] is: the loopback
/// benchmarks' native path for BoringSSL.
struct TokioBoring {
    connector: boring::ssl::SslConnector,
    acceptor: boring::ssl::SslAcceptor,
}

impl TokioBoring {
    fn new(setup: &Setup) -> Result<Self, String> {
        let mut c = boring::ssl::SslConnector::builder(SslMethod::tls()).map_err(native::err)?;
        native::configure_client(&mut c, setup)?;
        let mut a =
            boring::ssl::SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).map_err(native::err)?;
        native::configure_server(&mut a, setup)?;
        Ok(Self { connector: c.build(), acceptor: a.build() })
    }
}

impl Adapter for TokioBoring {
    fn engine(&self) -> &str {
        "boring"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn connect(&self, tcp: tokio::net::TcpStream) -> Connecting<'_> {
        Box::pin(async move {
            let config = self.connector.configure().map_err(std::io::Error::other)?;
            let stream = tokio_boring::connect(config, fixtures::SERVER_NAME, tcp)
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok(Box::new(stream) as Box<dyn AsyncStream>)
        })
    }

    fn accept(&self, tcp: tokio::net::TcpStream) -> Connecting<'_> {
        Box::pin(async move {
            let stream = tokio_boring::accept(&self.acceptor, tcp)
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok(Box::new(stream) as Box<dyn AsyncStream>)
        })
    }
}

/// BoringSSL's AEADs (`EVP_AEAD`) on 16 KiB records, sealed and opened in place.
fn evp(aead: Aead, rounds: usize) -> ceiling::Rates {
    use boring::aead::{AeadCtx, Algorithm};
    let algorithm = match aead {
        Aead::Aes128Gcm => Algorithm::aes_128_gcm(),
        Aead::Aes256Gcm => Algorithm::aes_256_gcm(),
        Aead::ChaCha20Poly1305 => Algorithm::chacha20_poly1305(),
        other => panic!("no AEAD ceiling for {other:?}: add it here"),
    };
    let key = vec![7u8; algorithm.key_length()];
    let ctx = RefCell::new(AeadCtx::new_default_tag(&algorithm, &key).expect("AEAD key"));
    let nonce = [1u8; 12];
    let tag = RefCell::new([0u8; 16]);
    ceiling::measure(
        rounds,
        |buf| {
            let mut tag = tag.borrow_mut();
            ctx.borrow_mut().seal_in_place_mut(&nonce, buf, &mut tag[..], &[]).expect("seal");
        },
        |buf| {
            let tag = tag.borrow();
            ctx.borrow_mut().open_in_place_mut(&nonce, buf, &tag[..], &[]).expect("open");
        },
    )
}

fn main() {
    engine_main(
        Box::new(WiretlsPath::new(Box::new(wiretls_boring::BoringEngine::new()), "wiretls")),
        wiretls_bench::Extra {
            measured: Vec::new(),
            callgrind_only: vec![Box::new(StaticPath::new(wiretls_boring::BoringEngine::new()))],
        },
        || Box::new(native::Native::default()),
        |plan| ceiling_records("boring", |aead| evp(aead, plan.ceiling_rounds)),
        || {
            let engine = Arc::new(wiretls_boring::BoringEngine::new());
            let native = TokioBoring::new(&BASE)?;
            Ok(vec![Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>, Arc::new(native)])
        },
    );
}
