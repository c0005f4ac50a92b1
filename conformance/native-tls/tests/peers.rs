//! The native-tls engine against real OpenSSL and GnuTLS peers (`openssl`,
//! `gnutls-serv`, `gnutls-cli` on 127.0.0.1; `.ci/run` installs gnutls-bin).
//!
//! Every external-peer scenario runs; the two that native-tls fails are
//! kept as tests of the divergence (listed in docs/engines.md), so a change
//! of behaviour is noticed: they must still fail, and fail that way.

use std::panic::{catch_unwind, AssertUnwindSafe};

use wiretls_native_tls::NativeTlsEngine;

mod native_tls {
    wiretls_conformance::__external_peer_tests!(wiretls_native_tls::NativeTlsEngine::new();
        client_vs_openssl_server, client_sni_vs_openssl_server, client_cert_vs_openssl_server,
        client_rejects_openssl_server, server_vs_openssl_client, server_closes_to_openssl_client,
        server_sni_vs_openssl_client, server_requires_cert_vs_openssl_client, server_rejected_by_openssl_client,
        client_vs_gnutls_server, client_sni_vs_gnutls_server, client_cert_vs_gnutls_server,
        client_rejects_gnutls_server, server_vs_gnutls_client, server_sni_vs_gnutls_client,
        server_requires_cert_vs_gnutls_client, server_rejected_by_gnutls_client,
        server_refuses_openssl_client_renegotiation, server_answers_openssl_client_key_update,
        server_tickets_go_out_without_a_write);
}

/// The scenario's failure message (it must fail).
fn failure(scenario: fn(&dyn wiretls_core::Engine)) -> String {
    match catch_unwind(AssertUnwindSafe(|| scenario(&NativeTlsEngine::new()))) {
        Ok(()) => panic!("the scenario passes now: remove the divergence from docs/engines.md and this file"),
        Err(payload) => wiretls_core::engine::panic_message(&*payload),
    }
}

/// Divergence: native-tls's client answers a server's KeyUpdate request
/// only with its next application write. OpenSSL keeps the answer for the
/// next `SSL_write`, and native-tls has no call that sends it alone (the
/// OpenSSL engine schedules it through libssl directly).
#[test]
fn divergence_client_answers_key_update_only_with_a_write() {
    let message = failure(wiretls_conformance::external::client_answers_openssl_server_key_update);
    assert!(message.contains("no KeyUpdate from our side while it only read"), "{message}");
}

/// Divergence: native-tls's client accepts a TLS 1.2 server's
/// renegotiation (OpenSSL's default); native-tls cannot set
/// `SSL_OP_NO_RENEGOTIATION`, which the OpenSSL engine sets.
#[test]
fn divergence_client_accepts_renegotiation() {
    let message = failure(wiretls_conformance::external::client_refuses_openssl_server_renegotiation);
    assert!(message.contains("renegotiation not refused as expected"), "{message}");
}
