#!/usr/bin/env bash
# Formatting, clippy and rustdoc with warnings denied, package by package
# (packages that link OpenSSL and BoringSSL can never share one build).
set -euo pipefail
cargo fmt --all -- --check
packages=(wiretls-core wiretls-rustls wiretls-openssl wiretls-conformance wiretls-conformance-openssl wiretls)
for p in "${packages[@]}"; do
    echo "== clippy $p"
    cargo clippy -p "$p" --all-targets --locked -- -D warnings
    echo "== doc $p"
    RUSTDOCFLAGS=-Dwarnings cargo doc -p "$p" --no-deps --locked
done
