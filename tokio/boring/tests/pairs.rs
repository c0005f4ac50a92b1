//! wiretls-tokio over 127.0.0.1 with BoringSSL: boring x boring and
//! rustls <-> boring (the scenarios of `tokio/tests/common`).

#[path = "../../tests/common/mod.rs"]
mod common;

mod engines;

use engines::{boring, rustls};

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
