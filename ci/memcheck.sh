#!/usr/bin/env bash
# valgrind memcheck over the OpenSSL engine's conformance tests (openssl x
# openssl and both rustls <-> openssl directions): no invalid reads or
# writes, no use of uninitialised memory, no definitely or indirectly lost
# blocks. "Still reachable" blocks are process-wide caches (OpenSSL's
# providers, the backtrace symbolizer of a caught divergence) and are not
# counted. Usage: ci/memcheck.sh [test filter]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p wiretls-conformance-openssl --test pairs --no-run --locked 2>&1 | tee /tmp/memcheck-build.log | tail -1
bin=$(grep -o 'target/debug/deps/pairs-[0-9a-f]*' /tmp/memcheck-build.log | tail -1)
log=target/memcheck.log
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --track-origins=yes \
    "$bin" "${1:-}" --test-threads=1 >"$log" 2>&1 || { tail -60 "$log"; echo "memcheck failed"; exit 1; }
grep -E "test result|definitely lost|indirectly lost|ERROR SUMMARY" "$log"
