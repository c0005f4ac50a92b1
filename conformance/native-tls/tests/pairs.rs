//! The conformance suite: native-tls x native-tls, and native-tls <-> rustls
//! and <-> openssl, in one process.

use wiretls_native_tls::NativeTlsEngine;
use wiretls_openssl::OpensslEngine;
use wiretls_rustls::RustlsEngine;

mod native_tls_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), NativeTlsEngine::new());
}

mod native_tls_x_rustls {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), RustlsEngine::default());
}

mod rustls_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(RustlsEngine::default(), NativeTlsEngine::new());
}

mod native_tls_x_openssl {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), OpensslEngine::new());
}

mod openssl_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(OpensslEngine::new(), NativeTlsEngine::new());
}

/// `start_static` over native-tls, and native-tls <-> rustls and openssl:
/// the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    wiretls_conformance::static_dispatch::check(&NativeTlsEngine::new(), &NativeTlsEngine::new());
    wiretls_conformance::static_dispatch::check(&NativeTlsEngine::new(), &RustlsEngine::default());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::default(), &NativeTlsEngine::new());
    wiretls_conformance::static_dispatch::check(&NativeTlsEngine::new(), &OpensslEngine::new());
}

/// `data_from_wire_in_place` over native-tls: the same data and faults as
/// `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    wiretls_conformance::in_place::check(&NativeTlsEngine::new(), &NativeTlsEngine::new());
    wiretls_conformance::in_place::check(&NativeTlsEngine::new(), &RustlsEngine::default());
    wiretls_conformance::in_place::check(&RustlsEngine::default(), &NativeTlsEngine::new());
}
