//! The remote layer itself: rustls in this process against rustls in a peer
//! process must pass every scenario, as in one process.

use rstest::rstest;
use rstest_reuse::{self, template};
use wiretls_conformance::remote::RemoteEngine;
use wiretls_rustls::RustlsEngine;

/// The engine pairs: one `#[case]` each.
#[template]
#[rstest]
#[case::rustls_x_remote_rustls(
    Box::new(RustlsEngine::default()),
    Box::new(RemoteEngine::spawn_named("peer-rustls"))
)]
#[case::remote_rustls_x_rustls(
    Box::new(RemoteEngine::spawn_named("peer-rustls")),
    Box::new(RustlsEngine::default())
)]
fn pairs(#[case] client: Box<dyn wiretls_core::Engine>, #[case] server: Box<dyn wiretls_core::Engine>) {}

wiretls_conformance::conformance_suite!(pairs);
