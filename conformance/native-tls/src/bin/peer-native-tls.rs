//! The native-tls engine as a peer process for `wiretls_conformance::remote`.

fn main() {
    // The engine lives as long as the process (nested calls reach it).
    wiretls_conformance::remote::serve(Box::leak(Box::new(wiretls_native_tls::NativeTlsEngine::new())));
}
