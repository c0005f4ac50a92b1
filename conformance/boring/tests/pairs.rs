//! The conformance suite: boring x boring, and rustls <-> boring.

mod boring_x_boring {
    use wiretls_boring::BoringEngine;
    wiretls_conformance::conformance_tests!(BoringEngine::new(), BoringEngine::new());
}

mod rustls_x_boring {
    use wiretls_boring::BoringEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::default(), BoringEngine::new());
}

mod boring_x_rustls {
    use wiretls_boring::BoringEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(BoringEngine::new(), RustlsEngine::default());
}

/// `start_static` over boring, and boring <-> rustls: the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    use wiretls_boring::BoringEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::static_dispatch::check(&BoringEngine::new(), &BoringEngine::new());
    wiretls_conformance::static_dispatch::check(&BoringEngine::new(), &RustlsEngine::default());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::default(), &BoringEngine::new());
}

/// `data_from_wire_in_place` over boring (as client and as server with rustls): the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    use wiretls_boring::BoringEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::in_place::check(&BoringEngine::new(), &BoringEngine::new());
    wiretls_conformance::in_place::check(&BoringEngine::new(), &RustlsEngine::default());
    wiretls_conformance::in_place::check(&RustlsEngine::default(), &BoringEngine::new());
}
