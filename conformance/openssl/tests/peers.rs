//! The rustls and openssl engines against real OpenSSL and GnuTLS peers
//! (`openssl`, `gnutls-serv`, `gnutls-cli` on 127.0.0.1; `.ci/run` installs
//! gnutls-bin).

mod rustls {
    wiretls_conformance::external_peer_tests!(wiretls_rustls::RustlsEngine::default());
}

mod openssl {
    wiretls_conformance::external_peer_tests!(wiretls_openssl::OpensslEngine::new());
}
