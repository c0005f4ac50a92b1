//! One side of a pair in another process.
//!
//! OpenSSL and BoringSSL can never be linked into one binary, so an
//! OpenSSL <-> BoringSSL pair runs one engine in a peer process: a small
//! binary per engine ([`serve`] over its stdin/stdout) hosts the real
//! sessions, and [`RemoteEngine`] is an [`Engine`] whose sessions forward
//! every call to it. The application's side stays in the test process: the
//! certificate stores, the verify callback and the waker run there, called
//! back from the peer while it handles a call, so every scenario runs
//! unchanged (a store answering later still answers later: its answer is
//! forwarded on the next call, before `proceed`).
//!
//! Messages are postcard frames with a 4-byte length prefix.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use serde::{Deserialize, Serialize};
use wiretls_core::engine::{ChainRequest, Session, SessionContext, SessionStatus, StoreRef, VerifyHook};
use wiretls_core::{
    Alert, AlertDescription, AlertSending, Capabilities, Certificate, CertificateChain,
    CertificateChainCallback, ChainCheck, CipherSuite, ClientAuth, ClientCertificateStore, ClientTls,
    ConnectionInfo, DhParams, DistinguishedName, Engine, Error, KeyType, NamedGroup, PeerName,
    ProtocolVersion, Reject, ServerCertificates, ServerTls, Side, TrustStore, VerifyCallback, VerifyContext,
};

// ---- The protocol ----------------------------------------------------------

#[derive(Serialize, Deserialize)]
enum ToPeer {
    Hello,
    Start { session: u64, config: Config, verify: bool },
    Call { session: u64, call: Call },
    LateAnswer { request: u64, chain: Option<Chain> },
    Close { session: u64 },
    CheckChain(Check),
    StoreReply { answered: Option<Option<Chain>> },
    StorePanicked(String),
    VerifyReply(Result<(), AlertDescription>),
}

#[derive(Serialize, Deserialize)]
enum Call {
    ReadTls(Vec<u8>),
    WritePlaintext(Vec<u8>),
    Proceed,
    PeerCertificates,
    CloseNotify,
    SendAlert(Alert),
    Info,
    Forget,
}

#[derive(Serialize, Deserialize)]
enum FromPeer {
    Caps(Caps),
    Started(Result<SessionStatus, Error>),
    Done {
        result: Result<(), Error>,
        plaintext: Vec<u8>,
        out: Vec<u8>,
        status: SessionStatus,
        abandoned: Vec<u64>,
    },
    Info(Info),
    PeerCertificates(Vec<Vec<u8>>),
    Checked(Result<(), Error>),
    Closed,
    AskStore {
        session: u64,
        request: u64,
        question: Question,
    },
    Verify {
        session: u64,
        chain: Vec<Vec<u8>>,
        side: Side,
        server_name: Option<String>,
    },
}

#[derive(Serialize, Deserialize)]
enum Question {
    ServerName(Option<String>),
    Roots(Vec<Vec<u8>>),
    Default,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Chain {
    certs: Vec<Vec<u8>>,
    key: Vec<u8>,
}

impl Chain {
    fn from_chain(chain: &CertificateChain) -> Self {
        Self {
            certs: chain.certificates().iter().map(|c| c.der().to_vec()).collect(),
            key: chain.private_key().secret_der().to_vec(),
        }
    }

    fn to_chain(&self) -> Result<CertificateChain, Error> {
        let refs: Vec<&[u8]> = self.certs.iter().map(Vec::as_slice).collect();
        CertificateChain::from_der(&refs, &self.key)
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Common {
    id: u64,
    /// `None`: the default suites (not chosen with `with_cipher_suites`).
    suites: Option<Vec<CipherSuite>>,
    versions: Vec<ProtocolVersion>,
    groups: Option<Vec<NamedGroup>>,
    alpn: Vec<Vec<u8>>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
enum Config {
    Client {
        common: Common,
        server_hostname: String,
        trust: Option<Vec<Vec<u8>>>,
        store: bool,
        resumption: bool,
    },
    Server {
        common: Common,
        dh_params: Option<Vec<u8>>,
        /// 0 none, 1 optional, 2 required.
        client_auth: u8,
        client_trust: Vec<Vec<u8>>,
        ca_names: bool,
        /// The one chain of a fixed source (certificates, key), sent along
        /// for engines that take it at start (native-tls); other sources
        /// are asked through the proxy store.
        fixed_chain: Option<(Vec<Vec<u8>>, Vec<u8>)>,
    },
}

#[derive(Serialize, Deserialize)]
struct Check {
    trust: Vec<Vec<u8>>,
    chain: Vec<Vec<u8>>,
    peer_name: Option<(bool, String)>,
    presented_by: Side,
    at_secs: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct Info {
    side: Side,
    handshake_complete: bool,
    version: Option<ProtocolVersion>,
    cipher_suite: Option<CipherSuite>,
    key_exchange_group: Option<NamedGroup>,
    server_name: Option<String>,
    alpn_protocol: Option<Vec<u8>>,
    resumed: Option<bool>,
    session_id: Option<Vec<u8>>,
}

#[derive(Serialize, Deserialize)]
struct Caps {
    engine: String,
    versions: Vec<ProtocolVersion>,
    server_versions: Vec<ProtocolVersion>,
    cipher_suites: Vec<CipherSuite>,
    key_types: Vec<KeyType>,
    groups: Vec<NamedGroup>,
    flags: [bool; 14],
    alert_sending: AlertSending,
    verify_alerts: Vec<AlertDescription>,
}

fn ders(certs: &[Certificate]) -> Vec<Vec<u8>> {
    certs.iter().map(|c| c.der().to_vec()).collect()
}

fn certs(ders: &[Vec<u8>]) -> Result<Vec<Certificate>, Error> {
    ders.iter().map(|d| Certificate::from_der(d.clone())).collect()
}

/// A framed channel over a pipe pair.
struct Channel<R, W> {
    reader: R,
    writer: W,
}

impl<R: Read, W: Write> Channel<R, W> {
    fn send<T: Serialize>(&mut self, message: &T) {
        let bytes = postcard::to_stdvec(message).expect("encode a message");
        let len = u32::try_from(bytes.len()).expect("message size").to_le_bytes();
        self.writer.write_all(&len).and_then(|()| self.writer.write_all(&bytes)).expect("write to the peer");
        self.writer.flush().expect("flush to the peer");
    }

    fn receive<T: for<'de> Deserialize<'de>>(&mut self) -> Option<T> {
        let mut len = [0u8; 4];
        self.reader.read_exact(&mut len).ok()?;
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        self.reader.read_exact(&mut bytes).expect("read from the peer");
        Some(postcard::from_bytes(&bytes).expect("decode a message"))
    }
}

// ---- The test process's side -------------------------------------------------

/// An engine running in a peer process (see the [module](self) docs).
pub struct RemoteEngine {
    caps: &'static Capabilities,
    link: Arc<Link>,
}

struct Link {
    channel: Mutex<Channel<BufReader<ChildStdout>, BufWriter<ChildStdin>>>,
    child: Mutex<Child>,
    sessions: Mutex<HashMap<u64, Weak<RemoteSessionParts>>>,
}

/// The application's parts of one remote session.
struct RemoteSessionParts {
    verify: Option<Arc<VerifyHook>>,
    store: StoreRef,
    waker: Arc<wiretls_core::engine::StoreWaker>,
    /// Store questions not answered yet, by request id.
    pending: Mutex<HashMap<u64, ChainRequest>>,
}

impl RemoteEngine {
    /// Start the peer binary `program` and learn its engine.
    ///
    /// # Panics
    /// When the binary is missing or does not answer.
    pub fn spawn(program: &Path) -> Self {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the peer {}: {e}", program.display()));
        let channel = Channel {
            reader: BufReader::new(child.stdout.take().expect("peer stdout")),
            writer: BufWriter::new(child.stdin.take().expect("peer stdin")),
        };
        let link = Arc::new(Link {
            channel: Mutex::new(channel),
            child: Mutex::new(child),
            sessions: Mutex::default(),
        });
        let caps = match link.call(&ToPeer::Hello) {
            FromPeer::Caps(caps) => intern_caps(caps),
            _ => panic!("the peer did not introduce itself"),
        };
        Self { caps, link }
    }

    /// Start the peer binary called `name`, next to the running test binary
    /// (`target/<profile>/`).
    ///
    /// # Panics
    /// When it is not there: `cargo test --workspace` builds every peer.
    pub fn spawn_named(name: &str) -> Self {
        let path = peer_path(name);
        assert!(
            path.exists(),
            "{} is missing: build it with `cargo build --bin {name}` (cargo test --workspace builds it)",
            path.display()
        );
        Self::spawn(&path)
    }
}

/// Where the peer binary `name` is built: beside the test binary's `deps/`.
pub fn peer_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().map(|d| if d.ends_with("deps") { d.parent().unwrap_or(d) } else { d });
    dir.unwrap_or_else(|| Path::new(".")).join(name)
}

/// Capabilities from a peer, made `'static` once per engine name.
fn intern_caps(caps: Caps) -> &'static Capabilities {
    static ALL: OnceLock<Mutex<HashMap<String, &'static Capabilities>>> = OnceLock::new();
    let mut all = ALL.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = all.get(&caps.engine) {
        return known;
    }
    let leak = |v: Vec<_>| -> &'static [_] { Box::leak(v.into_boxed_slice()) };
    let mut c = Capabilities::NONE;
    c.engine = wiretls_core::engine::interned::intern(&caps.engine);
    c.versions = leak(caps.versions);
    c.server_versions = leak(caps.server_versions);
    c.cipher_suites = Box::leak(caps.cipher_suites.into_boxed_slice());
    c.key_types = Box::leak(caps.key_types.into_boxed_slice());
    c.groups = Box::leak(caps.groups.into_boxed_slice());
    [
        c.tls13_suite_selection,
        c.dh_params,
        c.later_server_certificate_answer,
        c.later_client_certificate_answer,
        c.session_id,
        c.resumption,
        c.alpn,
        c.verify_callback,
        c.server_certificate_stores,
        c.client_auth,
        c.client_certificate_roots,
        c.cipher_suite_selection,
        c.group_selection,
        c.peer_chain,
    ] = caps.flags;
    c.alert_sending = caps.alert_sending;
    c.verify_alerts = Box::leak(caps.verify_alerts.into_boxed_slice());
    let c: &'static Capabilities = Box::leak(Box::new(c));
    all.insert(caps.engine, c);
    c
}

impl Link {
    fn lock(&self) -> MutexGuard<'_, Channel<BufReader<ChildStdout>, BufWriter<ChildStdin>>> {
        self.channel.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Send a request and serve the peer's callbacks until its answer. The
    /// application's callbacks run without the channel locked: one may
    /// drive another connection of this peer (a nested call, which the peer
    /// serves while it waits for the callback's reply). Their panics are
    /// caught (`StoreRef::ask`, `VerifyHook::run`), never unwind from here.
    fn call(&self, request: &ToPeer) -> FromPeer {
        let mut channel = self.lock();
        channel.send(request);
        loop {
            let message: FromPeer = channel.receive().expect("the peer ended");
            let reply = match message {
                FromPeer::AskStore { session, request, question } => {
                    drop(channel);
                    self.hooks(session).ask(request, question)
                }
                FromPeer::Verify { session, chain, side, server_name } => {
                    drop(channel);
                    let hooks = self.hooks(session);
                    let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
                    let verdict = match &hooks.verify {
                        Some(hook) => hook.run(&refs, &VerifyContext::new(side, server_name.as_deref())),
                        None => Ok(()),
                    };
                    ToPeer::VerifyReply(verdict.map_err(|r| r.alert))
                }
                answer => return answer,
            };
            channel = self.lock();
            channel.send(&reply);
        }
    }

    /// Send a message that has no answer.
    fn tell(&self, message: &ToPeer) {
        self.lock().send(message);
    }

    fn hooks(&self, session: u64) -> Arc<RemoteSessionParts> {
        let sessions = self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        sessions.get(&session).and_then(Weak::upgrade).expect("a callback for a live session")
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl RemoteSessionParts {
    /// Ask the application's store (a panic is caught, as in-process, and
    /// told to the peer); the reply: the answer, if it came at once.
    fn ask(&self, request: u64, question: Question) -> ToPeer {
        let (server_name, roots): (Option<String>, Vec<DistinguishedName>) = match question {
            Question::ServerName(name) => (name, Vec::new()),
            Question::Roots(roots) => (None, roots.into_iter().map(DistinguishedName::from_der).collect()),
            Question::Default => (None, Vec::new()),
        };
        let (slot, callback) =
            ChainRequest::new((!roots.is_empty()).then(|| roots.clone()), Arc::clone(&self.waker));
        if let Err(e) = self.store.ask(server_name.as_deref(), &roots, callback) {
            return ToPeer::StorePanicked(match e {
                Error::CallbackPanicked { message, .. } => message,
                other => other.to_string(),
            });
        }
        let answered = match slot.take() {
            Some(answer) => Some(answer.as_ref().map(Chain::from_chain)),
            None => {
                self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(request, slot);
                None
            }
        };
        ToPeer::StoreReply { answered }
    }
}

/// A session whose engine runs in the peer process.
struct RemoteSession {
    id: u64,
    link: Arc<Link>,
    hooks: Arc<RemoteSessionParts>,
    status: SessionStatus,
    side: Side,
}

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

impl RemoteEngine {
    fn start(
        &self,
        config: Config,
        store: StoreRef,
        context: SessionContext,
        side: Side,
    ) -> Result<Box<dyn Session>, Error> {
        let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
        let hooks = Arc::new(RemoteSessionParts {
            verify: context.verify.clone(),
            store,
            waker: context.waker,
            pending: Mutex::default(),
        });
        self.link
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id, Arc::downgrade(&hooks));
        match self.link.call(&ToPeer::Start { session: id, config, verify: context.verify.is_some() }) {
            FromPeer::Started(Ok(status)) => {
                Ok(Box::new(RemoteSession { id, link: Arc::clone(&self.link), hooks, status, side }))
            }
            FromPeer::Started(Err(e)) => Err(e),
            _ => panic!("unexpected answer to Start"),
        }
    }
}

fn common(
    id: u64,
    suites: Option<&[CipherSuite]>,
    versions: &[ProtocolVersion],
    groups: Option<&[NamedGroup]>,
    alpn: &[Vec<u8>],
) -> Common {
    Common {
        id,
        suites: suites.map(<[_]>::to_vec),
        versions: versions.to_vec(),
        groups: groups.map(<[_]>::to_vec),
        alpn: alpn.to_vec(),
    }
}

impl Engine for RemoteEngine {
    fn name(&self) -> &'static str {
        self.caps.engine
    }

    fn capabilities(&self) -> &Capabilities {
        self.caps
    }

    fn start_client(&self, tls: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        let config = Config::Client {
            common: common(
                tls.prepared().id(),
                tls.cipher_suites_chosen().then(|| tls.cipher_suites()),
                tls.versions(),
                tls.groups(),
                tls.alpn_protocols(),
            ),
            server_hostname: tls.server_hostname().to_owned(),
            trust: tls.custom_trust_root().map(|t| ders(t.certificates())),
            store: tls.client_certificate_store().is_some(),
            resumption: tls.resumption(),
        };
        let store = StoreRef::Client(tls.client_certificate_store().cloned());
        self.start(config, store, context, Side::Client)
    }

    fn start_server(&self, tls: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        let (client_auth, client_trust) = match tls.client_auth() {
            ClientAuth::None => (0, Vec::new()),
            ClientAuth::Optional(t) => (1, ders(t.certificates())),
            ClientAuth::Required(t) => (2, ders(t.certificates())),
            _ => {
                return Err(Error::Unsupported {
                    engine: self.name(),
                    feature: wiretls_core::Feature::NewerSetting("this client authentication mode"),
                })
            }
        };
        let config = Config::Server {
            common: common(
                tls.prepared().id(),
                tls.cipher_suites_chosen().then(|| tls.cipher_suites()),
                tls.versions(),
                tls.groups(),
                tls.alpn_protocols(),
            ),
            dh_params: tls.dh_params().map(|p| p.der().to_vec()),
            client_auth,
            client_trust,
            ca_names: tls.client_ca_names(),
            fixed_chain: tls
                .certificates()
                .fixed_chain()
                .map(|c| (ders(c.certificates()), c.private_key().secret_der().to_vec())),
        };
        self.start(config, StoreRef::Server(Arc::clone(tls.certificates())), context, Side::Server)
    }

    fn check_chain(&self, check: &ChainCheck<'_>) -> Result<(), Error> {
        let peer_name = match check.peer_name {
            None => None,
            Some(PeerName::Dns(d)) => Some((false, d.to_owned())),
            Some(PeerName::Ip(ip)) => Some((true, ip.to_string())),
            Some(_) => {
                return Err(Error::Unsupported {
                    engine: self.name(),
                    feature: wiretls_core::Feature::NewerSetting("this kind of peer name"),
                })
            }
        };
        let request = Check {
            trust: ders(check.trust.certificates()),
            chain: ders(check.chain),
            peer_name,
            presented_by: check.presented_by,
            at_secs: check.at.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_secs()),
        };
        match self.link.call(&ToPeer::CheckChain(request)) {
            FromPeer::Checked(result) => result,
            _ => panic!("unexpected answer to CheckChain"),
        }
    }
}

impl RemoteSession {
    /// Forward the answers of stores that answered since the last call.
    fn forward_late_answers(&self) {
        let answered: Vec<(u64, Option<CertificateChain>)> = {
            let mut pending = self.hooks.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let ids: Vec<u64> = pending.iter().filter(|(_, r)| r.is_answered()).map(|(id, _)| *id).collect();
            ids.into_iter()
                .filter_map(|id| pending.remove(&id).and_then(|r| r.take()).map(|answer| (id, answer)))
                .collect()
        };
        for (request, answer) in answered {
            self.link.tell(&ToPeer::LateAnswer { request, chain: answer.as_ref().map(Chain::from_chain) });
        }
    }

    fn call(&mut self, call: Call, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.forward_late_answers();
        match self.link.call(&ToPeer::Call { session: self.id, call }) {
            FromPeer::Done { result, plaintext: p, out: o, status, abandoned } => {
                plaintext.extend_from_slice(&p);
                out.extend_from_slice(&o);
                self.status = status;
                let mut pending =
                    self.hooks.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for id in abandoned {
                    // Dropping our request makes a late answer `Abandoned`, as in-process.
                    pending.remove(&id);
                }
                result
            }
            _ => panic!("unexpected answer to a session call"),
        }
    }
}

impl Session for RemoteSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.call(Call::ReadTls(input.to_vec()), plaintext, out)
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.call(Call::WritePlaintext(data.to_vec()), &mut Vec::new(), out)
    }

    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.call(Call::Proceed, plaintext, out)
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.call(Call::CloseNotify, &mut Vec::new(), out)
    }

    fn send_alert(&mut self, alert: Alert, out: &mut Vec<u8>) -> Result<(), Error> {
        self.call(Call::SendAlert(alert), &mut Vec::new(), out)
    }

    fn status(&self) -> SessionStatus {
        self.status
    }

    fn info(&self) -> ConnectionInfo {
        self.forward_late_answers();
        match self.link.call(&ToPeer::Call { session: self.id, call: Call::Info }) {
            FromPeer::Info(info) => {
                let mut out = ConnectionInfo::new(self.side);
                out.handshake_complete = info.handshake_complete;
                out.version = info.version;
                out.cipher_suite = info.cipher_suite;
                out.key_exchange_group = info.key_exchange_group;
                out.server_name = info.server_name;
                out.alpn_protocol = info.alpn_protocol;
                out.resumed = info.resumed;
                out.session_id = info.session_id;
                out
            }
            _ => panic!("unexpected answer to Info"),
        }
    }

    fn peer_certificates(&self) -> Vec<Certificate> {
        match self.link.call(&ToPeer::Call { session: self.id, call: Call::PeerCertificates }) {
            FromPeer::PeerCertificates(chain) => certs(&chain).unwrap_or_default(),
            _ => panic!("unexpected answer to PeerCertificates"),
        }
    }

    fn forget_session(&mut self) {
        let _ = self.call(Call::Forget, &mut Vec::new(), &mut Vec::new());
    }
}

impl Drop for RemoteSession {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = self.link.call(&ToPeer::Close { session: self.id });
        }
        self.link.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&self.id);
    }
}

// ---- The peer process's side ---------------------------------------------------

type PeerChannel = Channel<BufReader<std::io::Stdin>, BufWriter<std::io::Stdout>>;

/// What the peer's proxies share with its main loop.
struct PeerState {
    engine: &'static dyn Engine,
    channel: Mutex<PeerChannel>,
    /// The session whose call is running (calls nest only when a callback
    /// of the test process drives another connection of this peer).
    current: AtomicU64,
    next_request: AtomicU64,
    /// Store callbacks waiting for a late answer.
    waiting: Mutex<HashMap<u64, CertificateChainCallback>>,
    /// The live sessions; one whose call is running is taken out meanwhile.
    sessions: Mutex<HashMap<u64, Box<dyn Session>>>,
    /// The configurations built so far, by id.
    configs: Mutex<HashMap<u64, (Config, Built)>>,
}

/// A lock whose data a panic elsewhere cannot break.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PeerState {
    fn lock(&self) -> MutexGuard<'_, PeerChannel> {
        locked(&self.channel)
    }

    /// Wait for the test process's reply to a callback. The callback may
    /// drive another connection of this peer (a verify callback or a store
    /// running a handshake of its own): the requests that come meanwhile
    /// are served here, nested. `None`: the test process ended.
    fn wait_reply(self: &Arc<Self>) -> Option<ToPeer> {
        loop {
            let message = self.lock().receive::<ToPeer>()?;
            match message {
                reply @ (ToPeer::StoreReply { .. } | ToPeer::StorePanicked(_) | ToPeer::VerifyReply(_)) => {
                    return Some(reply)
                }
                request => {
                    let current = self.current.load(Ordering::Relaxed);
                    if let Some(reply) = handle(self, request) {
                        self.lock().send(&reply);
                    }
                    self.current.store(current, Ordering::Relaxed);
                }
            }
        }
    }

    /// Ask the test process's store; answer `callback` now or keep it.
    fn ask(self: &Arc<Self>, question: Question, callback: CertificateChainCallback) {
        let request = self.next_request.fetch_add(1, Ordering::Relaxed);
        let session = self.current.load(Ordering::Relaxed);
        self.lock().send(&FromPeer::AskStore { session, request, question });
        match self.wait_reply() {
            Some(ToPeer::StoreReply { answered: Some(answer) }) => {
                let chain = answer.and_then(|c| c.to_chain().ok());
                let _ = callback.answer(chain);
            }
            Some(ToPeer::StoreReply { answered: None }) => {
                locked(&self.waiting).insert(request, callback);
            }
            Some(ToPeer::StorePanicked(message)) => {
                // The application's store panicked: so does its stand-in
                // (without the panic hook: it was reported where it
                // happened), and the engine handles it as in-process.
                std::panic::resume_unwind(Box::new(message));
            }
            _ => panic!("expected a StoreReply"),
        }
    }
}

/// The peer's stand-in for the application's stores.
struct ProxyStore(Arc<PeerState>);

impl ServerCertificates for ProxyStore {
    fn certificate_chain_for_server_name(
        &self,
        server_name: Option<&str>,
        callback: CertificateChainCallback,
    ) {
        self.0.ask(Question::ServerName(server_name.map(str::to_owned)), callback);
    }
}

impl ClientCertificateStore for ProxyStore {
    fn certificate_chain_for_roots(&self, roots: &[DistinguishedName], callback: CertificateChainCallback) {
        self.0.ask(Question::Roots(roots.iter().map(|r| r.der().to_vec()).collect()), callback);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        self.0.ask(Question::Default, callback);
    }
}

/// The peer's stand-in for the application's verify callback.
struct ProxyVerify {
    state: Arc<PeerState>,
    session: u64,
}

impl VerifyCallback for ProxyVerify {
    fn verify(&mut self, chain: &[Certificate], context: &VerifyContext<'_>) -> Result<(), Reject> {
        self.state.lock().send(&FromPeer::Verify {
            session: self.session,
            chain: ders(chain),
            side: context.side,
            server_name: context.server_name.map(str::to_owned),
        });
        match self.state.wait_reply() {
            Some(ToPeer::VerifyReply(verdict)) => verdict.map_err(Reject::with_alert),
            _ => panic!("expected a VerifyReply"),
        }
    }
}

#[derive(Clone)]
enum Built {
    Client(ClientTls),
    Server(ServerTls),
}

fn build(config: &Config, state: &Arc<PeerState>) -> Result<Built, Error> {
    let apply_common = |c: &Common| (c.suites.clone(), c.versions.clone(), c.groups.clone(), c.alpn.clone());
    match config {
        Config::Client { common, server_hostname, trust, store, resumption } => {
            let (suites, versions, groups, alpn) = apply_common(common);
            let mut tls = ClientTls::new(server_hostname.clone())?
                .with_versions(&versions)?
                .with_alpn_protocols(&alpn)?
                .with_resumption(*resumption);
            if let Some(suites) = suites {
                tls = tls.with_cipher_suites(&suites);
            }
            if let Some(groups) = groups {
                tls = tls.with_groups(&groups);
            }
            if let Some(trust) = trust {
                tls = tls.with_trust_root(TrustStore::new(certs(trust)?)?);
            }
            if *store {
                tls = tls.with_client_certificate_store(Arc::new(ProxyStore(Arc::clone(state))));
            }
            Ok(Built::Client(tls))
        }
        Config::Server { common, dh_params, client_auth, client_trust, ca_names, fixed_chain } => {
            let (suites, versions, groups, alpn) = apply_common(common);
            let source: Arc<dyn ServerCertificates> = match fixed_chain {
                Some((chain, key)) => {
                    let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
                    Arc::new(wiretls_core::ServerCertificateChain::from(CertificateChain::from_der(
                        &chain, key,
                    )?))
                }
                None => Arc::new(ProxyStore(Arc::clone(state))),
            };
            let mut tls = ServerTls::new(source)
                .with_versions(&versions)?
                .with_alpn_protocols(&alpn)?
                .with_client_ca_names(*ca_names);
            if let Some(suites) = suites {
                tls = tls.with_cipher_suites(&suites);
            }
            if let Some(groups) = groups {
                tls = tls.with_groups(&groups);
            }
            if let Some(der) = dh_params {
                tls = tls.with_dh_params(DhParams::from_der(der.clone())?);
            }
            let trust = || TrustStore::new(certs(client_trust)?);
            tls = tls.with_client_auth(match client_auth {
                0 => ClientAuth::None,
                1 => ClientAuth::Optional(trust()?),
                _ => ClientAuth::Required(trust()?),
            });
            Ok(Built::Server(tls))
        }
    }
}

fn info_of(info: ConnectionInfo) -> Info {
    Info {
        side: info.side,
        handshake_complete: info.handshake_complete,
        version: info.version,
        cipher_suite: info.cipher_suite,
        key_exchange_group: info.key_exchange_group,
        server_name: info.server_name,
        alpn_protocol: info.alpn_protocol,
        resumed: info.resumed,
        session_id: info.session_id,
    }
}

fn caps_of(c: &Capabilities) -> Caps {
    Caps {
        engine: c.engine.to_owned(),
        versions: c.versions.to_vec(),
        server_versions: c.server_versions.to_vec(),
        cipher_suites: c.cipher_suites.to_vec(),
        key_types: c.key_types.to_vec(),
        groups: c.groups.to_vec(),
        flags: [
            c.tls13_suite_selection,
            c.dh_params,
            c.later_server_certificate_answer,
            c.later_client_certificate_answer,
            c.session_id,
            c.resumption,
            c.alpn,
            c.verify_callback,
            c.server_certificate_stores,
            c.client_auth,
            c.client_certificate_roots,
            c.cipher_suite_selection,
            c.group_selection,
            c.peer_chain,
        ],
        alert_sending: c.alert_sending,
        verify_alerts: c.verify_alerts.to_vec(),
    }
}

fn check_of(engine: &dyn Engine, check: Check) -> Result<(), Error> {
    let trust = TrustStore::new(certs(&check.trust)?)?;
    let chain = certs(&check.chain)?;
    let ip;
    let mut request = ChainCheck::new(&trust, &chain).presented_by(check.presented_by);
    if let Some((is_ip, name)) = &check.peer_name {
        request = if *is_ip {
            ip = name
                .parse::<std::net::IpAddr>()
                .map_err(|e| Error::Engine { engine: "remote", detail: e.to_string() })?;
            request.with_peer_name(PeerName::Ip(ip))
        } else {
            request.with_peer_name(PeerName::Dns(name))
        };
    }
    if let Some(secs) = check.at_secs {
        request = request.at(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
    }
    engine.check_chain(&request)
}

/// Serve `engine` to a [`RemoteEngine`] over this process's stdin and
/// stdout until the test process goes away. The body of every peer binary.
pub fn serve(engine: &'static dyn Engine) {
    let state = Arc::new(PeerState {
        engine,
        channel: Mutex::new(Channel {
            reader: BufReader::new(std::io::stdin()),
            writer: BufWriter::new(std::io::stdout()),
        }),
        current: AtomicU64::new(0),
        next_request: AtomicU64::new(1),
        waiting: Mutex::default(),
        sessions: Mutex::default(),
        configs: Mutex::default(),
    });
    loop {
        let Some(message) = state.lock().receive::<ToPeer>() else { return };
        if let Some(reply) = handle(&state, message) {
            state.lock().send(&reply);
        }
    }
}

/// Handle one request of the test process; its reply, if it has one. Runs
/// nested when a callback's reply is awaited ([`PeerState::wait_reply`]).
fn handle(state: &Arc<PeerState>, message: ToPeer) -> Option<FromPeer> {
    let engine = state.engine;
    Some(match message {
        ToPeer::Hello => FromPeer::Caps(caps_of(engine.capabilities())),
        ToPeer::Start { session, config, verify } => {
            state.current.store(session, Ordering::Relaxed);
            FromPeer::Started(start_session(state, session, &config, verify))
        }
        ToPeer::Call { session, call } => {
            state.current.store(session, Ordering::Relaxed);
            // Out of the map while it runs: a nested call serves others.
            let mut s = locked(&state.sessions).remove(&session).expect("a live session");
            let (mut plaintext, mut out) = (Vec::new(), Vec::new());
            let result = match call {
                Call::Info => {
                    let info = info_of(s.info());
                    locked(&state.sessions).insert(session, s);
                    return Some(FromPeer::Info(info));
                }
                Call::PeerCertificates => {
                    let chain = ders(&s.peer_certificates());
                    locked(&state.sessions).insert(session, s);
                    return Some(FromPeer::PeerCertificates(chain));
                }
                Call::ReadTls(input) => s.read_tls(&input, &mut plaintext, &mut out),
                Call::WritePlaintext(data) => s.write_plaintext(&data, &mut out),
                Call::Proceed => s.proceed(&mut plaintext, &mut out),
                Call::CloseNotify => s.close_notify(&mut out),
                Call::SendAlert(alert) => s.send_alert(alert, &mut out),
                Call::Forget => {
                    s.forget_session();
                    Ok(())
                }
            };
            let status = s.status();
            locked(&state.sessions).insert(session, s);
            let abandoned = {
                let mut waiting = locked(&state.waiting);
                let gone: Vec<u64> =
                    waiting.iter().filter(|(_, c)| c.is_abandoned()).map(|(id, _)| *id).collect();
                for id in &gone {
                    waiting.remove(id);
                }
                gone
            };
            FromPeer::Done { result, plaintext, out, status, abandoned }
        }
        ToPeer::LateAnswer { request, chain } => {
            let callback = locked(&state.waiting).remove(&request);
            if let Some(callback) = callback {
                let _ = callback.answer(chain.and_then(|c| c.to_chain().ok()));
            }
            return None;
        }
        ToPeer::Close { session } => {
            let closed = locked(&state.sessions).remove(&session);
            drop(closed);
            FromPeer::Closed
        }
        ToPeer::CheckChain(check) => FromPeer::Checked(check_of(engine, check)),
        ToPeer::StoreReply { .. } | ToPeer::StorePanicked(_) | ToPeer::VerifyReply(_) => {
            panic!("a reply without a question")
        }
    })
}

/// Start a session of the configuration `config` (built once per id).
fn start_session(
    state: &Arc<PeerState>,
    session: u64,
    config: &Config,
    verify: bool,
) -> Result<SessionStatus, Error> {
    let id = match config {
        Config::Client { common, .. } | Config::Server { common, .. } => common.id,
    };
    let built = {
        let mut configs = locked(&state.configs);
        match configs.get(&id) {
            Some((known, built)) if known == config => built.clone(),
            _ => {
                let built = build(config, state)?;
                configs.insert(id, (config.clone(), built.clone()));
                built
            }
        }
    };
    let trust = match &built {
        Built::Client(tls) => tls.trust_root().ok(),
        Built::Server(tls) => tls.client_auth().trust_store().cloned(),
    };
    let proxy: Box<dyn VerifyCallback> = Box::new(ProxyVerify { state: Arc::clone(state), session });
    let context = SessionContext::new(verify.then(|| VerifyHook::new(proxy, trust)));
    let s = match &built {
        Built::Client(tls) => state.engine.start_client(tls, context)?,
        Built::Server(tls) => state.engine.start_server(tls, context)?,
    };
    let status = s.status();
    locked(&state.sessions).insert(session, s);
    Ok(status)
}
