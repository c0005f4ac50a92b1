//! x509-limbo and native-tls: native-tls verifies a chain only inside a
//! handshake, against a server holding the leaf's key, which the limbo
//! cases do not have. The engine declares it (no `check_chain`), and every
//! case is refused with the typed `Unsupported(ChainCheck)`, never a guess.

use wiretls_conformance::limbo::Outcome;
use wiretls_core::{ChainCheck, Engine, Error, Feature, PeerName};

#[test]
fn every_limbo_case_is_a_declared_refusal() {
    let engine = wiretls_native_tls::NativeTlsEngine::new();
    assert!(!engine.capabilities().supports(&Feature::ChainCheck));
    let trust = wiretls_conformance::fixtures::roots();
    let chain = wiretls_conformance::fixtures::chain("server-p256.pem");
    for check in [
        ChainCheck::new(&trust, chain.certificates()),
        ChainCheck::new(&trust, chain.certificates()).with_peer_name(PeerName::Dns("server.wiretls.test")),
    ] {
        match engine.check_chain(&check) {
            Err(Error::Unsupported { engine: "native-tls", feature: Feature::ChainCheck }) => {}
            other => panic!("expected Unsupported(ChainCheck), got {other:?}"),
        }
    }
    // The limbo runner counts the same refusal as a case it cannot check:
    // no case is decided by native-tls (wiretls's loader may still refuse
    // a malformed file before any engine sees it).
    let cases = wiretls_conformance::limbo::run(&engine);
    let skipped = cases.iter().filter(|c| matches!(c.outcome, Outcome::Skipped(_))).count();
    assert!(skipped > cases.len() / 2, "{skipped} of {} skipped", cases.len());
    assert!(
        cases.iter().all(|c| !matches!(c.outcome, Outcome::Accepted)),
        "a limbo case was accepted without a chain check"
    );
}
