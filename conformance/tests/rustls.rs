//! The conformance suite for rustls as client and as server.

mod rustls_x_rustls {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::default(), RustlsEngine::default());
}
