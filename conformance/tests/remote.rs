//! The remote layer itself: rustls in this process against rustls in a peer
//! process must pass every scenario, as in one process.

use wiretls_conformance::remote::RemoteEngine;

mod rustls_x_remote_rustls {
    use super::*;
    wiretls_conformance::conformance_tests!(
        wiretls_rustls::RustlsEngine::default(),
        RemoteEngine::spawn_named("peer-rustls")
    );
}

mod remote_rustls_x_rustls {
    use super::*;
    wiretls_conformance::conformance_tests!(
        RemoteEngine::spawn_named("peer-rustls"),
        wiretls_rustls::RustlsEngine::default()
    );
}
