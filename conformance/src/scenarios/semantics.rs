//! The seed's semantics at the edges: the chain order the verify callback
//! sees, `application_finished` at each handshake stage, bounded buffering
//! while a store has not answered, wake-ups, and the bookkeeping of error
//! paths (which `wire_close`, which error, which level rules).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use wiretls_core::{
    AlertDescription, AlertLevel, BadData, Certificate, CertificateChainCallback, ClientAuth,
    ClientCertificateStore, Connection, DistinguishedName, Engine, Error, Feature, InvalidatedReason, Outbox,
    ProtocolVersion, Reject, ServerCertificates, ServerTls, VerifyContext,
};

use super::{assert_alert, common_versions, ders, received_ders};
use crate::craft;
use crate::fixtures;
use crate::pair::{Direction, Pair};

// ---- Helpers ------------------------------------------------------------------

/// A server store that keeps its callback for the test to answer.
#[derive(Default)]
struct HeldServerStore(Mutex<Option<CertificateChainCallback>>);

impl ServerCertificates for HeldServerStore {
    fn certificate_chain_for_server_name(&self, _name: Option<&str>, callback: CertificateChainCallback) {
        *self.0.lock().expect("lock") = Some(callback);
    }
}

impl HeldServerStore {
    fn callback(&self) -> CertificateChainCallback {
        self.0.lock().expect("lock").take().expect("the server store was asked")
    }
}

/// A client store that keeps its callback for the test to answer.
#[derive(Default)]
struct HeldClientStore(Mutex<Option<CertificateChainCallback>>);

impl ClientCertificateStore for HeldClientStore {
    fn certificate_chain_for_roots(&self, _roots: &[DistinguishedName], callback: CertificateChainCallback) {
        *self.0.lock().expect("lock") = Some(callback);
    }

    fn default_certificate_chain(&self, callback: CertificateChainCallback) {
        *self.0.lock().expect("lock") = Some(callback);
    }
}

impl HeldClientStore {
    fn callback(&self) -> CertificateChainCallback {
        self.0.lock().expect("lock").take().expect("the client store was asked")
    }
}

/// A waker that counts.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (Arc::clone(&count), Waker::from(count))
}

/// What a verify callback saw: the DER of each chain it was given.
type Seen = Arc<Mutex<Vec<Vec<Vec<u8>>>>>;

fn recording_callback(
    seen: &Seen,
) -> impl FnMut(&[Certificate], &VerifyContext<'_>) -> Result<(), Reject> + Send + 'static {
    let seen = Arc::clone(seen);
    move |chain: &[Certificate], _: &VerifyContext<'_>| {
        seen.lock().expect("lock").push(ders(chain));
        Ok(())
    }
}

fn der_of(name: &str) -> Vec<Vec<u8>> {
    fixtures::certificates(name).iter().map(|c| c.der().to_vec()).collect()
}

fn rustls_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn rustls_certs(ders: &[Vec<u8>]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    ders.iter().map(|d| rustls::pki_types::CertificateDer::from(d.clone())).collect()
}

fn rustls_key(pem_name: &str) -> rustls::pki_types::PrivateKeyDer<'static> {
    fixtures::chain(pem_name).private_key().der().clone_key()
}

/// Drive a wiretls connection against a plain rustls connection (a peer
/// that sends exactly the chain it was given, in the given order) until
/// nothing moves. Returns the wiretls side's first error.
fn drive_against_rustls(
    ours: &mut Connection,
    ours_out: &Outbox,
    theirs: &mut rustls::Connection,
) -> Option<Error> {
    let mut first_error = None;
    for _ in 0..100 {
        let mut moved = false;
        let flight = ours_out.take();
        if !flight.is_empty() {
            moved = true;
            let mut input = &flight[..];
            while !input.is_empty() {
                if theirs.read_tls(&mut input).is_err() {
                    break;
                }
                if theirs.process_new_packets().is_err() {
                    break;
                }
            }
        }
        let mut back = Vec::new();
        while theirs.wants_write() {
            if theirs.write_tls(&mut back).is_err() {
                break;
            }
        }
        if !back.is_empty() {
            moved = true;
            if let Err(e) = ours.data_from_wire(&back) {
                first_error.get_or_insert(e);
            }
        }
        if !moved {
            break;
        }
    }
    first_error
}

// ---- The verify callback sees the certification path ----------------------------

/// A server that sends its chain out of order with an unrelated extra
/// certificate (leaf, an unrelated CA, the intermediate), and one that also
/// sends the root and a duplicate: the client's verify callback sees the
/// path leaf -> intermediate -> root, once each, on every engine.
pub fn verify_sees_path_of_misordered_server_chain(client: &dyn Engine, _server: &dyn Engine) {
    let leaf_and_inter = der_of("server-p256.pem");
    let (leaf, inter) = (leaf_and_inter[0].clone(), leaf_and_inter[1].clone());
    let root = fixtures::ca("root-ca.pem").der().to_vec();
    let unrelated = fixtures::ca("other-root-ca.pem").der().to_vec();
    let expected = vec![leaf.clone(), inter.clone(), root.clone()];
    let sent_chains = [
        vec![leaf.clone(), unrelated.clone(), inter.clone()],
        vec![leaf.clone(), inter.clone(), root.clone(), inter.clone()],
        vec![leaf.clone(), root.clone(), inter.clone()],
    ];
    for sent in sent_chains {
        let config = rustls::ServerConfig::builder_with_provider(rustls_provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(rustls_certs(&sent), rustls_key("server-p256.pem"))
            .expect("a rustls server config");
        let mut theirs: rustls::Connection =
            rustls::ServerConnection::new(Arc::new(config)).expect("a rustls server").into();
        let seen = Seen::default();
        let out = Outbox::new();
        let mut ours = fixtures::client()
            .start_with(
                client,
                out.wire(),
                wiretls_core::StartOptions::new().verify(recording_callback(&seen)),
            )
            .map_err(|e| crate::unsupported::check(client, e))
            .expect("client start");
        let error = drive_against_rustls(&mut ours, &out, &mut theirs);
        assert!(error.is_none(), "{}: {error:?}", client.name());
        assert!(!ours.is_handshaking(), "{}: the handshake did not complete", client.name());
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.len(), 1, "{}: the verify callback ran {} times", client.name(), seen.len());
        assert_eq!(
            seen[0],
            expected,
            "{}: the callback's chain is not leaf -> intermediate -> root",
            client.name()
        );
    }
}

/// A client that sends its certificate with an unrelated extra one before
/// it: the server's verify callback sees leaf -> client root.
pub fn verify_sees_path_of_misordered_client_chain(_client: &dyn Engine, server: &dyn Engine) {
    let leaf = der_of("client1.pem")[0].clone();
    let client_root = fixtures::ca("client-root-ca.pem").der().to_vec();
    let unrelated = fixtures::ca("inter-ca.pem").der().to_vec();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(fixtures::ca("root-ca.pem").der().clone()).expect("root");
    let config = rustls::ClientConfig::builder_with_provider(rustls_provider())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(rustls_certs(&[leaf.clone(), unrelated]), rustls_key("client1.pem"))
        .expect("a rustls client config");
    let name = rustls::pki_types::ServerName::try_from(fixtures::SERVER_NAME).expect("name");
    let mut theirs: rustls::Connection =
        rustls::ClientConnection::new(Arc::new(config), name).expect("a rustls client").into();
    let seen = Seen::default();
    let out = Outbox::new();
    let tls = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut ours = tls
        .start_with(server, out.wire(), wiretls_core::StartOptions::new().verify(recording_callback(&seen)))
        .map_err(|e| crate::unsupported::check(server, e))
        .expect("server start");
    let error = drive_against_rustls(&mut ours, &out, &mut theirs);
    assert!(error.is_none(), "{}: {error:?}", server.name());
    assert!(!ours.is_handshaking(), "{}: the handshake did not complete", server.name());
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1, "{}: the verify callback ran {} times", server.name(), seen.len());
    assert_eq!(
        seen[0],
        vec![leaf, client_root],
        "{}: the callback's chain is not leaf -> root",
        server.name()
    );
}

// ---- application_finished at each handshake stage ---------------------------------

#[track_caller]
fn assert_closed_after_handshake(pair: &Pair, data: &[u8], finished_side: &str) {
    assert!(pair.client_log.errors.is_empty(), "{finished_side}: client errors {:?}", pair.client_log.errors);
    assert!(pair.server_log.errors.is_empty(), "{finished_side}: server errors {:?}", pair.server_log.errors);
    assert!(!pair.client.is_handshaking() && !pair.server.is_handshaking(), "{finished_side}: handshake");
    assert!(pair.client.is_peer_closed() && pair.server.is_peer_closed(), "{finished_side}: both closed");
    assert_eq!(pair.client_out.close_requested(), Some(false), "{finished_side}: client wire_close");
    assert_eq!(pair.server_out.close_requested(), Some(false), "{finished_side}: server wire_close");
    let received =
        if finished_side == "client" { &pair.server_log.received } else { &pair.client_log.received };
    assert_eq!(received, data, "{finished_side}: the data sent before application_finished");
}

/// `application_finished` right after `start`, with data queued before
/// it: the data and then `close_notify` go out once the handshake
/// completes; further data is refused.
pub fn finished_before_handshake(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.client.data_from_application(b"early").expect("queued");
    pair.client.application_finished().expect("finished early");
    assert!(matches!(
        pair.client.data_from_application(b"late"),
        Err(Error::Invalidated { reason: InvalidatedReason::Finished })
    ));
    assert_eq!(pair.client_out.close_requested(), None);
    pair.run();
    assert_closed_after_handshake(&pair, b"early", "client");
}

/// `application_finished` on a server while its store has not answered:
/// nothing is written until the answer; then the handshake flight, the
/// data, and `close_notify`.
pub fn finished_while_store_waits(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(HeldServerStore::default());
    let mut pair = Pair::new(client, &fixtures::client(), server, &ServerTls::new(Arc::clone(&store) as _));
    pair.run();
    assert!(pair.server.is_waiting_for_store());
    pair.server.data_from_application(b"from a waiting server").expect("queued");
    pair.server.application_finished().expect("finished while waiting");
    assert!(pair.server_out.is_empty(), "the server wrote before its store answered");
    store.callback().answer(Some(fixtures::chain("server-p256.pem"))).expect("answer");
    pair.server.proceed().expect("proceed");
    pair.run();
    assert_closed_after_handshake(&pair, b"from a waiting server", "server");
}

/// `application_finished` on a server that sent its flight and waits for
/// the client's Finished.
pub fn finished_mid_handshake(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("version");
        let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
        pair.deliver(Direction::ToServer);
        assert!(pair.server.is_handshaking(), "{version:?}: the server's handshake is still going");
        assert!(!pair.server_out.is_empty(), "{version:?}: the server sent its flight");
        pair.server.application_finished().expect("finished mid-handshake");
        pair.run();
        assert_closed_after_handshake(&pair, b"", "server");
        assert_eq!(pair.client.info().version, Some(version));
    }
}

/// A handshake that fails after an early `application_finished` sends the
/// failure's alert, never the `close_notify`.
pub fn finished_then_handshake_fails(client: &dyn Engine, server: &dyn Engine) {
    let mut pair =
        Pair::new(client, &fixtures::client_for("not-the-server.test"), server, &fixtures::p256_server());
    pair.client.application_finished().expect("finished early");
    pair.run();
    assert!(matches!(pair.client_log.error(), Some(Error::PeerCertificate { .. })), "{:?}", pair.client_log);
    assert!(!pair.server.is_peer_closed(), "the server took the failed handshake for a clean close");
    match pair.server_log.error() {
        Some(Error::AlertReceived { description, level }) => {
            assert_ne!(*description, AlertDescription::CLOSE_NOTIFY);
            assert_eq!(*level, AlertLevel::Fatal);
        }
        // An alert the server could not read (see divergences.txt's OpenSSL -> BoringSSL lines).
        Some(Error::BadTlsData { kind: BadData::Decrypt, .. }) => {}
        other => panic!("the server should have seen the client's fatal alert: {other:?}"),
    }
}

// ---- Bounded buffering while a store waits ----------------------------------------

/// Feed `conn` records of 16 KiB until it refuses; return the error and
/// how many bytes were accepted first.
fn flood(conn: &mut Connection) -> (Error, usize) {
    let record = craft::record(23, 0x0303, &[0x42; 16 * 1024]);
    let mut accepted = 0;
    for _ in 0..64 {
        match conn.data_from_wire(&record) {
            Ok(plaintext) => {
                assert!(plaintext.is_empty(), "plaintext from a flood");
                accepted += record.len();
            }
            Err(e) => return (e, accepted),
        }
    }
    panic!("{accepted} bytes were buffered while the store waited, without a limit");
}

#[track_caller]
fn assert_flood_refused(conn: &mut Connection, out: &Outbox, who: &str) {
    let (error, accepted) = flood(conn);
    assert!(
        accepted <= Connection::STORE_WAIT_BUFFER_LIMIT,
        "{who}: {accepted} bytes accepted past the limit"
    );
    assert!(
        accepted + 16 * 1024 + 5 > Connection::STORE_WAIT_BUFFER_LIMIT,
        "{who}: refused at {accepted} bytes, before the limit"
    );
    assert!(
        matches!(
            error,
            Error::BadTlsData {
                kind: BadData::BufferLimit,
                alert_sent: Some(AlertDescription::UNEXPECTED_MESSAGE)
            }
        ),
        "{who}: {error:?}"
    );
    assert_eq!(conn.invalidated_by(), Some(&error), "{who}");
    assert_eq!(out.close_requested(), Some(false), "{who}: the alert is flushed before the close");
    assert!(!out.take().is_empty(), "{who}: the alert reached the wire");
    assert!(matches!(conn.data_from_wire(b"\x17"), Err(Error::Invalidated { .. })), "{who}");
}

/// A peer that keeps sending while the server's store has not answered is
/// refused past [`Connection::STORE_WAIT_BUFFER_LIMIT`] with
/// `unexpected_message` (a plain record: nothing is encrypted yet).
pub fn flood_while_server_store_waits(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(HeldServerStore::default());
    let mut pair = Pair::new(client, &fixtures::client(), server, &ServerTls::new(Arc::clone(&store) as _));
    pair.deliver(Direction::ToServer);
    assert!(pair.server.is_waiting_for_store());
    assert_flood_refused(&mut pair.server, &pair.server_out, server.name());
    assert!(
        matches!(
            store.callback().answer(Some(fixtures::chain("server-p256.pem"))),
            Err(Error::Invalidated { reason: InvalidatedReason::Abandoned })
        ) || pair.server.proceed().is_err(),
        "a late answer must not revive the connection"
    );
}

/// The same on a client whose store answers later (where the engine can
/// wait for it; where it cannot, the declared `Unsupported` is checked by
/// `stores::client_answers_later`).
pub fn flood_while_client_store_waits(client: &dyn Engine, server: &dyn Engine) {
    if !client.capabilities().later_client_certificate_answer {
        return crate::skip::skip(format!("{} declares no later client certificate answer (its Unsupported is checked by stores::client_answers_later)", client.name()));
    }
    let store = Arc::new(HeldClientStore::default());
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    assert!(pair.client.is_waiting_for_store());
    let _callback = store.callback();
    assert_flood_refused(&mut pair.client, &pair.client_out, client.name());
}

// ---- Wake-ups and is_waiting_for_store ------------------------------------------

/// A store that answers (from another thread) before any waker was set:
/// registering a waker afterwards wakes it at once; `is_waiting_for_store`
/// stays true until the connection goes on with the answer.
pub fn answer_before_waker_is_not_lost(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(HeldServerStore::default());
    let mut pair = Pair::new(client, &fixtures::client(), server, &ServerTls::new(Arc::clone(&store) as _));
    pair.run();
    assert!(pair.server.is_waiting_for_store());
    let callback = store.callback();
    std::thread::spawn(move || callback.answer(Some(fixtures::chain("server-p256.pem"))))
        .join()
        .expect("the answering thread")
        .expect("answer");
    assert!(pair.server.is_waiting_for_store(), "{}: answered, but not gone on with yet", server.name());
    let (count, waker) = counting_waker();
    pair.server.set_waker(waker);
    assert_eq!(count.0.load(Ordering::SeqCst), 1, "{}: the answer before set_waker was lost", server.name());
    pair.server.proceed().expect("proceed");
    assert!(!pair.server.is_waiting_for_store(), "{}", server.name());
    pair.handshake();
    // A waker registered after the answer was acted on is not woken again.
    let (count, waker) = counting_waker();
    pair.server.set_waker(waker);
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
}

/// The same for a client store answering later (where the engine can wait).
pub fn client_answer_before_waker_is_not_lost(client: &dyn Engine, server: &dyn Engine) {
    if !client.capabilities().later_client_certificate_answer {
        return crate::skip::skip(format!("{} declares no later client certificate answer (its Unsupported is checked by stores::client_answers_later)", client.name()));
    }
    let store = Arc::new(HeldClientStore::default());
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    assert!(pair.client.is_waiting_for_store());
    store.callback().answer(Some(fixtures::chain("client1.pem"))).expect("answer");
    assert!(pair.client.is_waiting_for_store(), "{}: answered, but not gone on with yet", client.name());
    let (count, waker) = counting_waker();
    pair.client.set_waker(waker);
    assert_eq!(count.0.load(Ordering::SeqCst), 1, "{}: the answer before set_waker was lost", client.name());
    pair.client.proceed().expect("proceed");
    assert!(!pair.client.is_waiting_for_store());
    pair.handshake();
    assert_eq!(ders(pair.server.peer_certificates()), ders(fixtures::chain("client1.pem").certificates()));
}

// ---- Error-path bookkeeping -------------------------------------------------------

/// A fault after application data in one input: the data is returned, and
/// the error comes from the next call, `proceed` included.
pub fn proceed_reports_deferred_error(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.handshake();
    pair.client.data_from_application(b"before the fault").expect("send");
    let mut input = pair.client_out.take();
    input.extend_from_slice(&craft::record(0x63, 0x0303, &[1, 2, 3]));
    assert_eq!(pair.server.data_from_wire(&input).expect("the data first"), b"before the fault");
    let deferred = pair.server.proceed();
    assert!(
        matches!(deferred, Err(Error::BadTlsData { .. })),
        "proceed dropped the deferred error: {deferred:?}"
    );
    assert!(matches!(pair.server.proceed(), Err(Error::Invalidated { .. })));
}

/// `send_alert` on an invalidated connection answers `Invalidated`, even
/// for an alert whose level the version's rules leave open.
pub fn send_alert_after_invalidation(client: &dyn Engine, server: &dyn Engine) {
    for version in common_versions(client, server) {
        let c = fixtures::client().with_versions(&[version]).expect("version");
        let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
        pair.handshake();
        let fault = pair.server.data_from_wire(&craft::record(0x63, 0x0303, &[1, 2, 3]));
        assert!(fault.is_err());
        for level in [None, Some(AlertLevel::Warning), Some(AlertLevel::Fatal)] {
            let e = pair.server.send_alert(AlertDescription::BAD_CERTIFICATE, level);
            assert!(matches!(e, Err(Error::Invalidated { .. })), "{version:?} {level:?}: {e:?}");
        }
    }
}

/// `wire_close(immediate)` follows whether an alert went out: graceful
/// after our own alert, immediate after the peer's fatal alert.
pub fn wire_close_follows_the_alert(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &fixtures::p256_server());
    pair.handshake();
    let e = pair.server.data_from_wire(&craft::record(0x63, 0x0303, &[1, 2, 3])).expect_err("a bad record");
    let alert =
        e.alert_sent().unwrap_or_else(|| panic!("{}: no alert for a bad record: {e:?}", server.name()));
    assert_eq!(pair.server.close_requested(), Some(false), "{}: our alert must be flushed", server.name());
    pair.run();
    assert_alert(pair.client_log.error(), alert);
    assert_eq!(pair.client.close_requested(), Some(true), "{}: after the peer's fatal alert", client.name());

    // The peer's fatal alert right after its ClientHello, in one input: the
    // server wrote its flight first, but sent no alert, so the close is
    // immediate (TLS 1.2, where the alert may come in the clear there).
    if !common_versions(client, server).contains(&ProtocolVersion::Tls12) {
        return crate::skip::skip("the pair has no TLS 1.2 in common");
    }
    let c = fixtures::client().with_versions(&[ProtocolVersion::Tls12]).expect("version");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    let mut input = pair.client_out.take();
    input.extend_from_slice(&wiretls_core::Alert::fatal(AlertDescription::ACCESS_DENIED).plaintext_record());
    let e = pair.server.data_from_wire(&input);
    assert!(
        matches!(
            e,
            Err(Error::AlertReceived {
                description: AlertDescription::ACCESS_DENIED,
                level: AlertLevel::Fatal
            })
        ),
        "{}: {e:?}",
        server.name()
    );
    assert!(!pair.server_out.is_empty(), "{}: the server's flight went out first", server.name());
    assert_eq!(pair.server.close_requested(), Some(true), "{}: no alert of ours to flush", server.name());
}

/// The version is reported as soon as it is negotiated, before the
/// handshake completes (so `send_alert`'s level rules are the right
/// version's): a TLS 1.2 client that sent its second flight.
pub fn version_known_mid_handshake(client: &dyn Engine, server: &dyn Engine) {
    if !common_versions(client, server).contains(&ProtocolVersion::Tls12) {
        return crate::skip::skip("the pair has no TLS 1.2 in common");
    }
    let c = fixtures::client().with_versions(&[ProtocolVersion::Tls12]).expect("version");
    let mut pair = Pair::new(client, &c, server, &fixtures::p256_server());
    pair.deliver(Direction::ToServer);
    pair.deliver(Direction::ToClient);
    assert!(pair.client.is_handshaking(), "{}: the client waits for the server's Finished", client.name());
    assert_eq!(pair.client.info().version, Some(ProtocolVersion::Tls12), "{} mid-handshake", client.name());
    // TLS 1.2 leaves bad_certificate's level open.
    assert!(matches!(
        pair.client.send_alert(AlertDescription::BAD_CERTIFICATE, None),
        Err(Error::InvalidAlertLevel { .. })
    ));
}

/// The same in TLS 1.3, on a client waiting for its store: every alert but
/// close_notify and user_canceled is fatal, so no level is needed.
pub fn tls13_level_rules_mid_handshake(client: &dyn Engine, server: &dyn Engine) {
    if !client.capabilities().later_client_certificate_answer
        || !common_versions(client, server).contains(&ProtocolVersion::Tls13)
    {
        return crate::skip::skip("needs a client store answering later and TLS 1.3 in common");
    }
    let store = Arc::new(HeldClientStore::default());
    let c = fixtures::client()
        .with_client_certificate_store(Arc::clone(&store) as _)
        .with_versions(&[ProtocolVersion::Tls13])
        .expect("version");
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    assert!(pair.client.is_waiting_for_store());
    assert_eq!(pair.client.info().version, Some(ProtocolVersion::Tls13), "{} mid-handshake", client.name());
    match pair.client.send_alert(AlertDescription::BAD_CERTIFICATE, None) {
        Ok(()) => assert!(matches!(pair.client.data_from_application(b"x"), Err(Error::Invalidated { .. }))),
        Err(Error::Unsupported { feature: Feature::SendAlert(d), .. }) => {
            assert_eq!(d, AlertDescription::BAD_CERTIFICATE);
            assert!(!client.capabilities().can_send(wiretls_core::Alert::fatal(d)));
        }
        Err(e) => panic!("{}: TLS 1.3 rules were not applied: {e:?}", client.name()),
    }
    drop(store.callback());
}

/// A server store answering `None` to a client that sent no SNI: the
/// handshake fails with `handshake_failure` (there was no name to be
/// unrecognized).
pub fn no_chain_without_sni_is_handshake_failure(client: &dyn Engine, server: &dyn Engine) {
    struct Nothing;
    impl ServerCertificates for Nothing {
        fn certificate_chain_for_server_name(&self, name: Option<&str>, callback: CertificateChainCallback) {
            assert_eq!(name, None, "an IP-address client sends no SNI");
            callback.answer(None).expect("answer None");
        }
    }
    // A client for an IP address sends no server_name extension.
    let mut pair =
        Pair::new(client, &fixtures::client_for("127.0.0.1"), server, &ServerTls::new(Arc::new(Nothing)));
    pair.run();
    match pair.server_log.error() {
        Some(Error::NoServerCertificate { server_name: None, alert_sent }) => {
            assert_eq!(*alert_sent, Some(AlertDescription::HANDSHAKE_FAILURE));
        }
        other => panic!("{}: {other:?}", server.name()),
    }
    assert_alert(pair.client_log.error(), AlertDescription::HANDSHAKE_FAILURE);
    assert_eq!(pair.server.info().server_name, None);
}

/// The store callbacks' own errors, raised through a real handshake: sets
/// that are no chain are refused with the seed's errors and do not count,
/// so the store then answers with a good chain and the handshake completes.
pub fn store_answer_errors_in_handshake(client: &dyn Engine, server: &dyn Engine) {
    #[derive(Default)]
    struct Fussy(Mutex<Vec<Result<(), Error>>>);
    impl Fussy {
        fn answer(&self, callback: &CertificateChainCallback, good: &str, roots: &[DistinguishedName]) {
            let bare: Vec<Certificate> =
                fixtures::certificates(good).into_iter().map(Certificate::without_private_key).collect();
            let mut two = fixtures::certificates("client1.pem");
            two.extend(fixtures::certificates("client2.pem"));
            let mut answers = vec![
                callback.answer_certificates(bare),
                callback.answer_certificates(two),
                callback.answer_certificates(vec![fixtures::ca("root-ca.pem")]),
            ];
            if !roots.is_empty() {
                answers.push(callback.answer(Some(fixtures::chain("client2.pem"))));
            }
            answers.push(callback.answer_certificates(fixtures::certificates(good)));
            self.0.lock().expect("lock").extend(answers);
        }
        #[track_caller]
        fn check(&self, who: &str, named_roots: bool) {
            let answers = self.0.lock().expect("lock");
            assert!(
                matches!(answers[0], Err(Error::LeafCertificateHasNoPrivateKey { .. })),
                "{who}: {answers:?}"
            );
            assert!(
                matches!(answers[1], Err(Error::MoreThanOneLeafCertificate { count: 2 })),
                "{who}: {answers:?}"
            );
            assert!(matches!(answers[2], Err(Error::NoLeafCertificate { .. })), "{who}: {answers:?}");
            let mut rest = &answers[3..];
            if named_roots {
                assert!(matches!(rest[0], Err(Error::NoCertificateChain { .. })), "{who}: {answers:?}");
                rest = &rest[1..];
            }
            assert!(matches!(rest, [Ok(())]), "{who}: the good answer: {answers:?}");
        }
    }
    impl ServerCertificates for Fussy {
        fn certificate_chain_for_server_name(&self, _name: Option<&str>, callback: CertificateChainCallback) {
            self.answer(&callback, "server-p256.pem", &[]);
        }
    }
    impl ClientCertificateStore for Fussy {
        fn certificate_chain_for_roots(
            &self,
            roots: &[DistinguishedName],
            callback: CertificateChainCallback,
        ) {
            self.answer(&callback, "client1.pem", roots);
        }
        fn default_certificate_chain(&self, callback: CertificateChainCallback) {
            self.answer(&callback, "client1.pem", &[]);
        }
    }
    let server_store = Arc::new(Fussy::default());
    let client_store = Arc::new(Fussy::default());
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&client_store) as _);
    let s = ServerTls::new(Arc::clone(&server_store) as _)
        .with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    server_store.check(server.name(), false);
    client_store.check(client.name(), true);
    assert_eq!(
        ders(pair.client.peer_certificates()),
        received_ders(client, fixtures::chain("server-p256.pem").certificates())
    );
    assert_eq!(ders(pair.server.peer_certificates()), ders(fixtures::chain("client1.pem").certificates()));
}

/// A client store whose only answer is refused (a chain that reaches none
/// of the server's CAs) and that never answers again: an engine that can
/// wait keeps waiting (the store may still answer, and does here); one that
/// cannot ends with its declared `Unsupported` and tells the server with
/// `internal_error` before it closes, never cutting the stream silently.
pub fn client_store_refused_then_silent(client: &dyn Engine, server: &dyn Engine) {
    #[derive(Default)]
    struct Refused(Mutex<Option<CertificateChainCallback>>);
    impl ClientCertificateStore for Refused {
        fn certificate_chain_for_roots(
            &self,
            _roots: &[DistinguishedName],
            callback: CertificateChainCallback,
        ) {
            let refused = callback.answer(Some(fixtures::chain("client2.pem")));
            assert!(matches!(refused, Err(Error::NoCertificateChain { .. })), "{refused:?}");
            *self.0.lock().expect("lock") = Some(callback);
        }
        fn default_certificate_chain(&self, callback: CertificateChainCallback) {
            self.certificate_chain_for_roots(&[], callback);
        }
    }
    let store = Arc::new(Refused::default());
    let c = fixtures::client().with_client_certificate_store(Arc::clone(&store) as _);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.run();
    let callback = store.0.lock().expect("lock").take().expect("the store was asked");
    if client.capabilities().later_client_certificate_answer {
        assert!(pair.client.is_waiting_for_store(), "{}", client.name());
        assert!(pair.client_log.errors.is_empty());
        callback.answer(Some(fixtures::chain("client1.pem"))).expect("a good answer after the refused one");
        pair.client.proceed().expect("proceed");
        pair.handshake();
        return;
    }
    assert!(
        matches!(
            pair.client_log.error(),
            Some(Error::Unsupported { feature: Feature::LaterClientCertificateAnswer, .. })
        ),
        "{}: {:?}",
        client.name(),
        pair.client_log.errors
    );
    match pair.server_log.error() {
        Some(Error::AlertReceived { description: AlertDescription::INTERNAL_ERROR, .. })
        | Some(Error::BadTlsData { kind: BadData::Decrypt, .. }) => {}
        other => panic!(
            "{} -> {}: the server should have seen internal_error: {other:?}",
            client.name(),
            server.name()
        ),
    }
}

/// `info()` is computed once, when the handshake completes, and the peer
/// chain once, on first use: later calls (and the data path) never ask the
/// engine again, and what they return is the chain the peer sent.
pub fn info_computed_once(client: &dyn Engine, server: &dyn Engine) {
    let (client, server) = (crate::counting::Counting::new(client), crate::counting::Counting::new(server));
    struct OneChain;
    impl ClientCertificateStore for OneChain {
        fn certificate_chain_for_roots(
            &self,
            _roots: &[DistinguishedName],
            callback: CertificateChainCallback,
        ) {
            self.default_certificate_chain(callback);
        }
        fn default_certificate_chain(&self, callback: CertificateChainCallback) {
            callback.answer(Some(fixtures::chain("client1.pem"))).expect("the client chain");
        }
    }
    let c = fixtures::client().with_client_certificate_store(Arc::new(OneChain));
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let mut pair = Pair::new(&client, &c, &server, &s);
    pair.handshake();
    let at_handshake = (client.counts.snapshot(), server.counts.snapshot());
    assert_eq!((at_handshake.0 .1, at_handshake.1 .1), (0, 0), "the peer chain is read on first use only");
    for _ in 0..3 {
        pair.client_sends(b"ping");
        pair.server_sends(b"pong");
        let (ci, si) = (pair.client.info(), pair.server.info());
        assert!(ci.handshake_complete && si.handshake_complete);
        assert_eq!(ci.version, si.version);
        assert_eq!(
            ders(pair.client.peer_certificates()),
            received_ders(&client, fixtures::chain("server-p256.pem").certificates())
        );
        assert_eq!(
            ders(pair.server.peer_certificates()),
            ders(fixtures::chain("client1.pem").certificates())
        );
    }
    let at_handshake = ((at_handshake.0 .0, 1), (at_handshake.1 .0, 1));
    assert_eq!(
        (client.counts.snapshot(), server.counts.snapshot()),
        at_handshake,
        "info or the peer chain was asked of the engine again after the handshake"
    );
}

/// A store that drops its callback without answering (a failed or cancelled
/// task) has answered `None`: the server ends the handshake with
/// `NoServerCertificate` and `unrecognized_name`, a client goes on without a
/// certificate (and a server requiring one refuses it); nobody waits.
pub fn store_dropped_without_answer(client: &dyn Engine, server: &dyn Engine) {
    struct Forgets;
    impl ServerCertificates for Forgets {
        fn certificate_chain_for_server_name(&self, _name: Option<&str>, callback: CertificateChainCallback) {
            drop(callback);
        }
    }
    impl ClientCertificateStore for Forgets {
        fn certificate_chain_for_roots(
            &self,
            _roots: &[DistinguishedName],
            callback: CertificateChainCallback,
        ) {
            drop(callback);
        }
        fn default_certificate_chain(&self, callback: CertificateChainCallback) {
            drop(callback);
        }
    }
    let mut pair = Pair::new(client, &fixtures::client(), server, &ServerTls::new(Arc::new(Forgets)));
    pair.run();
    match pair.server_log.error() {
        Some(Error::NoServerCertificate { server_name, alert_sent }) => {
            assert_eq!(server_name.as_deref(), Some(fixtures::SERVER_NAME));
            assert_eq!(*alert_sent, Some(AlertDescription::UNRECOGNIZED_NAME));
        }
        other => panic!("{}: expected NoServerCertificate, got {other:?}", server.name()),
    }
    assert_alert(pair.client_log.error(), AlertDescription::UNRECOGNIZED_NAME);
    assert!(!pair.server.is_waiting_for_store());

    let c = fixtures::client().with_client_certificate_store(Arc::new(Forgets));
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Optional(fixtures::client_roots()));
    let mut pair = Pair::new(client, &c, server, &s);
    pair.handshake();
    assert!(pair.server.peer_certificates().is_empty(), "{}: no client certificate", client.name());
}
