//! wiretls-tokio over 127.0.0.1 for every engine pair this binary can link:
//! rustls and OpenSSL, as client and as server. BoringSSL's pairs are in
//! `tokio/boring` (it cannot share a binary with OpenSSL); OpenSSL <->
//! BoringSSL runs across processes (`cross_process.rs`).

mod common;

fn engine(name: &str) -> std::sync::Arc<dyn wiretls::Engine> {
    match name {
        "openssl" => std::sync::Arc::new(wiretls_openssl::OpensslEngine::new()),
        _ => wiretls::shared_engine(name).unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

mod rustls_x_rustls {
    use super::*;
    tokio_tests!(engine("rustls"), engine("rustls"));
}

mod rustls_x_openssl {
    use super::*;
    tokio_tests!(engine("rustls"), engine("openssl"));
}

mod openssl_x_rustls {
    use super::*;
    tokio_tests!(engine("openssl"), engine("rustls"));
}

mod openssl_x_openssl {
    use super::*;
    tokio_tests!(engine("openssl"), engine("openssl"));
}
