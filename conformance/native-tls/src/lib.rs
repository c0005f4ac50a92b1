//! Test-only package: see `tests/`, and the peer binary `peer-native-tls`
//! that conformance/boring drives.
