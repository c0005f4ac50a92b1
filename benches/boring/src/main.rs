//! The BoringSSL engine's side of the engine comparison: wiretls over BoringSSL,
//! and BoringSSL driven directly, configured as the wiretls engine configures
//! it (`SslStream` over the same in-memory `MemIo`).

use std::cell::RefCell;
use std::collections::HashMap;

use boring::ssl::{
    ErrorCode, Ssl, SslContext, SslContextBuilder, SslMethod, SslOptions, SslSessionCacheMode, SslStream,
    SslVerifyMode, SslVersion,
};
use boring::x509::store::X509StoreBuilder;
use boring::x509::X509;
use std::sync::Arc;

use wiretls_bench::harness::{Endpoint, Path, Setup};
use wiretls_bench::loopback::{Adapter, AsyncStream, Connecting, WiretlsTokio};
use wiretls_bench::wiretls_path::WiretlsPath;
use wiretls_bench::{ceiling, ceiling_records, engine_main, fixtures, BASE};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{Aead, CipherSuite, NamedGroup, ProtocolVersion};

#[derive(Default)]
struct NativeBoring {
    clients: RefCell<HashMap<Setup, SslContext>>,
    servers: RefCell<HashMap<Setup, SslContext>>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn protocol(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    let v = match setup.version {
        ProtocolVersion::Tls12 => SslVersion::TLS1_2,
        ProtocolVersion::Tls13 => SslVersion::TLS1_3,
    };
    b.set_min_proto_version(Some(v)).map_err(err)?;
    b.set_max_proto_version(Some(v)).map_err(err)?;
    // BoringSSL offers its three TLS 1.3 suites, in its own order.
    if setup.version == ProtocolVersion::Tls12 {
        b.set_cipher_list(setup.suite.info().openssl_name).map_err(err)?;
    }
    b.set_curves_list(setup.group.openssl_name().ok_or("unknown group")?).map_err(err)?;
    Ok(())
}

struct BoringEndpoint {
    stream: SslStream<MemIo>,
    done: bool,
}

impl Endpoint for BoringEndpoint {
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>) {
        self.stream.get_mut().feed(input);
        if !self.done {
            match self.stream.do_handshake() {
                Ok(()) => self.done = true,
                Err(e) if e.code() == ErrorCode::WANT_READ => {}
                Err(e) => panic!("handshake: {e}"),
            }
        }
        if self.done {
            loop {
                plaintext.reserve(16 * 1024);
                let start = plaintext.len();
                match self.stream.ssl_read_uninit(plaintext.spare_capacity_mut()) {
                    Ok(n) => {
                        // SAFETY: `ssl_read_uninit` initialized the first `n`
                        // bytes of the spare capacity.
                        #[allow(unsafe_code)]
                        unsafe {
                            plaintext.set_len(start + n)
                        };
                    }
                    Err(e) if e.code() == ErrorCode::WANT_READ => break,
                    Err(e) => panic!("read: {e}"),
                }
            }
        }
    }

    fn send(&mut self, data: &[u8]) {
        let mut rest = data;
        while !rest.is_empty() {
            rest = &rest[self.stream.ssl_write(rest).expect("write")..];
        }
    }

    fn output(&mut self) -> &mut Vec<u8> {
        &mut self.stream.get_mut().output
    }

    fn handshaking(&self) -> bool {
        !self.done
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        let ssl = self.stream.ssl();
        let version = match ssl.version2() {
            Some(v) if v == SslVersion::TLS1_3 => Some(ProtocolVersion::Tls13),
            Some(v) if v == SslVersion::TLS1_2 => Some(ProtocolVersion::Tls12),
            _ => None,
        };
        let suite = ssl.current_cipher().and_then(|c| CipherSuite::from_iana(c.protocol_id()));
        (version, suite, None)
    }
}

impl Path for NativeBoring {
    fn engine(&self) -> &str {
        "boring"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        if !clients.contains_key(setup) {
            let mut b = SslContextBuilder::new(SslMethod::tls()).map_err(err)?;
            configure_client(&mut b, setup)?;
            clients.insert(*setup, b.build());
        }
        let mut ssl = Ssl::new(&clients[setup]).map_err(err)?;
        set_state(&ssl, true);
        ssl.set_hostname(fixtures::SERVER_NAME).map_err(err)?;
        ssl.param_mut().set_host(fixtures::SERVER_NAME).map_err(err)?;
        let mut endpoint =
            BoringEndpoint { stream: SslStream::new(ssl, MemIo::default()).map_err(err)?, done: false };
        match endpoint.stream.do_handshake() {
            Err(e) if e.code() == ErrorCode::WANT_READ => {}
            other => return Err(format!("first flight: {other:?}")),
        }
        Ok(Box::new(endpoint))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut servers = self.servers.borrow_mut();
        if !servers.contains_key(setup) {
            let mut b = SslContextBuilder::new(SslMethod::tls()).map_err(err)?;
            configure_server(&mut b, setup)?;
            servers.insert(*setup, b.build());
        }
        let ssl = Ssl::new(&servers[setup]).map_err(err)?;
        set_state(&ssl, false);
        Ok(Box::new(BoringEndpoint {
            stream: SslStream::new(ssl, MemIo::default()).map_err(err)?,
            done: false,
        }))
    }
}

/// A client context as the wiretls engine configures BoringSSL.
fn configure_client(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    protocol(b, setup)?;
    let mut store = X509StoreBuilder::new().map_err(err)?;
    store.add_cert(X509::from_pem(fixtures::ROOT).map_err(err)?).map_err(err)?;
    b.set_cert_store(store.build());
    b.set_verify(SslVerifyMode::PEER);
    b.set_session_cache_mode(SslSessionCacheMode::OFF);
    Ok(())
}

/// A server context as the wiretls engine configures BoringSSL.
fn configure_server(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    protocol(b, setup)?;
    let chain = fixtures::chain(setup.key);
    let certs: Vec<X509> = chain
        .certificates()
        .iter()
        .map(|c| X509::from_der(c.der()))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    b.set_certificate(&certs[0]).map_err(err)?;
    for c in &certs[1..] {
        b.add_extra_chain_cert(c.clone()).map_err(err)?;
    }
    let key = chain.private_key().pkcs8_v1_der();
    let key =
        boring::pkey::PKey::private_key_from_der(key.as_deref().unwrap_or(chain.private_key().secret_der()))
            .map_err(err)?;
    b.set_private_key(&key).map_err(err)?;
    b.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    b.set_session_id_context(b"wiretls").map_err(err)?;
    Ok(())
}

/// tokio-boring, configured as [`NativeBoring`] is: the loopback
/// benchmarks' native path for BoringSSL.
struct TokioBoring {
    connector: boring::ssl::SslConnector,
    acceptor: boring::ssl::SslAcceptor,
}

impl TokioBoring {
    fn new(setup: &Setup) -> Result<Self, String> {
        let mut c = boring::ssl::SslConnector::builder(SslMethod::tls()).map_err(err)?;
        configure_client(&mut c, setup)?;
        let mut a = boring::ssl::SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).map_err(err)?;
        configure_server(&mut a, setup)?;
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

/// Make a connection a client or a server (the safe crate does this only
/// through its handshake helpers).
fn set_state(ssl: &boring::ssl::SslRef, client: bool) {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live connection that has not started its handshake.
    #[allow(unsafe_code)]
    unsafe {
        if client {
            boring_sys::SSL_set_connect_state(ssl.as_ptr());
        } else {
            boring_sys::SSL_set_accept_state(ssl.as_ptr());
        }
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
        || Box::new(NativeBoring::default()),
        |plan| ceiling_records("boring", |aead| evp(aead, plan.ceiling_rounds)),
        || {
            let engine = Arc::new(wiretls_boring::BoringEngine::new());
            let native = TokioBoring::new(&BASE)?;
            Ok(vec![Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>, Arc::new(native)])
        },
    );
}
