//! The library driven directly, configured as the wiretls engine configures
//! it: `SslStream` over the same in-memory `MemIo`, one context per setup.
//! One source for the OpenSSL and BoringSSL bench sides
//! (`benches/ssl-family`), compiled into each against its own bindings
//! (the crate root's `ssl_lib`); the crate's `quirks` give what differs.

use std::cell::RefCell;
use std::collections::HashMap;

use wiretls_bench::fixtures;
use wiretls_bench::harness::{Endpoint, Path, Setup};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{CipherSuite, NamedGroup, ProtocolVersion};

use crate::quirks;
use crate::ssl_lib::ssl::{
    ErrorCode, Ssl, SslContext, SslContextBuilder, SslSessionCacheMode, SslStream, SslVerifyMode, SslVersion,
};
use crate::ssl_lib::x509::store::X509StoreBuilder;
use crate::ssl_lib::x509::X509;

/// The library's native path: contexts made once per setup.
#[derive(Default)]
pub(crate) struct Native {
    clients: RefCell<HashMap<Setup, SslContext>>,
    servers: RefCell<HashMap<Setup, SslContext>>,
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The setup's one version, suite and group.
fn protocol(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    let v = match setup.version {
        ProtocolVersion::Tls12 => SslVersion::TLS1_2,
        ProtocolVersion::Tls13 => SslVersion::TLS1_3,
    };
    b.set_min_proto_version(Some(v)).map_err(err)?;
    b.set_max_proto_version(Some(v)).map_err(err)?;
    quirks::protocol(b, setup)
}

/// A client context as the wiretls engine configures the library.
pub(crate) fn configure_client(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
    protocol(b, setup)?;
    let mut store = X509StoreBuilder::new().map_err(err)?;
    store.add_cert(X509::from_pem(fixtures::ROOT).map_err(err)?).map_err(err)?;
    b.set_cert_store(store.build());
    b.set_verify(SslVerifyMode::PEER);
    b.set_session_cache_mode(SslSessionCacheMode::OFF);
    Ok(())
}

/// A server context as the wiretls engine configures the library.
pub(crate) fn configure_server(b: &mut SslContextBuilder, setup: &Setup) -> Result<(), String> {
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
    let key = crate::ssl_lib::pkey::PKey::private_key_from_der(
        key.as_deref().unwrap_or(chain.private_key().secret_der()),
    )
    .map_err(err)?;
    b.set_private_key(&key).map_err(err)?;
    quirks::server_options(b);
    b.set_session_id_context(b"wiretls").map_err(err)?;
    Ok(())
}

/// The client context of `setup`.
pub(crate) fn client_context(setup: &Setup) -> Result<SslContext, String> {
    let mut b = SslContextBuilder::new(quirks::client_method()).map_err(err)?;
    configure_client(&mut b, setup)?;
    Ok(b.build())
}

/// The server context of `setup`.
pub(crate) fn server_context(setup: &Setup) -> Result<SslContext, String> {
    let mut b = SslContextBuilder::new(quirks::server_method()).map_err(err)?;
    configure_server(&mut b, setup)?;
    Ok(b.build())
}

/// A client `Ssl` for the test server's name.
pub(crate) fn client_ssl(context: &SslContext) -> Result<Ssl, String> {
    let mut ssl = Ssl::new(context).map_err(err)?;
    ssl.set_hostname(fixtures::SERVER_NAME).map_err(err)?;
    ssl.param_mut().set_host(fixtures::SERVER_NAME).map_err(err)?;
    Ok(ssl)
}

struct NativeEndpoint {
    stream: SslStream<MemIo>,
    done: bool,
}

impl Endpoint for NativeEndpoint {
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
        let suite = ssl.current_cipher().and_then(|c| CipherSuite::from_iana(quirks::suite_id(c)));
        (version, suite, None)
    }
}

impl Path for Native {
    fn engine(&self) -> &str {
        quirks::ENGINE
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
        quirks::set_side(&mut ssl, true);
        let mut endpoint =
            NativeEndpoint { stream: SslStream::new(ssl, MemIo::default()).map_err(err)?, done: false };
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
        quirks::set_side(&mut ssl, false);
        Ok(Box::new(NativeEndpoint {
            stream: SslStream::new(ssl, MemIo::default()).map_err(err)?,
            done: false,
        }))
    }
}
