//! Per-connection memory under hostile peers, for the native-tls engine
//! (one test in its own binary: the heap readings are process-wide).

#[test]
fn native_tls_connections_stay_bounded_under_hostile_peers() {
    wiretls_conformance::resources::check(&wiretls_native_tls::NativeTlsEngine::new());
}
