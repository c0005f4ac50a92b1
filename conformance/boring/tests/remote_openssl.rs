//! BoringSSL <-> OpenSSL, both directions, with OpenSSL in a peer process
//! (`peer-openssl`, built by `cargo test --workspace`): the two can never
//! share one binary.

use wiretls_conformance::remote::RemoteEngine;

mod boring_x_openssl {
    use super::*;
    wiretls_conformance::conformance_tests!(
        wiretls_boring::BoringEngine::new(),
        RemoteEngine::spawn_named("peer-openssl")
    );
}

mod openssl_x_boring {
    use super::*;
    wiretls_conformance::conformance_tests!(
        RemoteEngine::spawn_named("peer-openssl"),
        wiretls_boring::BoringEngine::new()
    );
}
