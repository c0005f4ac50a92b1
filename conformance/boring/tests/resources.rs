//! Per-connection memory under hostile peers, for the boring engine (one
//! test in its own binary: the heap readings are process-wide).

#[test]
fn boring_connections_stay_bounded_under_hostile_peers() {
    wiretls_conformance::resources::check(&wiretls_boring::BoringEngine);
}
