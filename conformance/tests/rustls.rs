//! The conformance suite for rustls, with each crypto provider, as client
//! and as server: both providers link into one binary.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_rustls::RustlsEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::rustls_x_rustls(Box::new(RustlsEngine::aws_lc_rs()), Box::new(RustlsEngine::aws_lc_rs()))]
#[case::rustls_ring_x_rustls_ring(Box::new(RustlsEngine::ring()), Box::new(RustlsEngine::ring()))]
#[case::rustls_x_rustls_ring(Box::new(RustlsEngine::aws_lc_rs()), Box::new(RustlsEngine::ring()))]
#[case::rustls_ring_x_rustls(Box::new(RustlsEngine::ring()), Box::new(RustlsEngine::aws_lc_rs()))]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);

/// `start_static` over rustls (both providers): the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    wiretls_conformance::static_dispatch::check(&RustlsEngine::aws_lc_rs(), &RustlsEngine::aws_lc_rs());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::ring(), &RustlsEngine::aws_lc_rs());
}

/// `data_from_wire_in_place` over rustls: the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    wiretls_conformance::in_place::check(&RustlsEngine::aws_lc_rs(), &RustlsEngine::ring());
}
