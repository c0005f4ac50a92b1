//! The rustls engine as a peer process for `remote` (it checks the remote
//! layer itself: every scenario must pass through it as in-process).

fn main() {
    wiretls_conformance::remote::serve(&wiretls_rustls::RustlsEngine::default());
}
