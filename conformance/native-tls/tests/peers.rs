//! The native-tls engine against real OpenSSL and GnuTLS peers (`openssl`,
//! `gnutls-serv`, `gnutls-cli` on 127.0.0.1; `.ci/run` installs gnutls-bin).

mod native_tls {
    wiretls_conformance::external_peer_tests!(wiretls_native_tls::NativeTlsEngine::new());
}
