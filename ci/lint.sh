#!/usr/bin/env bash
# Formatting, clippy and rustdoc with warnings denied, package by package
# (packages that link OpenSSL and BoringSSL can never share one build).
set -euo pipefail
cargo fmt --all -- --check
packages=(wiretls-core wiretls-rustls wiretls-openssl wiretls-boring wiretls-native-tls wiretls-conformance wiretls-conformance-openssl
    wiretls-conformance-native-tls wiretls-conformance-boring wiretls wiretls-bench wiretls-bench-openssl
    wiretls-bench-native-tls wiretls-bench-boring wiretls-tokio
    wiretls-tokio-boring wiretls-cli wiretls-testpki wiretls-fuzz wiretls-fuzz-common wiretls-fuzz-boring
    wiretls-python wiretls-python-boring)
# Every package, in one invocation each: the same feature unification as the
# test build, so BoringSSL is not built again (clippy and rustdoc do not
# link, so OpenSSL and BoringSSL may share the run).
selection=()
for p in "${packages[@]}"; do selection+=(-p "$p"); done
echo "== clippy ${packages[*]}"
cargo clippy "${selection[@]}" --all-targets --locked -- -D warnings
echo "== doc ${packages[*]}"
RUSTDOCFLAGS=-Dwarnings cargo doc "${selection[@]}" --no-deps --locked

# The facade must refuse OpenSSL and BoringSSL together, loudly.
echo "== wiretls --features openssl,boring must not compile"
if cargo check -p wiretls --features openssl,boring --locked 2>target/both-engines.log; then
    echo "wiretls compiled with both openssl and boring"; exit 1
fi
grep -q "cannot be enabled together" target/both-engines.log

# The facade's native-tls feature: wiretls::engine("native-tls") (its own
# small build: the workspace's test build leaves it off, see wiretls/src/lib.rs).
echo "== wiretls --features native-tls"
cargo test -q -p wiretls --features native-tls --lib --locked

# ... and native-tls (OpenSSL on Linux) with BoringSSL.
echo "== wiretls --features native-tls,boring must not compile"
if cargo check -p wiretls --features native-tls,boring --locked 2>target/native-and-boring.log; then
    echo "wiretls compiled with both native-tls and boring"; exit 1
fi
grep -q "cannot be enabled together" target/native-and-boring.log
