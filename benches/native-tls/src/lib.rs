//! The native-tls engine's side of the engine comparison: wiretls over
//! native-tls, and native-tls driven directly (its `TlsStream` over an
//! in-memory pipe that answers `WouldBlock` when empty, configured as the
//! engine configures it).
//!
//! native-tls chooses neither suites nor groups, and its server has no TLS
//! 1.3: both paths offer native-tls's defaults, and the harness keeps the
//! setups whose version and suite they negotiate (the others carry the
//! reason as their note). No loopback pair: wiretls-tokio's benchmark setup
//! is TLS 1.3, which a native-tls server refuses.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use native_tls::{HandshakeError, MidHandshakeTlsStream, Protocol, TlsAcceptor, TlsConnector, TlsStream};
use wiretls_bench::harness::{Endpoint, Path, Setup};
use wiretls_bench::loopback::Adapter;
use wiretls_bench::wiretls_path::{StaticPath, WiretlsPath};
use wiretls_bench::{engine_records, fixtures, Modes, Plan, Record};
use wiretls_core::engine::memio::MemIo;
use wiretls_core::{CipherSuite, NamedGroup, ProtocolVersion};
use wiretls_native_tls::{NativeTlsEngine, Observer};

/// wiretls over native-tls.
pub fn wiretls() -> Box<dyn Path> {
    Box::new(WiretlsPath::new(Box::new(NativeTlsEngine::new()), "wiretls"))
}

/// wiretls over native-tls, statically dispatched.
pub fn static_path() -> Box<dyn Path> {
    Box::new(StaticPath::new(NativeTlsEngine::new()))
}

/// native-tls driven directly.
pub fn native() -> Box<dyn Path> {
    Box::new(Native::default())
}

/// The AEAD ceilings: native-tls's library is OpenSSL here.
pub fn ceilings(plan: &Plan) -> Vec<Record> {
    let mut records = wiretls_bench_openssl::ceilings(plan);
    for r in &mut records {
        r.engine = "native-tls".into();
    }
    records
}

/// No loopback pair (see the crate's documentation).
///
/// # Errors
/// Never.
pub fn loopback() -> Result<Vec<Arc<dyn Adapter>>, String> {
    Ok(Vec::new())
}

/// Everything `modes` asks for, in this process.
pub fn records(plan: &Plan, modes: Modes) -> Vec<Record> {
    engine_records(vec![wiretls(), native()], &ceilings, &loopback, plan, modes)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn protocol(version: ProtocolVersion) -> Protocol {
    match version {
        ProtocolVersion::Tls12 => Protocol::Tlsv12,
        _ => Protocol::Tlsv13,
    }
}

/// The client connector of `setup`, as the engine builds it.
fn connector(setup: &Setup) -> Result<TlsConnector, String> {
    let mut b = TlsConnector::builder();
    b.min_protocol_version(Some(protocol(setup.version)));
    b.max_protocol_version(Some(protocol(setup.version)));
    b.disable_built_in_roots(true);
    for root in fixtures::roots().certificates() {
        b.add_root_certificate(native_tls::Certificate::from_der(root.der()).map_err(err)?);
    }
    b.build().map_err(err)
}

/// The server acceptor of `setup`, as the engine builds it.
fn acceptor(setup: &Setup) -> Result<TlsAcceptor, String> {
    let chain = fixtures::chain(setup.key);
    let certs: Vec<pem::Pem> =
        chain.certificates().iter().map(|c| pem::Pem::new("CERTIFICATE", c.der().to_vec())).collect();
    let key = chain.private_key().pkcs8_v1_der().unwrap_or_else(|| chain.private_key().secret_der().to_vec());
    let key = pem::encode(&pem::Pem::new("PRIVATE KEY", key));
    let identity =
        native_tls::Identity::from_pkcs8(pem::encode_many(&certs).as_bytes(), key.as_bytes()).map_err(err)?;
    let mut b = TlsAcceptor::builder(identity);
    b.min_protocol_version(Some(protocol(setup.version)));
    b.max_protocol_version(Some(protocol(setup.version)));
    b.build().map_err(err)
}

/// native-tls's path: connectors and acceptors made once per setup.
#[derive(Default)]
struct Native {
    clients: RefCell<HashMap<Setup, TlsConnector>>,
    servers: RefCell<HashMap<Setup, TlsAcceptor>>,
}

/// The memory transport, shared with the endpoint (native-tls owns its stream).
#[derive(Clone, Default)]
struct Pipe(Arc<Mutex<MemIo>>);

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).read(buf)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Stream {
    Mid(MidHandshakeTlsStream<Pipe>),
    Done(TlsStream<Pipe>),
    Gone,
}

struct NativeEndpoint {
    pipe: Pipe,
    stream: Stream,
    observer: Observer,
    client: bool,
    /// The output handed to the harness (the pipe's, moved out after each call).
    out: Vec<u8>,
}

impl NativeEndpoint {
    fn new(
        pipe: Pipe,
        result: Result<TlsStream<Pipe>, HandshakeError<Pipe>>,
        client: bool,
    ) -> Result<Self, String> {
        let stream = match result {
            Ok(s) => Stream::Done(s),
            Err(HandshakeError::WouldBlock(mid)) => Stream::Mid(mid),
            Err(HandshakeError::Failure(e)) => return Err(err(e)),
        };
        let mut endpoint = Self { pipe, stream, observer: Observer::default(), client, out: Vec::new() };
        endpoint.collect();
        Ok(endpoint)
    }

    /// Move what the library wrote to the harness's output.
    fn collect(&mut self) {
        let mut io = self.pipe.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !self.observer.finished() {
            self.observer.watch(self.client, &io.output);
        }
        if self.out.is_empty() {
            std::mem::swap(&mut self.out, &mut io.output);
        } else {
            self.out.append(&mut io.output);
        }
    }
}

impl Endpoint for NativeEndpoint {
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>) {
        if !self.observer.finished() {
            self.observer.watch(!self.client, input);
        }
        self.pipe.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).feed(input);
        if let Stream::Mid(_) = self.stream {
            let Stream::Mid(mid) = std::mem::replace(&mut self.stream, Stream::Gone) else { unreachable!() };
            match mid.handshake() {
                Ok(done) => self.stream = Stream::Done(done),
                Err(HandshakeError::WouldBlock(mid)) => self.stream = Stream::Mid(mid),
                Err(HandshakeError::Failure(e)) => panic!("handshake: {e}"),
            }
        }
        if let Stream::Done(stream) = &mut self.stream {
            loop {
                let len = plaintext.len();
                plaintext.resize(len + 16 * 1024, 0);
                let read = stream.read(&mut plaintext[len..]);
                plaintext.truncate(len + *read.as_ref().unwrap_or(&0));
                match read {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("read: {e}"),
                }
            }
        }
        self.collect();
    }

    fn send(&mut self, data: &[u8]) {
        let Stream::Done(stream) = &mut self.stream else { panic!("send before the handshake") };
        let mut rest = data;
        while !rest.is_empty() {
            rest = &rest[stream.write(rest).expect("write")..];
        }
        self.collect();
    }

    fn output(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    fn handshaking(&self) -> bool {
        !matches!(self.stream, Stream::Done(_))
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        let seen = self.observer.seen();
        (seen.version, seen.cipher_suite, seen.group)
    }
}

impl Path for Native {
    fn engine(&self) -> &str {
        "native-tls"
    }

    fn path(&self) -> &'static str {
        "native"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        if !clients.contains_key(setup) {
            clients.insert(*setup, connector(setup)?);
        }
        let pipe = Pipe::default();
        let result = clients[setup].connect(fixtures::SERVER_NAME, pipe.clone());
        Ok(Box::new(NativeEndpoint::new(pipe, result, true)?))
    }

    fn base(&self) -> Setup {
        wiretls_bench::TLS12_BASE
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        if !wiretls_core::Engine::capabilities(&NativeTlsEngine::new())
            .server_versions
            .contains(&setup.version)
        {
            return Err(format!("native-tls has no {} as a server", setup.version));
        }
        let mut servers = self.servers.borrow_mut();
        if !servers.contains_key(setup) {
            servers.insert(*setup, acceptor(setup)?);
        }
        let pipe = Pipe::default();
        let result = servers[setup].accept(pipe.clone());
        Ok(Box::new(NativeEndpoint::new(pipe, result, false)?))
    }
}
