//! The verify callback: once per negotiation, after the built-in checks,
//! leaf to root; a veto sends its alert and invalidates.

use std::sync::{Arc, Mutex};

use wiretls_core::{
    AlertDescription as A, Certificate, ClientAuth, Engine, Error, InvalidatedReason, Reject, Side,
    VerifyCallback, VerifyContext,
};

use super::{assert_alert, ders};
use crate::fixtures;
use crate::pair::Pair;

/// What a recording callback saw.
#[derive(Default, Debug)]
struct Seen {
    calls: usize,
    chain: Vec<Vec<u8>>,
    side: Option<Side>,
    server_name: Option<String>,
}

fn recorder(answer: Result<(), Reject>) -> (Arc<Mutex<Seen>>, Box<dyn VerifyCallback>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let s = Arc::clone(&seen);
    let cb = move |chain: &[Certificate], cx: &VerifyContext<'_>| {
        let mut s = s.lock().expect("lock");
        s.calls += 1;
        s.chain = ders(chain);
        s.side = Some(cx.side);
        s.server_name = cx.server_name.map(str::to_owned);
        answer
    };
    (seen, Box::new(cb))
}

fn expected_server_chain() -> Vec<Vec<u8>> {
    let mut chain = ders(fixtures::server_chain(wiretls_core::KeyType::EcdsaP256).certificates());
    chain.push(fixtures::ca("root-ca.pem").der().to_vec());
    chain
}

/// Called exactly once, with leaf, intermediate and root in that order.
pub fn called_once_leaf_to_root(client: &dyn Engine, server: &dyn Engine) {
    let (seen, cb) = recorder(Ok(()));
    let mut pair = Pair::start(client, &fixtures::client(), Some(cb), server, &fixtures::p256_server(), None)
        .expect("start");
    pair.handshake();
    pair.client_sends(b"ping");
    pair.server_sends(b"pong");
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.calls, 1);
    assert_eq!(seen.chain, expected_server_chain());
    assert_eq!(seen.side, Some(Side::Client));
    assert_eq!(seen.server_name.as_deref(), Some(fixtures::SERVER_NAME));
}

fn veto(client: &dyn Engine, server: &dyn Engine, reject: Reject) -> A {
    let (seen, cb) = recorder(Err(reject));
    let mut pair = Pair::start(client, &fixtures::client(), Some(cb), server, &fixtures::p256_server(), None)
        .expect("start");
    pair.server.data_from_application(b"secret").expect("server send");
    pair.run();
    assert_eq!(seen.lock().expect("lock").calls, 1);
    let sent = match pair.client_log.error() {
        Some(Error::Rejected { alert_sent: Some(sent) }) => *sent,
        other => panic!("expected Rejected with an alert, got {other:?}"),
    };
    assert_alert(pair.server_log.error(), sent);
    // The client is invalidated, and says why.
    match pair.client.data_from_application(b"x") {
        Err(Error::Invalidated { reason: InvalidatedReason::PreviousError(e) }) => {
            assert!(matches!(*e, Error::Rejected { .. }));
        }
        other => panic!("expected Invalidated, got {other:?}"),
    }
    assert!(matches!(pair.client.data_from_wire(b""), Err(Error::Invalidated { .. })));
    assert!(pair.client_log.received.is_empty(), "data reached a rejected client");
    assert_eq!(pair.server_out.close_requested(), Some(true));
    assert_eq!(pair.client_out.close_requested(), Some(false));
    sent
}

/// A veto naming any alert the engine declares sends exactly that alert;
/// the client is invalidated.
pub fn veto_sends_alert_and_invalidates(client: &dyn Engine, server: &dyn Engine) {
    if !client.capabilities().verify_callback {
        // Ends at the engine's declared refusal of the callback.
        veto(client, server, Reject::new());
        panic!("{} declares no verify callback, but took one", client.name());
    }
    let declared = client.capabilities().verify_alerts;
    assert!(declared.len() >= 3, "{} declares too few veto alerts", client.name());
    for alert in declared {
        assert_eq!(veto(client, server, Reject::with_alert(*alert)), *alert);
    }
}

/// A veto without an alert sends `bad_certificate`.
pub fn veto_default_alert(client: &dyn Engine, server: &dyn Engine) {
    assert_eq!(veto(client, server, Reject::new()), A::BAD_CERTIFICATE);
}

/// An alert the engine cannot send from the verifier is replaced by the
/// nearest one it can, and the error says which went out.
pub fn veto_alert_the_engine_lacks(client: &dyn Engine, server: &dyn Engine) {
    let sent = veto(client, server, Reject::with_alert(A::INTERNAL_ERROR));
    if client.capabilities().verify_alerts.contains(&A::INTERNAL_ERROR) {
        assert_eq!(sent, A::INTERNAL_ERROR);
    } else {
        // The nearest alert for "the application refused the certificate
        // for a reason of its own": certificate_unknown (RFC 5246 7.2.2,
        // RFC 8446 6.2: "some other (unspecified) issue"), and declared.
        assert!(client.capabilities().verify_alerts.contains(&sent), "{sent} is not declared");
        assert_eq!(sent, A::CERTIFICATE_UNKNOWN, "the replacement for internal_error");
    }
}

/// When the built-in checks fail, the callback is not called.
pub fn not_called_when_builtin_fails(client: &dyn Engine, server: &dyn Engine) {
    let (seen, cb) = recorder(Ok(()));
    let c = fixtures::client_for("elsewhere.wiretls.test");
    let mut pair = Pair::start(client, &c, Some(cb), server, &fixtures::p256_server(), None).expect("start");
    pair.run();
    assert!(
        matches!(
            pair.client_log.error(),
            Some(Error::PeerCertificate {
                problem: wiretls_core::CertificateProblem::NameMismatch,
                alert_sent: Some(A::BAD_CERTIFICATE),
                ..
            })
        ),
        "{:?}",
        pair.client_log.errors
    );
    assert_eq!(seen.lock().expect("lock").calls, 0);
    assert_alert(pair.server_log.error(), A::BAD_CERTIFICATE);
}

/// A server's callback sees the client's chain (leaf to root) and can veto it.
pub fn server_verifies_client(client: &dyn Engine, server: &dyn Engine) {
    let store = Arc::new(super::client_auth::FixedStore::new(Some(fixtures::chain("client1.pem"))));
    let c = fixtures::client().with_client_certificate_store(store);
    let s = fixtures::p256_server().with_client_auth(ClientAuth::Required(fixtures::client_roots()));
    let (seen, cb) = recorder(Ok(()));
    let mut pair = Pair::start(client, &c, None, server, &s, Some(cb)).expect("start");
    pair.handshake();
    {
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.calls, 1);
        let mut expected = ders(fixtures::chain("client1.pem").certificates());
        expected.push(fixtures::ca("client-root-ca.pem").der().to_vec());
        assert_eq!(seen.chain, expected);
        assert_eq!(seen.side, Some(Side::Server));
    }
    // A fresh client configuration: a resumed session would skip the check.
    let c = fixtures::client().with_client_certificate_store(Arc::new(super::client_auth::FixedStore::new(
        Some(fixtures::chain("client1.pem")),
    )));
    let alert = *server
        .capabilities()
        .verify_alerts
        .iter()
        .find(|a| **a != A::BAD_CERTIFICATE)
        .expect("a veto alert");
    let (_, cb) = recorder(Err(Reject::with_alert(alert)));
    let mut pair = Pair::start(client, &c, None, server, &s, Some(cb)).expect("start");
    pair.run();
    assert!(
        matches!(pair.server_log.error(), Some(Error::Rejected { alert_sent: Some(a) }) if *a == alert),
        "{:?}",
        pair.server_log.errors
    );
    assert_alert(pair.client_log.error(), alert);
}
