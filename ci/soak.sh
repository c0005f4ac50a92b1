#!/usr/bin/env bash
# The soak through wiretls-tokio (tokio/tests/common/soak.rs), every engine
# pair one at a time: handshakes and echoed bytes over 127.0.0.1, every
# echo checked, resident memory after a warm-up against the end.
#   bash ci/soak.sh          the short plan (what `cargo test` runs), release build
#   bash ci/soak.sh --full   issue 14's plan: 20,000 handshakes, 2 GiB, 256 at once, per pair
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--full" ] && export WIRETLS_SOAK=full
for package in wiretls-tokio wiretls-tokio-boring; do
    cargo test -q --release --locked -p "$package" --test soak -- --test-threads=1 --nocapture 2>&1 |
        grep -E "^soak |test result|panicked|failed"
done
