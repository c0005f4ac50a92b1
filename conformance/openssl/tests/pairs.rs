//! The conformance suite: openssl x openssl, and rustls <-> openssl.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_openssl::OpensslEngine;
use wiretls_rustls::RustlsEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::openssl_x_openssl(Box::new(OpensslEngine::new()), Box::new(OpensslEngine::new()))]
#[case::rustls_x_openssl(Box::new(RustlsEngine::default()), Box::new(OpensslEngine::new()))]
#[case::openssl_x_rustls(Box::new(OpensslEngine::new()), Box::new(RustlsEngine::default()))]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);

/// `start_static` over openssl, and openssl <-> rustls: the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    wiretls_conformance::static_dispatch::check(&OpensslEngine::new(), &OpensslEngine::new());
    wiretls_conformance::static_dispatch::check(&OpensslEngine::new(), &RustlsEngine::default());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::default(), &OpensslEngine::new());
}

/// `data_from_wire_in_place` over openssl (as client and as server with rustls): the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    wiretls_conformance::in_place::check(&OpensslEngine::new(), &OpensslEngine::new());
    wiretls_conformance::in_place::check(&OpensslEngine::new(), &RustlsEngine::default());
    wiretls_conformance::in_place::check(&RustlsEngine::default(), &OpensslEngine::new());
}
