//! The rustls engine as a peer process for `remote` (it checks the remote
//! layer itself: every scenario must pass through it as in-process).

fn main() {
    // The engine lives as long as the process (nested calls reach it).
    wiretls_conformance::remote::serve(Box::leak(Box::new(wiretls_rustls::RustlsEngine::default())));
}
