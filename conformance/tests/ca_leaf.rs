//! The certificate `openssl req -x509` makes by default (self-signed,
//! `CA:TRUE`): the strict loader refuses it and says why and what to do;
//! trusted as a root and served by `openssl s_server` as the end-entity,
//! every engine refuses it (wiretls's verification policy:
//! `CaUsedAsEndEntity`, `unsupported_certificate`) and says why; the
//! OpenSSL and BoringSSL conformance packages test their engines alike
//! (docs/engines.md).

use wiretls_conformance::ca_leaf::{client_vs_s_server_presenting, SelfSigned, NAME};
use wiretls_core::{CertificateChain, Error, ServerCertificateChain, SniServerCertificates, TrustStore};
use wiretls_rustls::RustlsEngine;

#[test]
fn the_loader_says_what_it_found_and_how_to_make_a_leaf() {
    let ca = SelfSigned::make(true);
    let e = CertificateChain::from_pem(&ca.chain_pem()).expect_err("a CA is no leaf");
    match &e {
        Error::NoLeafCertificate { count: 1, example: Some(example) } => {
            assert!(example.contains("CN=selfsigned") && example.ends_with("self-signed"), "{example}");
        }
        other => panic!("{other:?}"),
    }
    let message = e.to_string();
    for part in [
        "found 1 certificate, all CA (basicConstraints CA:TRUE), e.g. CN=selfsigned, self-signed",
        "-addext basicConstraints=critical,CA:FALSE",
        "IsCa::ExplicitNoCa",
    ] {
        assert!(message.contains(part), "{part:?} not in {message:?}");
    }
    // The same from every loader of chains.
    let bare =
        wiretls_core::certificates_from_pem(&std::fs::read(&ca.cert).expect("cert")).expect("certificates");
    assert!(matches!(
        ServerCertificateChain::new(bare.clone()),
        Err(Error::NoLeafCertificate { count: 1, .. })
    ));
    assert!(matches!(SniServerCertificates::new(bare, Vec::new()), Err(Error::NoLeafCertificate { .. })));
    // An empty set says so.
    let none = CertificateChain::new(Vec::new()).expect_err("nothing");
    assert!(none.to_string().contains("found no certificate"), "{none}");

    // What the message advises loads.
    let leaf = SelfSigned::make(false);
    let chain = CertificateChain::from_pem(&leaf.chain_pem()).expect("a self-signed leaf loads");
    assert!(chain.leaf().is_leaf() && chain.leaf().matches_name(NAME));
    // And a CA certificate is a fine trust root.
    TrustStore::from_pem(&std::fs::read(&ca.cert).expect("cert")).expect("root");
}

#[test]
fn rustls_refuses_a_trusted_ca_as_the_end_entity_and_says_why() {
    for engine in [RustlsEngine::aws_lc_rs(), RustlsEngine::ring()] {
        wiretls_conformance::ca_leaf::assert_ca_end_entity_refused(&engine);
    }
}

#[test]
fn rustls_accepts_a_trusted_self_signed_leaf() {
    let leaf = SelfSigned::make(false);
    let (result, server) = client_vs_s_server_presenting(&RustlsEngine::aws_lc_rs(), &leaf);
    let info = result.unwrap_or_else(|e| panic!("{e}\n{server}"));
    assert!(info.handshake_complete && info.version.is_some());
}
