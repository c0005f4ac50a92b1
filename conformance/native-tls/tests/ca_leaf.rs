//! The certificate `openssl req -x509` makes by default (self-signed,
//! `CA:TRUE`), trusted as the root and served by `openssl s_server` as the
//! end-entity. Every other engine refuses it through wiretls's verification
//! policy (`CertificateProblem::CaUsedAsEndEntity`); native-tls verifies
//! with the platform's own rules only, which accept it (a divergence listed
//! in docs/engines.md). This test keeps that statement true: if native-tls
//! starts refusing it, the documentation must change.

use wiretls_conformance::ca_leaf::{client_vs_s_server_presenting, SelfSigned};
use wiretls_native_tls::NativeTlsEngine;

#[test]
fn native_tls_accepts_a_trusted_ca_as_the_end_entity() {
    let ca = SelfSigned::make(true);
    let (result, server) = client_vs_s_server_presenting(&NativeTlsEngine::new(), &ca);
    let info = result.unwrap_or_else(|e| panic!("{e}\n{server}"));
    assert!(info.handshake_complete);
}

#[test]
fn native_tls_accepts_a_trusted_self_signed_leaf() {
    let leaf = SelfSigned::make(false);
    let (result, server) = client_vs_s_server_presenting(&NativeTlsEngine::new(), &leaf);
    let info = result.unwrap_or_else(|e| panic!("{e}\n{server}"));
    assert!(info.handshake_complete && info.version.is_some());
}
