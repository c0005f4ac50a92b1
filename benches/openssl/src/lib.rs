//! The OpenSSL engine's side of the engine comparison: wiretls over OpenSSL,
//! and OpenSSL driven directly, configured as the wiretls engine configures
//! it (`SslStream` over the same in-memory `MemIo`). The `bench-openssl`
//! binary prints these records; `wiretls bench` measures them in its own
//! process (it links OpenSSL, never BoringSSL).

use std::cell::RefCell;
use std::collections::HashMap;

use openssl::ssl::{
    ErrorCode, Ssl, SslContext, SslContextBuilder, SslMethod, SslOptions, SslSessionCacheMode, SslStream,
    SslVerifyMode, SslVersion,
};
use openssl::symm::{Cipher, Crypter, Mode};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;
use std::sync::Arc;

use wiretls_bench::harness::{Endpoint, Path, Setup};
use wiretls_bench::loopback::{Adapter, AsyncStream, Connecting, WiretlsTokio};
use wiretls_bench::wiretls_path::WiretlsPath;
use wiretls_bench::{ceiling, ceiling_records, engine_records, fixtures, Modes, Plan, Record, BASE};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{Aead, CipherSuite, NamedGroup, ProtocolVersion};

#[derive(Default)]
struct NativeOpenssl {
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
    let name = setup.suite.info().openssl_name;
    match setup.version {
        ProtocolVersion::Tls12 => b.set_cipher_list(name).map_err(err)?,
        ProtocolVersion::Tls13 => b.set_ciphersuites(name).map_err(err)?,
    }
    b.set_groups_list(setup.group.openssl_name().ok_or("unknown group")?).map_err(err)?;
    b.set_options(SslOptions::NO_RENEGOTIATION | SslOptions::NO_COMPRESSION);
    Ok(())
}

/// The client context of `setup`, as the wiretls engine configures OpenSSL.
fn client_context(setup: &Setup) -> Result<SslContext, String> {
    let mut b = SslContextBuilder::new(SslMethod::tls_client()).map_err(err)?;
    protocol(&mut b, setup)?;
    let mut store = X509StoreBuilder::new().map_err(err)?;
    store.add_cert(X509::from_pem(fixtures::ROOT).map_err(err)?).map_err(err)?;
    b.set_cert_store(store.build());
    b.set_verify(SslVerifyMode::PEER);
    b.set_session_cache_mode(SslSessionCacheMode::OFF);
    Ok(b.build())
}

/// A client `Ssl` for the test server's name.
fn client_ssl(context: &SslContext) -> Result<Ssl, String> {
    let mut ssl = Ssl::new(context).map_err(err)?;
    ssl.set_hostname(fixtures::SERVER_NAME).map_err(err)?;
    ssl.param_mut().set_host(fixtures::SERVER_NAME).map_err(err)?;
    Ok(ssl)
}

/// The server context of `setup`.
fn server_context(setup: &Setup) -> Result<SslContext, String> {
    let mut b = SslContextBuilder::new(SslMethod::tls_server()).map_err(err)?;
    protocol(&mut b, setup)?;
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
        openssl::pkey::PKey::private_key_from_der(key.as_deref().unwrap_or(chain.private_key().secret_der()))
            .map_err(err)?;
    b.set_private_key(&key).map_err(err)?;
    b.set_options(SslOptions::CIPHER_SERVER_PREFERENCE | SslOptions::NO_TICKET);
    b.set_session_id_context(b"wiretls").map_err(err)?;
    Ok(b.build())
}

/// tokio-openssl with the contexts of [`NativeOpenssl`]: the loopback
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
            let ssl = client_ssl(&self.client).map_err(std::io::Error::other)?;
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

struct OpensslEndpoint {
    stream: SslStream<MemIo>,
    done: bool,
}

impl Endpoint for OpensslEndpoint {
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
        let suite =
            ssl.current_cipher().and_then(|c| CipherSuite::from_iana(u16::from_be_bytes(c.protocol_id())));
        (version, suite, None)
    }
}

impl Path for NativeOpenssl {
    fn engine(&self) -> &str {
        "openssl"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        if !clients.contains_key(setup) {
            clients.insert(*setup, client_context(setup)?);
        }
        let mut ssl = client_ssl(&clients[setup])?;
        ssl.set_connect_state();
        let mut endpoint =
            OpensslEndpoint { stream: SslStream::new(ssl, MemIo::default()).map_err(err)?, done: false };
        match endpoint.stream.do_handshake() {
            Err(e) if e.code() == ErrorCode::WANT_READ => {}
            other => return Err(format!("first flight: {other:?}")),
        }
        Ok(Box::new(endpoint))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut servers = self.servers.borrow_mut();
        if !servers.contains_key(setup) {
            servers.insert(*setup, server_context(setup)?);
        }
        let mut ssl = Ssl::new(&servers[setup]).map_err(err)?;
        ssl.set_accept_state();
        Ok(Box::new(OpensslEndpoint {
            stream: SslStream::new(ssl, MemIo::default()).map_err(err)?,
            done: false,
        }))
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

/// OpenSSL driven directly.
pub fn native() -> Box<dyn Path> {
    Box::new(NativeOpenssl::default())
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
    let native = TokioOpenssl { client: client_context(&BASE)?, server: server_context(&BASE)? };
    Ok(vec![Arc::new(WiretlsTokio::new(engine, &BASE)?) as Arc<dyn Adapter>, Arc::new(native)])
}

/// Everything `modes` asks for, in this process.
pub fn records(plan: &Plan, modes: Modes) -> Vec<Record> {
    engine_records(vec![wiretls(), native()], &ceilings, &loopback, plan, modes)
}
