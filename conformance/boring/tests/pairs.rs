//! The conformance suite: boring x boring, and rustls <-> boring.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_boring::BoringEngine;
use wiretls_rustls::RustlsEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::boring_x_boring(Box::new(BoringEngine::new()), Box::new(BoringEngine::new()))]
#[case::rustls_x_boring(Box::new(RustlsEngine::default()), Box::new(BoringEngine::new()))]
#[case::boring_x_rustls(Box::new(BoringEngine::new()), Box::new(RustlsEngine::default()))]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);

/// `start_static` over boring, and boring <-> rustls: the same outcome as through `&dyn Engine`.
#[test]
fn static_dispatch_matches_dynamic() {
    wiretls_conformance::static_dispatch::check(&BoringEngine::new(), &BoringEngine::new());
    wiretls_conformance::static_dispatch::check(&BoringEngine::new(), &RustlsEngine::default());
    wiretls_conformance::static_dispatch::check(&RustlsEngine::default(), &BoringEngine::new());
}

/// `data_from_wire_in_place` over boring (as client and as server with rustls): the same data and faults as `data_from_wire`.
#[test]
fn in_place_matches_data_from_wire() {
    wiretls_conformance::in_place::check(&BoringEngine::new(), &BoringEngine::new());
    wiretls_conformance::in_place::check(&BoringEngine::new(), &RustlsEngine::default());
    wiretls_conformance::in_place::check(&RustlsEngine::default(), &BoringEngine::new());
}
