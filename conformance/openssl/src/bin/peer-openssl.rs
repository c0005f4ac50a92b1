//! The OpenSSL engine as a peer process for `wiretls_conformance::remote`.

fn main() {
    wiretls_conformance::remote::serve(&wiretls_openssl::OpensslEngine::new());
}
