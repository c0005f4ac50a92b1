//! The certificate `openssl req -x509` makes by default (self-signed,
//! `CA:TRUE`), trusted as the root and served by `openssl s_server` as
//! the end-entity: the Openssl engine refuses it with the verification
//! policy's `CertificateProblem::CaUsedAsEndEntity`, as every engine does
//! (wiretls-conformance's `ca_leaf` test; docs/engines.md); a self-signed
//! `CA:FALSE` leaf is accepted.

use wiretls_conformance::ca_leaf::{client_vs_s_server_presenting, SelfSigned};
use wiretls_openssl::OpensslEngine;

#[test]
fn openssl_refuses_a_trusted_ca_as_the_end_entity_and_says_why() {
    wiretls_conformance::ca_leaf::assert_ca_end_entity_refused(&OpensslEngine::new());
}

#[test]
fn openssl_accepts_a_trusted_self_signed_leaf() {
    let leaf = SelfSigned::make(false);
    let (result, server) = client_vs_s_server_presenting(&OpensslEngine::new(), &leaf);
    let info = result.unwrap_or_else(|e| panic!("{e}\n{server}"));
    assert!(info.handshake_complete && info.version.is_some());
}
