//! Stores answering synchronously, later on the same thread, from another
//! thread, twice; peer bytes that arrive while the store is silent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};
use std::time::{Duration, Instant};

use wiretls_core::{
    AlertDescription, CertificateChainCallback, ClientAuth, ClientCertificateStore, DistinguishedName,
    Engine, Error, Feature, InvalidatedReason, ServerCertificates, ServerTls,
};

use super::client_auth::FixedStore;
use super::{ders, received_ders};
use crate::craft;
use crate::fixtures;
use crate::pair::Pair;

/// A server store that keeps the callback for the test to answer.
#[derive(Default)]
struct LaterServerStore {
    pending: Mutex<Option<CertificateChainCallback>>,
    /// Answer from a new thread after this long, instead of waiting for the test.
    thread_delay: Option<Duration>,
}

impl ServerCertificates for LaterServerStore {
    fn certificate_chain_for_server_name(&self, _name: Option<&str>, callback: CertificateChainCallback) {
        match self.thread_delay {
            Some(delay) => {
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    callback.answer(Some(fixtures::chain("server-p256.pem"))).expect("answer from a thread");
                });
            }
            None => *self.pending.lock().expect("lock") = Some(callback),
        }
    }
}

impl LaterServerStore {
    fn callback(&self) -> CertificateChainCallback {
        self.pending.lock().expect("lock").take().expect("the store was asked")
    }
}

/// A waker that counts and signals.
struct Signal {
    count: AtomicUsize,
    tx: Mutex<mpsc::Sender<()>>,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.count.fetch_add(1, Ordering::SeqCst);
        let _ = self.tx.lock().expect("lock").send(());
    }
}

fn signal() -> (Arc<Signal>, Waker, mpsc::Receiver<()>) {
    let (tx, rx) = mpsc::channel();
    let signal = Arc::new(Signal { count: AtomicUsize::new(0), tx: Mutex::new(tx) });
    let waker = Waker::from(Arc::clone(&signal));
    (signal, waker, rx)
}

fn later_pair(client: &dyn Engine, server: &dyn Engine, store: Arc<LaterServerStore>) -> Pair {
    let s = ServerTls::new(store);
    Pair::new(client, &fixtures::client(), server, &s)
}

/// Where a server engine declares that its store cannot answer later, a
/// store that does not answer in its method is the typed
/// `Unsupported(LaterServerCertificateAnswer)`, the server invalidated by it
/// and asking for an immediate close, and the late answer refused. Returns
/// whether the engine declares it so (and the scenario is done).
fn later_server_answer_unsupported(client: &dyn Engine, server: &dyn Engine) -> bool {
    if server.capabilities().later_server_certificate_answer {
        return false;
    }
    let store = Arc::new(LaterServerStore::default());
    let mut pair = later_pair(client, server, Arc::clone(&store));
    pair.run();
    let callback = store.callback();
    match pair.server_log.error() {
        Some(Error::Unsupported { engine, feature: Feature::LaterServerCertificateAnswer }) => {
            assert_eq!(*engine, server.name());
        }
        other => {
            panic!("{}: expected Unsupported(LaterServerCertificateAnswer), got {other:?}", server.name())
        }
    }
    assert_eq!(pair.server.invalidated_by(), pair.server_log.error());
    assert_eq!(pair.server_out.close_requested(), Some(true));
    assert!(matches!(
        callback.answer(Some(fixtures::chain("server-p256.pem"))),
        Err(Error::Invalidated { reason: InvalidatedReason::Abandoned })
    ));
    true
}

#[track_caller]
fn assert_waiting(pair: &Pair) {
    assert!(pair.server.is_waiting_for_store());
    assert!(pair.server_out.is_empty(), "the server wrote before the store answered");
    assert!(pair.client.is_handshaking());
    assert!(pair.server_log.errors.is_empty());
}

/// The store answers after its method returned, on the same thread; the
/// waker is woken, `proceed` sends the flight without the client sending
/// anything.
pub fn server_answers_later_same_thread(client: &dyn Engine, server: &dyn Engine) {
    if later_server_answer_unsupported(client, server) {
        return;
    }
    let store = Arc::new(LaterServerStore::default());
    let mut pair = later_pair(client, server, Arc::clone(&store));
    let (signal, waker, _rx) = signal();
    pair.server.set_waker(waker);
    pair.run();
    assert_waiting(&pair);
    // Nothing happens without the answer.
    assert!(pair.server.proceed().expect("proceed").is_empty());
    assert!(pair.server_out.is_empty());
    store.callback().answer(Some(fixtures::chain("server-p256.pem"))).expect("answer");
    assert_eq!(signal.count.load(Ordering::SeqCst), 1);
    assert!(pair.client_out.is_empty(), "the client had nothing to send");
    pair.server.proceed().expect("proceed");
    assert!(!pair.server_out.is_empty(), "proceed wrote the server's flight");
    pair.handshake();
    assert_eq!(
        ders(pair.client.peer_certificates()),
        received_ders(client, fixtures::chain("server-p256.pem").certificates())
    );
}

/// The store answers from another thread 50 ms later.
pub fn server_answers_from_other_thread(client: &dyn Engine, server: &dyn Engine) {
    if later_server_answer_unsupported(client, server) {
        return;
    }
    let delay = Duration::from_millis(50);
    let store = Arc::new(LaterServerStore { thread_delay: Some(delay), ..LaterServerStore::default() });
    let start = Instant::now();
    let mut pair = later_pair(client, server, store);
    let (signal, waker, rx) = signal();
    pair.server.set_waker(waker);
    pair.run();
    rx.recv_timeout(Duration::from_secs(10)).expect("the store's thread woke the connection");
    assert!(start.elapsed() >= delay);
    assert_eq!(signal.count.load(Ordering::SeqCst), 1);
    pair.server.proceed().expect("proceed");
    pair.handshake();
    pair.client_sends(b"after a slow store");
    assert_eq!(pair.server_log.received, b"after a slow store");
}

/// A second answer is `Invalidated`; the first one stands.
pub fn server_answers_twice(client: &dyn Engine, server: &dyn Engine) {
    struct Twice(Mutex<Vec<Result<(), Error>>>);
    impl ServerCertificates for Twice {
        fn certificate_chain_for_server_name(&self, _n: Option<&str>, callback: CertificateChainCallback) {
            let first = callback.answer(Some(fixtures::chain("server-p256.pem")));
            let second = callback.answer(Some(fixtures::chain("server-p384.pem")));
            let third = callback.answer(None);
            self.0.lock().expect("lock").extend([first, second, third]);
        }
    }
    let store = Arc::new(Twice(Mutex::default()));
    let mut pair = Pair::new(client, &fixtures::client(), server, &ServerTls::new(Arc::clone(&store) as _));
    pair.handshake();
    let answers = store.0.lock().expect("lock");
    assert_eq!(answers[0], Ok(()));
    for later in &answers[1..] {
        assert!(
            matches!(later, Err(Error::Invalidated { reason: InvalidatedReason::AlreadyAnswered })),
            "{later:?}"
        );
    }
    assert_eq!(
        ders(pair.client.peer_certificates()),
        received_ders(client, fixtures::chain("server-p256.pem").certificates())
    );
}

/// Bytes that arrive while the store is silent (in the ClientHello's own
/// input and in later calls) are kept and processed, in order, after the
/// answer: here a malformed record, which must then fail the handshake.
pub fn peer_bytes_kept_while_waiting(client: &dyn Engine, server: &dyn Engine) {
    if later_server_answer_unsupported(client, server) {
        return;
    }
    for split in [false, true] {
        let store = Arc::new(LaterServerStore::default());
        let mut pair = later_pair(client, server, Arc::clone(&store));
        let mut hello = pair.client_out.take();
        let bad = craft::record(0x63, 0x0303, &[1, 2, 3]);
        if split {
            pair.server.data_from_wire(&hello).expect("ClientHello");
            assert!(pair.server.is_waiting_for_store());
            pair.server.data_from_wire(&bad).expect("kept while waiting");
        } else {
            hello.extend_from_slice(&bad);
            pair.server.data_from_wire(&hello).expect("ClientHello and more");
        }
        assert_waiting(&pair);
        store.callback().answer(Some(fixtures::chain("server-p256.pem"))).expect("answer");
        let result = pair.server.proceed();
        let e = match result {
            Err(e @ Error::BadTlsData { alert_sent: Some(_), .. }) => e,
            other => panic!("split={split}: the kept bytes were not processed: {other:?}"),
        };
        assert_eq!(pair.server.invalidated_by(), Some(&e), "split={split}");
        // The client reads the server's flight, then the alert for the bad record.
        pair.run();
        super::assert_alert(pair.client_log.error(), e.alert_sent().expect("an alert"));
    }
}

/// A client store answering synchronously completes the handshake.
pub fn client_answers_synchronously(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let c = fixtures::client().with_client_certificate_store(store);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    assert_eq!(ders(pair.server.peer_certificates()), ders(fixtures::chain("client1.pem").certificates()));
}

/// A client store that keeps the callback.
#[derive(Default)]
struct LaterClientStore(Mutex<Option<CertificateChainCallback>>);

impl ClientCertificateStore for LaterClientStore {
    fn certificate_chain_for_roots(&self, _roots: &[DistinguishedName], callback: CertificateChainCallback) {
        *self.0.lock().expect("lock") = Some(callback);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        *self.0.lock().expect("lock") = Some(callback);
    }
}

/// A client store answering later: the handshake waits and completes, or
/// the engine says it cannot wait with a typed `Unsupported`, sends nothing
/// more, and the late answer is refused.
pub fn client_answers_later(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(LaterClientStore::default());
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    let callback = store.0.lock().expect("lock").take().expect("the store was asked");
    if client.capabilities().later_client_certificate_answer {
        assert!(pair.client.is_waiting_for_store());
        callback.answer(Some(fixtures::chain("client1.pem"))).expect("answer");
        pair.client.proceed().expect("proceed");
        pair.handshake();
        assert_eq!(
            ders(pair.server.peer_certificates()),
            ders(fixtures::chain("client1.pem").certificates())
        );
    } else {
        match pair.client_log.error() {
            Some(Error::Unsupported { engine, feature: Feature::LaterClientCertificateAnswer }) => {
                assert_eq!(*engine, client.name());
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
        assert!(matches!(pair.client.data_from_application(b"x"), Err(Error::Invalidated { .. })));
        assert_eq!(pair.client_out.close_requested(), Some(true));
        // The client said why before it closed: internal_error, in the clear
        // (a server that takes only protected records there reports it as
        // bad_record_mac); then the stream ended.
        match pair.server_log.error() {
            Some(Error::AlertReceived { description: AlertDescription::INTERNAL_ERROR, .. })
            | Some(Error::BadTlsData { kind: wiretls_core::BadData::Decrypt, .. }) => {}
            other => panic!("the server should have seen the client's internal_error: {other:?}"),
        }
        assert!(matches!(
            callback.answer(Some(fixtures::chain("client1.pem"))),
            Err(Error::Invalidated { reason: InvalidatedReason::Abandoned })
        ));
    }
}

/// A client store answering twice: the second answer is `Invalidated`.
pub fn client_answers_twice(client: &dyn Engine, server: &dyn Engine) {
    struct Twice(Mutex<Vec<Result<(), Error>>>);
    impl ClientCertificateStore for Twice {
        fn certificate_chain_for_roots(&self, _r: &[DistinguishedName], callback: CertificateChainCallback) {
            let first = callback.answer(Some(fixtures::chain("client1.pem")));
            let second = callback.answer(None);
            self.0.lock().expect("lock").extend([first, second]);
        }
        fn default_certificate_chain(&self, callback: CertificateChainCallback) {
            self.certificate_chain_for_roots(&[], callback);
        }
    }
    let store = Arc::new(Twice(Mutex::default()));
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    let answers = store.0.lock().expect("lock");
    assert_eq!(answers[0], Ok(()));
    assert!(
        matches!(answers[1], Err(Error::Invalidated { reason: InvalidatedReason::AlreadyAnswered })),
        "{:?}",
        answers[1]
    );
    assert_eq!(
        ders(pair.server.peer_certificates()),
        ders(fixtures::chain("client1.pem").certificates()),
        "the first answer stands"
    );
}
