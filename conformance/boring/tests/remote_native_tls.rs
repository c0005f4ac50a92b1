//! BoringSSL <-> native-tls, both directions, with native-tls (OpenSSL on
//! Linux) in a peer process (`peer-native-tls`, built by
//! `cargo test --workspace`): the two can never share one binary here.

use wiretls_conformance::remote::RemoteEngine;

mod boring_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(
        wiretls_boring::BoringEngine::new(),
        RemoteEngine::spawn_named("peer-native-tls")
    );
}

mod native_tls_x_boring {
    use super::*;
    wiretls_conformance::conformance_tests!(
        RemoteEngine::spawn_named("peer-native-tls"),
        wiretls_boring::BoringEngine::new()
    );
}
