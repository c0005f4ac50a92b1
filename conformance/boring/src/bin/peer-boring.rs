//! The BoringSSL engine as a peer process for `wiretls_conformance::remote`.

fn main() {
    wiretls_conformance::remote::serve(&wiretls_boring::BoringEngine::new());
}
