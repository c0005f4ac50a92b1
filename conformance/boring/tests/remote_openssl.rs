//! BoringSSL <-> OpenSSL, both directions, with OpenSSL in a peer process
//! (`peer-openssl`, built by `cargo test --workspace`): the two can never
//! share one binary.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_boring::BoringEngine;
use wiretls_conformance::remote::RemoteEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::boring_x_openssl(Box::new(BoringEngine::new()), Box::new(RemoteEngine::spawn_named("peer-openssl")))]
#[case::openssl_x_boring(Box::new(RemoteEngine::spawn_named("peer-openssl")), Box::new(BoringEngine::new()))]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);
