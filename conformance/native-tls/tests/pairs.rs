//! The conformance suite: native-tls x native-tls, and native-tls <-> rustls
//! and <-> openssl, in one process.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_native_tls::NativeTlsEngine;
use wiretls_openssl::OpensslEngine;
use wiretls_rustls::RustlsEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::native_tls_x_native_tls(Box::new(NativeTlsEngine::new()), Box::new(NativeTlsEngine::new()))]
#[case::native_tls_x_rustls(Box::new(NativeTlsEngine::new()), Box::new(RustlsEngine::default()))]
#[case::rustls_x_native_tls(Box::new(RustlsEngine::default()), Box::new(NativeTlsEngine::new()))]
#[case::native_tls_x_openssl(Box::new(NativeTlsEngine::new()), Box::new(OpensslEngine::new()))]
#[case::openssl_x_native_tls(Box::new(OpensslEngine::new()), Box::new(NativeTlsEngine::new()))]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);

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
