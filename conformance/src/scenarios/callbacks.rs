//! Application callbacks that misbehave: a panic in the verify callback, a
//! certificate store or the wire's callbacks never aborts the process or
//! leaves a live connection; a callback that drives another connection on
//! the same thread does not disable the outer connection's checks.
//!
//! A callback here is `'static` and the engines are borrowed, so a nested
//! handshake is started (its sessions made) before the outer one and moved
//! into the callback, which only runs it.

use std::sync::{Arc, Mutex};

use wiretls_core::{
    AlertDescription as A, BadData, Callback, Certificate, CertificateChainCallback, ClientAuth,
    ClientCertificateStore, Connection, DistinguishedName, Engine, Error, InvalidatedReason, Outbox,
    OutboxWire, Reject, ServerCertificates, ServerTls, VerifyContext, Wire,
};

use super::assert_alert;
use crate::fixtures;
use crate::pair::Pair;

const VERIFY_PANIC: &str = "the verify callback exploded";
const STORE_PANIC: &str = "the certificate store exploded";
const WRITE_PANIC: &str = "write_to_wire exploded";
const CLOSE_PANIC: &str = "wire_close exploded";

/// Assert that `error` is `CallbackPanicked` for `callback` with the test's
/// `message` and `alert_sent`.
#[track_caller]
fn assert_panicked(error: Option<&Error>, callback: Callback, message: &str, alert_sent: Option<A>) {
    match error {
        Some(Error::CallbackPanicked { callback: c, message: m, alert_sent: a }) => {
            assert_eq!(*c, callback, "{error:?}");
            assert_eq!(m, message, "{error:?}");
            assert_eq!(*a, alert_sent, "{error:?}");
        }
        other => panic!("expected CallbackPanicked from the {callback}, got {other:?}"),
    }
}

/// The connection is invalidated by `CallbackPanicked` from `callback`, and
/// says so to every later call.
#[track_caller]
fn assert_invalidated(conn: &mut Connection, callback: Callback) {
    assert!(
        matches!(conn.invalidated_by(), Some(Error::CallbackPanicked { callback: c, .. }) if *c == callback),
        "invalidated_by: {:?}",
        conn.invalidated_by()
    );
    for result in [conn.data_from_application(b"x"), conn.data_from_wire(b"x").map(drop)] {
        match result {
            Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(e) }) => {
                assert!(matches!(*e, Error::CallbackPanicked { callback: c, .. } if c == callback), "{e:?}");
            }
            other => panic!("expected Invalidated by the panic, got {other:?}"),
        }
    }
    assert!(matches!(conn.proceed(), Err(Error::Invalidated { .. })));
}

fn panicking_verify() -> Box<dyn wiretls_core::VerifyCallback> {
    Box::new(|_: &[Certificate], _: &VerifyContext<'_>| -> Result<(), Reject> { panic!("{VERIFY_PANIC}") })
}

/// The client's verify callback panics: the panic is a `bad_certificate`
/// veto, reported as `CallbackPanicked`; the server gets the alert.
pub fn verify_panics_on_client(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::start(
        client,
        &fixtures::client(),
        Some(panicking_verify()),
        server,
        &fixtures::p256_server(),
        None,
    )
    .expect("start");
    pair.server.data_from_application(b"secret").expect("server send");
    pair.run();
    assert_panicked(pair.client_log.error(), Callback::Verify, VERIFY_PANIC, Some(A::BAD_CERTIFICATE));
    assert_alert(pair.server_log.error(), A::BAD_CERTIFICATE);
    assert_invalidated(&mut pair.client, Callback::Verify);
    assert!(pair.client_log.received.is_empty(), "data reached the client");
    assert_eq!(pair.client.close_requested(), Some(false));
    assert_eq!(pair.client_out.close_requested(), Some(false));
}

/// The server's verify callback (client authentication) panics: the client
/// gets `bad_certificate`, the server reports `CallbackPanicked`.
pub fn verify_panics_on_server(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(super::client_auth::FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let c = fixtures::client().with_client_certificate_store(store);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::start(client, &c, None, server, &s, Some(panicking_verify())).expect("start");
    pair.run();
    assert_panicked(pair.server_log.error(), Callback::Verify, VERIFY_PANIC, Some(A::BAD_CERTIFICATE));
    assert_alert(pair.client_log.error(), A::BAD_CERTIFICATE);
    assert_invalidated(&mut pair.server, Callback::Verify);
    assert_eq!(pair.server.close_requested(), Some(false));
}

/// A server store whose method panics.
struct PanickingServerStore;

impl ServerCertificates for PanickingServerStore {
    fn certificate_chain_for_server_name(&self, _name: Option<&str>, _callback: CertificateChainCallback) {
        panic!("{STORE_PANIC}");
    }
}

/// The server's `ServerCertificates` panics when asked: the server sends
/// `internal_error` (in the clear: nothing is encrypted yet) and reports
/// `CallbackPanicked`.
pub fn server_store_panics(client: &dyn Engine, server: &dyn Engine) {
    let s = ServerTls::new(Arc::new(PanickingServerStore));
    let mut pair = Pair::new(client, &fixtures::client(), server, &s);
    pair.run();
    assert_panicked(
        pair.server_log.error(),
        Callback::ServerCertificates,
        STORE_PANIC,
        Some(A::INTERNAL_ERROR),
    );
    assert_alert(pair.client_log.error(), A::INTERNAL_ERROR);
    assert_invalidated(&mut pair.server, Callback::ServerCertificates);
    assert_eq!(pair.server.close_requested(), Some(false));
    assert!(!pair.server.is_waiting_for_store());
}

/// A client store whose methods panic.
struct PanickingClientStore;

impl ClientCertificateStore for PanickingClientStore {
    fn certificate_chain_for_roots(&self, _roots: &[DistinguishedName], _callback: CertificateChainCallback) {
        panic!("{STORE_PANIC}");
    }

    fn default_certificate_chain(&self, _callback: CertificateChainCallback) {
        panic!("{STORE_PANIC}");
    }
}

/// The client's `ClientCertificateStore` panics: the handshake ends with
/// `CallbackPanicked` (never goes on without a certificate as if the store
/// had answered `None`); no alert, an immediate close.
pub fn client_store_panics(client: &dyn Engine, server: &dyn Engine) {
    for names in [true, false] {
        let c = fixtures::client().with_client_certificate_store(Arc::new(PanickingClientStore));
        let s = fixtures::p256_server()
            .with_client_auth(ClientAuth::Required(fixtures::client_roots()))
            .with_client_ca_names(names);
        let mut pair = Pair::new(client, &c, server, &s);
        pair.run();
        // The client may tell the server with internal_error, or just stop;
        // the error says which, and the close follows from it.
        let sent = pair.client_log.error().and_then(Error::alert_sent);
        assert_panicked(pair.client_log.error(), Callback::ClientCertificateStore, STORE_PANIC, sent);
        assert_invalidated(&mut pair.client, Callback::ClientCertificateStore);
        assert_eq!(pair.client.close_requested(), Some(sent.is_none()), "names={names}");
        // The server saw the alert or the stream end, never a certificate
        // (or its absence).
        match sent {
            Some(alert) => {
                assert_eq!(alert, A::INTERNAL_ERROR, "names={names}");
                assert_alert(pair.server_log.error(), alert);
            }
            None => {
                assert!(
                    matches!(
                        pair.server_log.eof,
                        Some(Err(Error::BadTlsData { kind: BadData::Truncated, .. }))
                    ),
                    "names={names}: {:?} {:?}",
                    pair.server_log.eof,
                    pair.server_log.errors
                );
                assert!(pair.server_log.errors.is_empty(), "names={names}: {:?}", pair.server_log.errors);
            }
        }
        assert!(pair.server.is_handshaking(), "names={names}");
    }
}

/// A wire whose callbacks may panic, writing into an [`Outbox`] otherwise,
/// and recording every `wire_close` flag.
struct PanickyWire {
    inner: OutboxWire,
    panic_write: bool,
    panic_close: bool,
    closes: Arc<Mutex<Vec<bool>>>,
}

impl PanickyWire {
    fn new(outbox: &Outbox, panic_write: bool, panic_close: bool) -> (Self, Arc<Mutex<Vec<bool>>>) {
        let closes = Arc::new(Mutex::new(Vec::new()));
        (Self { inner: outbox.wire(), panic_write, panic_close, closes: Arc::clone(&closes) }, closes)
    }
}

impl Wire for PanickyWire {
    fn write_to_wire(&mut self, data: &[u8]) {
        if self.panic_write {
            panic!("{WRITE_PANIC}");
        }
        self.inner.write_to_wire(data);
    }

    fn wire_close(&mut self, immediate: bool) {
        self.closes.lock().expect("lock").push(immediate);
        if self.panic_close {
            panic!("{CLOSE_PANIC}");
        }
        self.inner.wire_close(immediate);
    }
}

/// Deliver what `from` holds to `to`; errors go to `errors`.
fn carry(from: &Outbox, to: &mut Connection, errors: &mut Vec<Error>) -> bool {
    let flight = from.take();
    if flight.is_empty() {
        return false;
    }
    if let Err(e) = to.data_from_wire(&flight) {
        errors.push(e);
    }
    true
}

/// `write_to_wire` panics: on a client's first flight, `start` fails with
/// `CallbackPanicked`; on a server's, `data_from_wire` does and the server
/// is invalidated, asking for an immediate close.
pub fn write_to_wire_panics(client: &dyn Engine, server: &dyn Engine) {
    let outbox = Outbox::new();
    let (wire, closes) = PanickyWire::new(&outbox, true, false);
    match fixtures::client().start(client, wire) {
        Err(e) => assert_panicked(Some(&e), Callback::WriteToWire, WRITE_PANIC, None),
        Ok(_) => panic!("a client whose first write panicked started"),
    }
    assert_eq!(*closes.lock().expect("lock"), vec![true]);
    assert!(outbox.is_empty());

    let client_out = Outbox::new();
    let mut c = fixtures::client().start(client, client_out.wire()).expect("client");
    let server_out = Outbox::new();
    let (wire, closes) = PanickyWire::new(&server_out, true, false);
    let mut s = fixtures::p256_server().start(server, wire).expect("server");
    let mut errors = Vec::new();
    assert!(carry(&client_out, &mut s, &mut errors), "the client sent its ClientHello");
    assert_panicked(errors.first(), Callback::WriteToWire, WRITE_PANIC, None);
    assert_invalidated(&mut s, Callback::WriteToWire);
    assert_eq!(s.close_requested(), Some(true));
    assert_eq!(*closes.lock().expect("lock"), vec![true]);
    assert!(server_out.is_empty(), "the server's bytes went nowhere");
    assert!(c.is_handshaking());
    assert!(c.data_from_wire(b"").is_ok(), "the client is untouched");
}

/// `wire_close` panics (when the peer's `close_notify` asks the client to
/// close): the call returns `CallbackPanicked` and the connection is
/// invalidated; the `close_notify` answer written before still goes out.
pub fn wire_close_panics(client: &dyn Engine, server: &dyn Engine) {
    let client_out = Outbox::new();
    let (wire, closes) = PanickyWire::new(&client_out, false, true);
    let mut c = fixtures::client().start(client, wire).expect("client");
    let server_out = Outbox::new();
    let mut s = fixtures::p256_server().start(server, server_out.wire()).expect("server");
    let (mut client_errors, mut server_errors) = (Vec::new(), Vec::new());
    for _ in 0..crate::pair::MAX_STEPS {
        let a = carry(&client_out, &mut s, &mut server_errors);
        let b = carry(&server_out, &mut c, &mut client_errors);
        if !a && !b {
            break;
        }
    }
    assert!(client_errors.is_empty() && server_errors.is_empty(), "{client_errors:?} {server_errors:?}");
    assert!(!c.is_handshaking() && !s.is_handshaking());
    s.application_finished().expect("server close_notify");
    let flight = server_out.take();
    let result = c.data_from_wire(&flight);
    assert_panicked(result.as_ref().err(), Callback::WireClose, CLOSE_PANIC, None);
    assert_invalidated(&mut c, Callback::WireClose);
    assert_eq!(c.close_requested(), Some(false));
    assert_eq!(*closes.lock().expect("lock"), vec![false], "wire_close is called once");
    assert!(carry(&client_out, &mut s, &mut server_errors), "the client answered with close_notify");
    assert!(server_errors.is_empty(), "{server_errors:?}");
    assert!(s.is_peer_closed());
}

/// What a nested handshake ended with.
#[derive(Debug, Default)]
struct Inner {
    ran: usize,
    completed: bool,
    client_error: Option<Error>,
}

/// A pair started (sessions made, nothing exchanged), to be run inside a
/// callback of another connection.
fn inner_pair(client: &dyn Engine, server: &dyn Engine, veto: bool) -> Pair {
    let verify: Box<dyn wiretls_core::VerifyCallback> = Box::new(
        move |_: &[Certificate], _: &VerifyContext<'_>| if veto { Err(Reject::new()) } else { Ok(()) },
    );
    Pair::start(client, &fixtures::client(), Some(verify), server, &fixtures::p256_server(), None)
        .expect("start the inner pair")
}

/// Run a nested pair to its end on this thread, recording the outcome.
fn run_inner(pair: &Mutex<Option<Pair>>, inner: &Mutex<Inner>) {
    let Some(mut pair) = pair.lock().expect("lock").take() else { return };
    pair.run();
    let mut inner = inner.lock().expect("lock");
    inner.ran += 1;
    inner.completed = !pair.client.is_handshaking() && pair.client_log.errors.is_empty();
    inner.client_error = pair.client_log.error().cloned();
}

/// The outer connection's verify callback runs a whole handshake on the
/// same thread, then vetoes: the outer connection is still vetoed, with the
/// alert.
pub fn nested_handshake_in_verify_keeps_outer_veto(client: &dyn Engine, server: &dyn Engine) {
    let nested = Arc::new(Mutex::new(Some(inner_pair(client, server, false))));
    let inner = Arc::new(Mutex::new(Inner::default()));
    let (n, i) = (Arc::clone(&nested), Arc::clone(&inner));
    let verify = move |_: &[Certificate], _: &VerifyContext<'_>| {
        run_inner(&n, &i);
        Err(Reject::new())
    };
    let mut pair = Pair::start(
        client,
        &fixtures::client(),
        Some(Box::new(verify)),
        server,
        &fixtures::p256_server(),
        None,
    )
    .expect("start");
    pair.run();
    let inner = inner.lock().expect("lock");
    assert_eq!(inner.ran, 1);
    assert!(inner.completed, "the inner handshake failed: {:?}", inner.client_error);
    assert!(
        matches!(pair.client_log.error(), Some(Error::Rejected { alert_sent: Some(A::BAD_CERTIFICATE) })),
        "{:?}",
        pair.client_log.errors
    );
    assert_alert(pair.server_log.error(), A::BAD_CERTIFICATE);
    assert!(pair.client.invalidated_by().is_some());
}

/// The nested handshake's own verify callback vetoes (its client is
/// rejected) and the outer callback accepts: the outer handshake completes.
pub fn nested_veto_in_verify_outer_accepts(client: &dyn Engine, server: &dyn Engine) {
    let nested = Arc::new(Mutex::new(Some(inner_pair(client, server, true))));
    let inner = Arc::new(Mutex::new(Inner::default()));
    let (n, i) = (Arc::clone(&nested), Arc::clone(&inner));
    let verify = move |_: &[Certificate], _: &VerifyContext<'_>| {
        run_inner(&n, &i);
        Ok(())
    };
    let mut pair = Pair::start(
        client,
        &fixtures::client(),
        Some(Box::new(verify)),
        server,
        &fixtures::p256_server(),
        None,
    )
    .expect("start");
    pair.handshake();
    pair.client_sends(b"outer");
    assert_eq!(pair.server_log.received, b"outer");
    let inner = inner.lock().expect("lock");
    assert_eq!(inner.ran, 1);
    assert!(
        matches!(inner.client_error, Some(Error::Rejected { alert_sent: Some(A::BAD_CERTIFICATE) })),
        "the inner client was not vetoed: {:?}",
        inner.client_error
    );
}

/// A client store that runs a whole handshake on the same thread before it
/// answers with a chain.
struct NestingStore {
    nested: Mutex<Option<Pair>>,
    inner: Arc<Mutex<Inner>>,
}

impl NestingStore {
    fn answer(&self, callback: CertificateChainCallback) {
        run_inner(&self.nested, &self.inner);
        callback.answer(Some(fixtures::chain("client1.pem"))).expect("answer");
    }
}

impl ClientCertificateStore for NestingStore {
    fn certificate_chain_for_roots(&self, _roots: &[DistinguishedName], callback: CertificateChainCallback) {
        self.answer(callback);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        self.answer(callback);
    }
}

/// The client's store runs a whole handshake on the same thread (before the
/// client checks the server's chain): the outer verify callback still runs
/// and its veto still counts.
pub fn nested_handshake_in_store_keeps_outer_verify(client: &dyn Engine, server: &dyn Engine) {
    let inner = Arc::new(Mutex::new(Inner::default()));
    let store = Arc::new(NestingStore {
        nested: Mutex::new(Some(inner_pair(client, server, false))),
        inner: Arc::clone(&inner),
    });
    let calls = Arc::new(Mutex::new(0usize));
    let counted = Arc::clone(&calls);
    let verify = move |_: &[Certificate], _: &VerifyContext<'_>| {
        *counted.lock().expect("lock") += 1;
        Err(Reject::new())
    };
    let c = fixtures::client().with_client_certificate_store(store);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::start(client, &c, Some(Box::new(verify)), server, &s, None).expect("start");
    pair.run();
    let inner = inner.lock().expect("lock");
    assert!(inner.ran <= 1);
    assert!(inner.ran == 0 || inner.completed, "the inner handshake failed: {:?}", inner.client_error);
    assert_eq!(*calls.lock().expect("lock"), 1, "the outer verify callback did not run");
    assert!(
        matches!(pair.client_log.error(), Some(Error::Rejected { alert_sent: Some(A::BAD_CERTIFICATE) })),
        "{:?}",
        pair.client_log.errors
    );
    assert_alert(pair.server_log.error(), A::BAD_CERTIFICATE);
    assert!(!pair.server.info().handshake_complete || pair.server.invalidated_by().is_some());
}
