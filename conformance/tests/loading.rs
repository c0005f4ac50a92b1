//! The strict loaders (the seed's TODO) and the certificate model: every
//! certificate exception of the seed, produced and checked by variant.

use std::sync::Arc;

use wiretls_conformance::fixtures::{self, pem};
use wiretls_core::engine::ChainRequest;
use wiretls_core::{
    Certificate, CertificateChain, DhParams, Error, InvalidatedReason, Malformed, PrivateKey,
    ServerCertificateChain, SniServerCertificates, TrustStore,
};

fn ders(chain: &[Certificate]) -> Vec<Vec<u8>> {
    chain.iter().map(|c| c.der().to_vec()).collect()
}

fn bare(name: &str) -> Vec<Certificate> {
    fixtures::certificates(name).into_iter().map(Certificate::without_private_key).collect()
}

#[test]
fn a_chain_file_loads_leaf_first_with_its_key() {
    let chain = CertificateChain::from_pem(pem("server-p256.pem")).expect("chain");
    assert_eq!(chain.certificates().len(), 2);
    assert!(chain.leaf().is_leaf() && chain.leaf().private_key().is_some());
    assert!(chain.certificates()[1].is_ca() && chain.certificates()[1].private_key().is_none());
    assert_eq!(chain.certificates()[1], fixtures::ca("inter-ca.pem"));
    assert!(chain.leaf().matches_name("SERVER.wiretls.test"));
    assert!(chain.leaf().matches_name("127.0.0.1"));
    assert!(!chain.leaf().matches_name("other.wiretls.test"));
}

#[test]
fn an_unordered_set_is_ordered_leaf_to_root() {
    let chain = fixtures::chain("server-p256.pem");
    let root = fixtures::ca("root-ca.pem");
    let shuffled = vec![root.clone(), chain.certificates()[1].clone(), chain.leaf().clone()];
    let ordered = CertificateChain::new(shuffled).expect("ordered");
    assert_eq!(
        ders(ordered.certificates()),
        vec![chain.leaf().der().to_vec(), chain.certificates()[1].der().to_vec(), root.der().to_vec()]
    );
    // Duplicates collapse, and the keyed copy is kept.
    let doubled = vec![
        chain.leaf().clone().without_private_key(),
        chain.leaf().clone(),
        chain.certificates()[1].clone(),
    ];
    assert_eq!(CertificateChain::new(doubled).expect("deduplicated").certificates().len(), 2);
}

#[test]
fn leaf_without_key_is_refused() {
    let e = CertificateChain::from_pem(pem("server-p256.crt")).expect_err("no key");
    assert!(
        matches!(e, Error::LeafCertificateHasNoPrivateKey { ref subject } if subject.contains("wiretls test server")),
        "{e:?}"
    );
    assert!(matches!(
        ServerCertificateChain::new(bare("server-p256.pem")),
        Err(Error::LeafCertificateHasNoPrivateKey { .. })
    ));
}

#[test]
fn two_leaves_are_refused() {
    let mut certs = fixtures::certificates("server-p256.pem");
    certs.extend(fixtures::certificates("sni-alpha.pem"));
    assert!(matches!(CertificateChain::new(certs), Err(Error::MoreThanOneLeafCertificate { count: 2 })));
}

#[test]
fn no_leaf_is_refused() {
    let cas = vec![fixtures::ca("root-ca.pem"), fixtures::ca("inter-ca.pem")];
    assert!(matches!(CertificateChain::new(cas.clone()), Err(Error::NoLeafCertificate { count: 2, .. })));
    assert!(matches!(SniServerCertificates::new(cas, Vec::new()), Err(Error::NoLeafCertificate { .. })));
}

#[test]
fn keys_where_none_belong_are_refused() {
    // A key on a CA of the chain.
    let chain = fixtures::chain("server-p256.pem");
    let key = chain.private_key().clone();
    let keyed_ca = chain.certificates()[1].clone().with_private_key(key.clone());
    let e = CertificateChain::new(vec![chain.leaf().clone(), keyed_ca.clone()]).expect_err("keyed CA");
    assert!(matches!(e, Error::ExtraneousPrivateKey { .. }), "{e:?}");
    // Two keys in one PEM file.
    let mut two_keys = pem("server-p256.pem").to_vec();
    two_keys.extend_from_slice(pem("server-p256.key"));
    assert!(matches!(CertificateChain::from_pem(&two_keys), Err(Error::ExtraneousPrivateKey { .. })));
    // A key in a trust store, from certificates or from PEM.
    assert!(matches!(TrustStore::new([keyed_ca]), Err(Error::ExtraneousPrivateKey { .. })));
    assert!(matches!(TrustStore::from_pem(pem("server-p256.pem")), Err(Error::ExtraneousPrivateKey { .. })));
    // A key in the certificate file when the key comes separately.
    assert!(matches!(
        CertificateChain::from_pem_with_key(pem("server-p256.pem"), pem("server-p256.key")),
        Err(Error::ExtraneousPrivateKey { .. })
    ));
    CertificateChain::from_pem_with_key(pem("server-p256.crt"), pem("server-p256.key"))
        .expect("cert and key apart");
}

#[test]
fn certificates_outside_the_chain_are_refused() {
    let mut file = pem("server-p256.pem").to_vec();
    file.extend_from_slice(pem("client-root-ca.pem"));
    match CertificateChain::from_pem(&file) {
        Err(Error::CertificateNotInChain { subject }) => {
            assert!(subject.contains("client root"), "{subject}")
        }
        other => panic!("expected CertificateNotInChain, got {other:?}"),
    }
    let mut certs = fixtures::certificates("sni-alpha.pem");
    certs.push(fixtures::ca("client-root-ca.pem"));
    assert!(matches!(
        SniServerCertificates::new(certs, Vec::new()),
        Err(Error::CertificateNotInChain { .. })
    ));
}

#[test]
fn malformed_input_is_refused() {
    for bad in
        [&b""[..], b"not pem at all", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
    {
        assert!(matches!(CertificateChain::from_pem(bad), Err(Error::Malformed { .. })), "{bad:?}");
    }
    let public_key = b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    let mut file = pem("server-p256.pem").to_vec();
    file.extend_from_slice(public_key);
    assert!(matches!(CertificateChain::from_pem(&file), Err(Error::Malformed { what: Malformed::Pem, .. })));
    assert!(matches!(
        Certificate::from_der(vec![0x30, 0x03, 1, 2, 3]),
        Err(Error::Malformed { what: Malformed::Certificate, .. })
    ));
    assert!(matches!(
        PrivateKey::from_der(vec![1, 2, 3]),
        Err(Error::Malformed { what: Malformed::PrivateKey, .. })
    ));
}

#[test]
fn der_loading() {
    let chain = fixtures::chain("server-p256.pem");
    let ders = ders(chain.certificates());
    let refs: Vec<&[u8]> = ders.iter().rev().map(Vec::as_slice).collect();
    let loaded = CertificateChain::from_der(&refs, chain.private_key().secret_der()).expect("DER chain");
    assert_eq!(loaded, chain);
}

#[test]
fn sni_store_groups_and_selects() {
    let mut certs = fixtures::certificates("sni-alpha.pem");
    certs.extend(fixtures::certificates("sni-beta-wildcard.pem"));
    let store =
        SniServerCertificates::new(certs.clone(), fixtures::certificates("server-p256.pem")).expect("store");
    assert_eq!(store.chains().len(), 2);
    assert!(
        store.chains().iter().all(|c| c.certificates().len() == 2),
        "the shared intermediate joins both chains"
    );
    let leaf_of = |name: Option<&str>| store.select(name).map(|c| c.leaf().dns_names().to_vec());
    assert_eq!(leaf_of(Some("alpha.wiretls.test")), Some(vec!["alpha.wiretls.test".to_owned()]));
    assert_eq!(leaf_of(Some("Alpha.WIRETLS.test.")), Some(vec!["alpha.wiretls.test".to_owned()]));
    assert_eq!(leaf_of(Some("x.beta.wiretls.test")), Some(vec!["*.beta.wiretls.test".to_owned()]));
    assert_eq!(
        leaf_of(Some("x.y.beta.wiretls.test")).map(|n| n.len()),
        Some(2),
        "no wildcard match: the default"
    );
    assert_eq!(leaf_of(None).map(|n| n.len()), Some(2));
    let no_default = SniServerCertificates::new(certs.clone(), Vec::new()).expect("store");
    assert!(no_default.select(Some("nobody.wiretls.test")).is_none());
    // A leaf without its key.
    let mut keyless = bare("sni-alpha.pem");
    keyless.extend(fixtures::certificates("sni-beta-wildcard.pem"));
    assert!(matches!(
        SniServerCertificates::new(keyless, Vec::new()),
        Err(Error::LeafCertificateHasNoPrivateKey { .. })
    ));
    // The default must be a proper chain.
    assert!(matches!(
        SniServerCertificates::new(certs, bare("server-p256.pem")),
        Err(Error::LeafCertificateHasNoPrivateKey { .. })
    ));
}

#[test]
fn chain_callbacks_refuse_bad_answers_and_second_answers() {
    let woken = Arc::new(wiretls_core::engine::StoreWaker::default());
    let roots = vec![fixtures::ca("client-root-ca.pem").subject().clone()];
    let (request, callback) = ChainRequest::new(Some(roots), Arc::clone(&woken));
    // A chain that reaches none of the roots.
    assert!(matches!(
        callback.answer(Some(fixtures::chain("client2.pem"))),
        Err(Error::NoCertificateChain { roots: 1 })
    ));
    // Sets that are no chain: the seed's callback "may also raise" these.
    assert!(matches!(
        callback.answer_certificates(bare("client1.pem")),
        Err(Error::LeafCertificateHasNoPrivateKey { .. })
    ));
    assert!(matches!(
        callback.answer_certificates(vec![fixtures::ca("root-ca.pem")]),
        Err(Error::NoLeafCertificate { .. })
    ));
    let mut two = fixtures::certificates("client1.pem");
    two.extend(fixtures::certificates("client2.pem"));
    assert!(matches!(callback.answer_certificates(two), Err(Error::MoreThanOneLeafCertificate { count: 2 })));
    assert!(request.take().is_none(), "refused answers do not count");
    assert!(!woken.has_unseen_answer(), "refused answers wake nobody");
    callback.answer_certificates(fixtures::certificates("client1.pem")).expect("a good answer");
    assert!(matches!(
        callback.answer(None),
        Err(Error::Invalidated { reason: InvalidatedReason::AlreadyAnswered })
    ));
    assert!(woken.has_unseen_answer(), "an answer is kept for a waker registered later");
    assert_eq!(request.take(), Some(Some(fixtures::chain("client1.pem"))));
    assert!(request.take().is_none(), "the answer is taken once");
    // An abandoned request refuses late answers.
    let (request, callback) = ChainRequest::new(None, woken);
    drop(request);
    assert!(matches!(
        callback.answer(None),
        Err(Error::Invalidated { reason: InvalidatedReason::Abandoned })
    ));
}

#[test]
fn dh_params_load_strictly() {
    let params = DhParams::from_pem(pem("ffdhe2048.pem")).expect("ffdhe2048");
    assert!(params.der().len() > 256);
    assert_eq!(DhParams::from_pem(params.to_pem().as_bytes()).expect("round trip"), params);
    assert!(matches!(
        DhParams::from_pem(pem("root-ca.pem")),
        Err(Error::Malformed { what: Malformed::DhParams, .. })
    ));
    assert!(matches!(DhParams::from_der(vec![0x02, 0x01, 0x05]), Err(Error::Malformed { .. })));
}

#[test]
fn the_system_trust_store_is_cached_and_keyless() {
    let a = TrustStore::system().expect("system store");
    let b = TrustStore::system().expect("system store");
    assert_eq!(a, b);
    assert!(a.certificates().iter().all(|c| c.private_key().is_none()));
}

#[test]
fn boxed_and_shared_engines_start_connections() {
    use wiretls_core::{Engine, Outbox};
    let boxed: Box<dyn Engine> = Box::new(wiretls_rustls::RustlsEngine::default());
    let shared: Arc<dyn Engine> = Arc::new(wiretls_rustls::RustlsEngine::default());
    for engine in [&boxed as &dyn Engine, &shared as &dyn Engine] {
        assert_eq!(engine.name(), "rustls");
        let out = Outbox::new();
        let conn = fixtures::client().start(engine, out.wire()).expect("start");
        assert!(conn.is_handshaking());
        assert!(!out.is_empty(), "the ClientHello went out");
    }
}
