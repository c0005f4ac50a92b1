//! The conformance suite for rustls, with each crypto provider, as client
//! and as server: both providers link into one binary.

mod rustls_x_rustls {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::aws_lc_rs(), RustlsEngine::aws_lc_rs());
}

mod rustls_ring_x_rustls_ring {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::ring(), RustlsEngine::ring());
}

mod rustls_x_rustls_ring {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::aws_lc_rs(), RustlsEngine::ring());
}

mod rustls_ring_x_rustls {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::ring(), RustlsEngine::aws_lc_rs());
}

/// `start_static` over rustls (both providers): the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::static_dispatch::check(&RustlsEngine::aws_lc_rs(), &RustlsEngine::aws_lc_rs());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::ring(), &RustlsEngine::aws_lc_rs());
}

/// `data_from_wire_in_place` over rustls: the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::in_place::check(&RustlsEngine::aws_lc_rs(), &RustlsEngine::ring());
}
