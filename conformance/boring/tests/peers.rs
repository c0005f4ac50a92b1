//! The boring engine against real OpenSSL and GnuTLS peers.

mod boring {
    wiretls_conformance::external_peer_tests!(wiretls_boring::BoringEngine::new());
}
