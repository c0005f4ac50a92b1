#!/usr/bin/env bash
# valgrind memcheck over the conformance tests of the engines that wrap C
# libraries: OpenSSL (openssl x openssl, rustls <-> openssl) and BoringSSL
# (boring x boring, rustls <-> boring). It fails on any invalid read or
# write, use of uninitialised memory, or definitely/indirectly lost block.
# "Still reachable" blocks are process-wide caches (the libraries' provider
# and error tables, the backtrace symbolizer of a caught divergence) and are
# not counted.
# Then the same over wiretls-tokio's socket tests of each C engine with
# itself (openssl x openssl, boring x boring: real sockets, the async
# stores, cancellation, backpressure).
# Usage: ci/memcheck.sh [package[:filter] ...]   (default: all four below)
set -euo pipefail
cd "$(dirname "$0")/.."
packages=("$@")
[ "${#packages[@]}" -gt 0 ] || packages=(wiretls-conformance-openssl wiretls-conformance-boring
    wiretls-tokio:openssl_x_openssl wiretls-tokio-boring:boring_x_boring)
mkdir -p target
for entry in "${packages[@]}"; do
    package=${entry%%:*}
    filter=""
    [ "$entry" = "$package" ] || filter=${entry#*:}
    cargo test -p "$package" --test pairs --no-run --locked 2>&1 | tee target/memcheck-build.log | tail -1
    bin=$(grep -o 'target/debug/deps/pairs-[0-9a-f]*' target/memcheck-build.log | tail -1)
    log="target/memcheck-$package.log"
    echo "== memcheck $package $filter ($bin)"
    # shellcheck disable=SC2086 # an empty filter is no argument
    valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=yes \
        "$bin" --test-threads=1 $filter >"$log" 2>&1 || { tail -60 "$log"; echo "memcheck failed for $package"; exit 1; }
    grep -E "test result|definitely lost|indirectly lost|ERROR SUMMARY" "$log"
done
