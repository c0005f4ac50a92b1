//! The conformance suite: native-tls x native-tls, and native-tls <-> rustls
//! and <-> openssl, in one process.

use wiretls_native_tls::NativeTlsEngine;
use wiretls_openssl::OpensslEngine;
use wiretls_rustls::RustlsEngine;

mod native_tls_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), NativeTlsEngine::new());
}

mod native_tls_x_rustls {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), RustlsEngine::default());
}

mod rustls_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(RustlsEngine::default(), NativeTlsEngine::new());
}

mod native_tls_x_openssl {
    use super::*;
    wiretls_conformance::conformance_tests!(NativeTlsEngine::new(), OpensslEngine::new());
}

mod openssl_x_native_tls {
    use super::*;
    wiretls_conformance::conformance_tests!(OpensslEngine::new(), NativeTlsEngine::new());
}
