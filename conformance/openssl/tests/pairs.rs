//! The conformance suite: openssl x openssl, and rustls <-> openssl.

mod openssl_x_openssl {
    use wiretls_openssl::OpensslEngine;
    wiretls_conformance::conformance_tests!(OpensslEngine::new(), OpensslEngine::new());
}

mod rustls_x_openssl {
    use wiretls_openssl::OpensslEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(RustlsEngine::default(), OpensslEngine::new());
}

mod openssl_x_rustls {
    use wiretls_openssl::OpensslEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::conformance_tests!(OpensslEngine::new(), RustlsEngine::default());
}

/// `start_static` over openssl, and openssl <-> rustls: the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    use wiretls_openssl::OpensslEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::static_dispatch::check(&OpensslEngine::new(), &OpensslEngine::new());
    wiretls_conformance::static_dispatch::check(&OpensslEngine::new(), &RustlsEngine::default());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::default(), &OpensslEngine::new());
}

/// `data_from_wire_in_place` over openssl (as client and as server with rustls): the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    use wiretls_openssl::OpensslEngine;
    use wiretls_rustls::RustlsEngine;
    wiretls_conformance::in_place::check(&OpensslEngine::new(), &OpensslEngine::new());
    wiretls_conformance::in_place::check(&OpensslEngine::new(), &RustlsEngine::default());
    wiretls_conformance::in_place::check(&RustlsEngine::default(), &OpensslEngine::new());
}
