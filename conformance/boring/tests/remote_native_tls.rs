//! BoringSSL <-> native-tls, both directions, with native-tls (OpenSSL on
//! Linux) in a peer process (`peer-native-tls`, built by
//! `cargo test --workspace`): the two can never share one binary here.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_boring::BoringEngine;
use wiretls_conformance::remote::RemoteEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::boring_x_native_tls(
    Box::new(BoringEngine::new()),
    Box::new(RemoteEngine::spawn_named("peer-native-tls"))
)]
#[case::native_tls_x_boring(
    Box::new(RemoteEngine::spawn_named("peer-native-tls")),
    Box::new(BoringEngine::new())
)]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);
