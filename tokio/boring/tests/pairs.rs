//! wiretls-tokio over 127.0.0.1 with BoringSSL: boring x boring and
//! rustls <-> boring (the scenarios of `tokio/tests/common`).

#[path = "../../tests/common/mod.rs"]
mod common;

use std::sync::Arc;

fn boring() -> Arc<dyn wiretls_core::Engine> {
    Arc::new(wiretls_boring::BoringEngine)
}

fn rustls() -> Arc<dyn wiretls_core::Engine> {
    Arc::new(wiretls_rustls::RustlsEngine::aws_lc_rs())
}

mod boring_x_boring {
    use super::*;
    tokio_tests!(boring(), boring());
}

mod rustls_x_boring {
    use super::*;
    tokio_tests!(rustls(), boring());
}

mod boring_x_rustls {
    use super::*;
    tokio_tests!(boring(), rustls());
}
