//! The soak (`common::soak`) for every pair this binary can link: rustls
//! and OpenSSL as client and as server. A short plan in `cargo test`; the
//! full plan with `WIRETLS_SOAK=full` (`ci/soak.sh --full`).

mod common;

fn engine(name: &str) -> std::sync::Arc<dyn wiretls::Engine> {
    match name {
        "openssl" => std::sync::Arc::new(wiretls_openssl::OpensslEngine::new()),
        _ => wiretls::shared_engine(name).unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

mod rustls_x_rustls {
    use super::*;
    soak_test!(engine("rustls"), engine("rustls"), "rustls x rustls");
}

mod rustls_x_openssl {
    use super::*;
    soak_test!(engine("rustls"), engine("openssl"), "rustls x openssl");
}

mod openssl_x_rustls {
    use super::*;
    soak_test!(engine("openssl"), engine("rustls"), "openssl x rustls");
}

mod openssl_x_openssl {
    use super::*;
    soak_test!(engine("openssl"), engine("openssl"), "openssl x openssl");
}
