//! The soak (`common::soak`) for BoringSSL's pairs: boring x boring and
//! rustls <-> boring. A short plan in `cargo test`; the full plan with
//! `WIRETLS_SOAK=full` (`ci/soak.sh --full`).

#[path = "../../tests/common/mod.rs"]
mod common;

mod engines;

use engines::{boring, rustls};

mod boring_x_boring {
    use super::*;
    soak_test!(boring(), boring(), "boring x boring");
}

mod rustls_x_boring {
    use super::*;
    soak_test!(rustls(), boring(), "rustls x boring");
}

mod boring_x_rustls {
    use super::*;
    soak_test!(boring(), rustls(), "boring x rustls");
}
