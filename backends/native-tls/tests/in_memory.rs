//! The crate documentation's example, run (doc tests of a whole-workspace
//! build cannot link OpenSSL beside BoringSSL's build output).

use wiretls_core::{
    Certificate, CertificateChain, ClientTls, Feature, ServerTls, StartOptions, TrustStore, VerifyContext,
};
use wiretls_native_tls::NativeTlsEngine;

#[test]
fn in_memory_exchange_and_a_declared_refusal() -> Result<(), wiretls_core::Error> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../conformance/fixtures");
    let chain =
        CertificateChain::from_pem(&std::fs::read(format!("{dir}/server-p256.pem")).expect("fixture"))?;
    let root = TrustStore::from_pem(&std::fs::read(format!("{dir}/root-ca.pem")).expect("fixture"))?;
    let engine = NativeTlsEngine::new();
    let client = ClientTls::new("server.wiretls.test")?.with_trust_root(root);
    let (to_server, to_client) = (wiretls_core::Outbox::new(), wiretls_core::Outbox::new());
    let mut c = client.start(&engine, to_server.wire())?;
    let mut s = ServerTls::from_chain(chain).start(&engine, to_client.wire())?;
    c.data_from_application(b"hello")?;
    let mut received = Vec::new();
    while c.is_handshaking() || !to_server.is_empty() {
        received.extend(s.data_from_wire(&to_server.take())?);
        c.data_from_wire(&to_client.take())?;
    }
    assert_eq!(received, b"hello");
    // A native-tls server speaks TLS 1.2; the plaintext hellos name the rest.
    assert_eq!(c.info().version, Some(wiretls_core::ProtocolVersion::Tls12));
    assert_eq!(c.info().cipher_suite, s.info().cipher_suite);
    assert!(c.info().cipher_suite.is_some() && c.info().key_exchange_group.is_some());
    assert_eq!(s.info().server_name.as_deref(), Some("server.wiretls.test"));
    assert_eq!(c.peer_certificates().len(), 1, "native-tls reports the leaf only");

    let refused = client.start_with(
        &engine,
        to_server.wire(),
        StartOptions::new().verify(|_: &[Certificate], _: &VerifyContext<'_>| Ok(())),
    );
    assert!(matches!(
        refused,
        Err(wiretls_core::Error::Unsupported { feature: Feature::VerifyCallback, .. })
    ));
    Ok(())
}
