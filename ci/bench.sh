#!/usr/bin/env bash
# The engine comparison (docs/benchmarks.md): builds the bench binaries with
# the bench profile, then runs the driver, which runs each engine's binary
# (OpenSSL and BoringSSL never share a process). Arguments go to the driver:
#   bash ci/bench.sh --quick    what CI runs (a smoke run, well under 3 minutes)
#   bash ci/bench.sh --docs     the full run; rewrites docs/benchmarks.md and its charts
#   bash ci/bench.sh --calibrate  the native path against itself: the harness's own bias
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile bench --locked -p wiretls-bench -p wiretls-bench-openssl -p wiretls-bench-boring -p wiretls-bench-native-tls --bins
target/release/bench "$@"
