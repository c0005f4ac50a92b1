//! Connections through rustls's own buffered API, configured as wiretls
//! configures them (the same provider, suite, group and certificates).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection};
use wiretls_core::{CipherSuite, NamedGroup, ProtocolVersion};

use crate::fixtures;
use crate::harness::{Endpoint, Path, Setup};

/// rustls with aws-lc-rs, driven directly.
#[derive(Default)]
pub struct NativeRustls {
    clients: RefCell<HashMap<Setup, Arc<ClientConfig>>>,
    servers: RefCell<HashMap<Setup, Arc<ServerConfig>>>,
}

fn provider(setup: &Setup) -> Result<Arc<CryptoProvider>, String> {
    let base = rustls::crypto::aws_lc_rs::default_provider();
    let suite = base.cipher_suites.iter().find(|s| u16::from(s.suite()) == setup.suite.iana()).copied();
    let group = base.kx_groups.iter().find(|g| u16::from(g.name()) == setup.group.0).copied();
    match (suite, group) {
        (Some(suite), Some(group)) => {
            Ok(Arc::new(CryptoProvider { cipher_suites: vec![suite], kx_groups: vec![group], ..base }))
        }
        _ => Err("not offered by rustls".into()),
    }
}

fn version(setup: &Setup) -> &'static rustls::SupportedProtocolVersion {
    match setup.version {
        ProtocolVersion::Tls12 => &rustls::version::TLS12,
        ProtocolVersion::Tls13 => &rustls::version::TLS13,
    }
}

/// What a rustls connection negotiated (any of rustls's APIs).
pub(crate) fn negotiated(
    common: &rustls::CommonState,
) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
    (
        common.protocol_version().and_then(|v| ProtocolVersion::from_wire(u16::from(v))),
        common.negotiated_cipher_suite().and_then(|s| CipherSuite::from_iana(u16::from(s.suite()))),
        common.negotiated_key_exchange_group().map(|g| NamedGroup(u16::from(g.name()))),
    )
}

/// The configuration of `setup` from `cache`, made by `make` the first time.
pub(crate) fn cached<T>(
    cache: &RefCell<HashMap<Setup, Arc<T>>>,
    setup: &Setup,
    make: fn(&Setup) -> Result<Arc<T>, String>,
) -> Result<Arc<T>, String> {
    let mut cache = cache.borrow_mut();
    if let Some(config) = cache.get(setup) {
        return Ok(Arc::clone(config));
    }
    Ok(Arc::clone(cache.entry(*setup).or_insert(make(setup)?)))
}

/// The client configuration of `setup`, as wiretls's rustls engine makes it.
pub(crate) fn client_config(setup: &Setup) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for cert in fixtures::roots().certificates() {
        roots.add(cert.der().clone()).map_err(|e| e.to_string())?;
    }
    let mut config = ClientConfig::builder_with_provider(provider(setup)?)
        .with_protocol_versions(&[version(setup)])
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Ok(Arc::new(config))
}

/// The server configuration of `setup`.
pub(crate) fn server_config(setup: &Setup) -> Result<Arc<ServerConfig>, String> {
    let chain = fixtures::chain(setup.key);
    let certs = chain.certificates().iter().map(|c| c.der().clone()).collect();
    let config = ServerConfig::builder_with_provider(provider(setup)?)
        .with_protocol_versions(&[version(setup)])
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, chain.private_key().der().clone_key())
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(config))
}

/// tokio-rustls, configured as [`NativeRustls`] is: the loopback
/// benchmarks' native path for rustls.
pub struct TokioRustls {
    connector: tokio_rustls::TlsConnector,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl TokioRustls {
    /// tokio-rustls for `setup`.
    ///
    /// # Errors
    /// Why `setup` cannot be configured.
    pub fn new(setup: &Setup) -> Result<Self, String> {
        Ok(Self {
            connector: tokio_rustls::TlsConnector::from(client_config(setup)?),
            acceptor: tokio_rustls::TlsAcceptor::from(server_config(setup)?),
        })
    }
}

impl crate::loopback::Adapter for TokioRustls {
    fn engine(&self) -> &str {
        "rustls"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn connect(&self, tcp: tokio::net::TcpStream) -> crate::loopback::Connecting<'_> {
        Box::pin(async move {
            let name = ServerName::try_from(fixtures::SERVER_NAME).map_err(std::io::Error::other)?;
            Ok(Box::new(self.connector.connect(name, tcp).await?) as Box<dyn crate::loopback::AsyncStream>)
        })
    }

    fn accept(&self, tcp: tokio::net::TcpStream) -> crate::loopback::Connecting<'_> {
        Box::pin(async move {
            Ok(Box::new(self.acceptor.accept(tcp).await?) as Box<dyn crate::loopback::AsyncStream>)
        })
    }
}

struct RustlsEndpoint(Connection, Vec<u8>);

impl RustlsEndpoint {
    fn flush(&mut self) {
        while self.0.wants_write() {
            self.0.write_tls(&mut self.1).expect("write_tls");
        }
    }
}

impl Endpoint for RustlsEndpoint {
    fn feed(&mut self, mut input: &[u8], plaintext: &mut Vec<u8>) {
        while !input.is_empty() {
            self.0.read_tls(&mut input).expect("read_tls");
            let state = self.0.process_new_packets().expect("process_new_packets");
            let n = state.plaintext_bytes_to_read();
            if n > 0 {
                let start = plaintext.len();
                plaintext.resize(start + n, 0);
                self.0.reader().read_exact(&mut plaintext[start..]).expect("read");
            }
        }
        self.flush();
    }

    fn send(&mut self, data: &[u8]) {
        self.0.writer().write_all(data).expect("write");
        self.flush();
    }

    fn output(&mut self) -> &mut Vec<u8> {
        &mut self.1
    }

    fn handshaking(&self) -> bool {
        self.0.is_handshaking()
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        negotiated(&self.0)
    }
}

impl Path for NativeRustls {
    fn engine(&self) -> &str {
        "rustls"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let config = cached(&self.clients, setup, client_config)?;
        let name = ServerName::try_from(fixtures::SERVER_NAME).map_err(|e| e.to_string())?;
        let mut conn = ClientConnection::new(config, name).map_err(|e| e.to_string())?;
        conn.set_buffer_limit(None);
        let mut endpoint = RustlsEndpoint(conn.into(), Vec::new());
        endpoint.flush();
        Ok(Box::new(endpoint))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let config = cached(&self.servers, setup, server_config)?;
        let mut conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
        conn.set_buffer_limit(None);
        Ok(Box::new(RustlsEndpoint(conn.into(), Vec::new())))
    }
}
