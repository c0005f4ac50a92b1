//! Connections through wiretls, on any engine.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use wiretls_core::engine::Session;
use wiretls_core::{
    CipherSuite, ClientTls, Connection, Engine, MemoryWire, NamedGroup, ProtocolVersion,
    ServerCertificateChain, ServerTls, StaticEngine, Wire,
};

use crate::fixtures;
use crate::harness::{Endpoint, Path, Setup};

/// wiretls over `engine`; configurations are made once per setup and reused.
pub struct WiretlsPath {
    engine: Box<dyn Engine>,
    label: &'static str,
    clients: RefCell<HashMap<Setup, ClientTls>>,
    servers: RefCell<HashMap<Setup, ServerTls>>,
}

impl WiretlsPath {
    /// wiretls over `engine` (`label`: `wiretls` or `null`).
    pub fn new(engine: Box<dyn Engine>, label: &'static str) -> Self {
        Self { engine, label, clients: RefCell::default(), servers: RefCell::default() }
    }
}

/// The suites to configure: the one asked for, or every TLS 1.3 suite on
/// an engine that cannot choose them (the negotiated suite decides).
fn suites(engine: &dyn Engine, setup: &Setup) -> Vec<CipherSuite> {
    if setup.version == ProtocolVersion::Tls13 && !engine.capabilities().tls13_suite_selection {
        CipherSuite::ALL.iter().copied().filter(|s| s.version() == ProtocolVersion::Tls13).collect()
    } else {
        vec![setup.suite]
    }
}

/// The single-setup measurements' setup for `engine`: [`crate::BASE`], or
/// [`crate::TLS12_BASE`] for an engine without TLS 1.3 as a server.
fn base_of(engine: &dyn Engine) -> Setup {
    if engine.capabilities().server_versions.contains(&ProtocolVersion::Tls13) {
        crate::BASE
    } else {
        crate::TLS12_BASE
    }
}

/// The client configuration of `setup` on `engine` (also used by the
/// loopback benchmarks).
///
/// # Errors
/// Why `setup` cannot be configured.
pub fn client_tls(engine: &dyn Engine, setup: &Setup) -> Result<ClientTls, String> {
    let tls = ClientTls::new(fixtures::SERVER_NAME)
        .and_then(|t| t.with_versions(&[setup.version]))
        .map_err(|e| e.to_string())?
        .with_trust_root(fixtures::roots())
        .with_resumption(false);
    Ok(choose(engine, setup, tls, ClientTls::with_cipher_suites, ClientTls::with_groups))
}

/// The setup's suites and group, where the engine can choose them: an
/// engine that cannot (native-tls) offers its defaults, and the harness
/// keeps the setups whose suite it negotiates.
fn choose<T>(
    engine: &dyn Engine,
    setup: &Setup,
    tls: T,
    suites_of: fn(T, &[CipherSuite]) -> T,
    groups_of: fn(T, &[NamedGroup]) -> T,
) -> T {
    let caps = engine.capabilities();
    let tls = if caps.cipher_suite_selection { suites_of(tls, &suites(engine, setup)) } else { tls };
    if caps.group_selection {
        groups_of(tls, &[setup.group])
    } else {
        tls
    }
}

/// The server configuration of `setup` on `engine`.
///
/// # Errors
/// Why `setup` cannot be configured.
pub fn server_tls(engine: &dyn Engine, setup: &Setup) -> Result<ServerTls, String> {
    let tls = ServerTls::new(Arc::new(ServerCertificateChain::from(fixtures::chain(setup.key))))
        .with_versions(&[setup.version])
        .map_err(|e| e.to_string())?;
    Ok(choose(engine, setup, tls, ServerTls::with_cipher_suites, ServerTls::with_groups))
}

/// A connection of either dispatch: `Connection` (an engine chosen at run
/// time) or `Connection<E::ClientSession, MemoryWire>` (`start_static`).
struct WiretlsEndpoint<S: Session + ?Sized = dyn Session, W: Wire + ?Sized = dyn Wire> {
    conn: Connection<S, W>,
}

impl<S: Session + ?Sized, W: Wire + ?Sized> Endpoint for WiretlsEndpoint<S, W> {
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>) {
        if let Err(e) = self.conn.data_from_wire_into(input, plaintext) {
            panic!("wiretls: {e}");
        }
    }

    fn send(&mut self, data: &[u8]) {
        if let Err(e) = self.conn.data_from_application(data) {
            panic!("wiretls: {e}");
        }
    }

    fn output(&mut self) -> &mut Vec<u8> {
        // Invariant: every connection here has a MemoryWire, which has a buffer.
        self.conn.wire_buffer().expect("a MemoryWire")
    }

    fn handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        let info = self.conn.info();
        (info.version, info.cipher_suite, info.key_exchange_group)
    }
}

impl Path for WiretlsPath {
    fn engine(&self) -> &str {
        self.engine.name()
    }

    fn path(&self) -> &'static str {
        self.label
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        let tls = match clients.get(setup) {
            Some(tls) => tls,
            None => clients.entry(*setup).or_insert(client_tls(&*self.engine, setup)?),
        };
        let conn = tls.start(&*self.engine, MemoryWire::new()).map_err(|e| e.to_string())?;
        Ok(Box::new(WiretlsEndpoint { conn }))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut servers = self.servers.borrow_mut();
        let tls = match servers.get(setup) {
            Some(tls) => tls,
            None => servers.entry(*setup).or_insert(server_tls(&*self.engine, setup)?),
        };
        let conn = tls.start(&*self.engine, MemoryWire::new()).map_err(|e| e.to_string())?;
        Ok(Box::new(WiretlsEndpoint { conn }))
    }

    fn base(&self) -> Setup {
        base_of(&*self.engine)
    }
}

/// wiretls over `E` with static dispatch (`start_static`): the connection
/// calls the engine's session and its `MemoryWire` directly. The bench
/// binaries offer it as `--path static`, for callgrind's instruction counts
/// next to `wiretls` (run-time dispatch) and `native`.
pub struct StaticPath<E: StaticEngine> {
    engine: E,
    clients: RefCell<HashMap<Setup, ClientTls>>,
    servers: RefCell<HashMap<Setup, ServerTls>>,
}

impl<E: StaticEngine> StaticPath<E> {
    /// wiretls over `engine`, statically dispatched.
    pub fn new(engine: E) -> Self {
        Self { engine, clients: RefCell::default(), servers: RefCell::default() }
    }
}

impl<E: StaticEngine> Path for StaticPath<E> {
    fn engine(&self) -> &str {
        self.engine.name()
    }

    fn path(&self) -> &'static str {
        "static"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        let tls = match clients.get(setup) {
            Some(tls) => tls,
            None => clients.entry(*setup).or_insert(client_tls(&self.engine, setup)?),
        };
        let conn = tls.start_static(&self.engine, MemoryWire::new()).map_err(|e| e.to_string())?;
        Ok(Box::new(WiretlsEndpoint { conn }))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut servers = self.servers.borrow_mut();
        let tls = match servers.get(setup) {
            Some(tls) => tls,
            None => servers.entry(*setup).or_insert(server_tls(&self.engine, setup)?),
        };
        let conn = tls.start_static(&self.engine, MemoryWire::new()).map_err(|e| e.to_string())?;
        Ok(Box::new(WiretlsEndpoint { conn }))
    }

    fn base(&self) -> Setup {
        base_of(&self.engine)
    }
}
