//! Per-connection memory under hostile peers, for the rustls engine (one
//! test in its own binary: the heap readings are process-wide).

#[test]
fn rustls_connections_stay_bounded_under_hostile_peers() {
    wiretls_conformance::resources::check(&wiretls_rustls::RustlsEngine::aws_lc_rs());
}
