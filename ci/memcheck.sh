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
#
# The test binaries are built first, one cargo at a time; then valgrind runs
# them MEMCHECK_JOBS at a time (default: the number of cores). valgrind runs
# all of a program's threads on one core, so two binaries fill two cores;
# each binary still runs its tests one at a time. The default order puts the
# longest runs first.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=("$@")
[ "${#packages[@]}" -gt 0 ] || packages=(wiretls-conformance-openssl wiretls-conformance-boring
    wiretls-tokio-boring:boring_x_boring wiretls-tokio:openssl_x_openssl)
jobs=${MEMCHECK_JOBS:-$(nproc)}
mkdir -p target

bins=()
for entry in "${packages[@]}"; do
    package=${entry%%:*}
    cargo test -p "$package" --test pairs --no-run --locked 2>&1 | tee target/memcheck-build.log | tail -1
    bins+=("$(grep -o 'target/debug/deps/pairs-[0-9a-f]*' target/memcheck-build.log | tail -1)")
done

# One valgrind run: its log and, when it ends, its exit status and seconds.
check() {
    local index=$1 entry=$2 bin=$3
    local package=${entry%%:*} filter="" started
    [ "$entry" = "$package" ] || filter=${entry#*:}
    started=$(date +%s)
    echo "== memcheck $package $filter ($bin)"
    local status=0
    # shellcheck disable=SC2086 # an empty filter is no argument; filters are split on spaces
    valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=yes \
        "$bin" --test-threads=1 $filter >"target/memcheck-$index-$package.log" 2>&1 || status=$?
    echo "$status $(( $(date +%s) - started ))" >"target/memcheck-$index.status"
}

running=0
for index in "${!packages[@]}"; do
    rm -f "target/memcheck-$index.status"
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
    check "$index" "${packages[$index]}" "${bins[$index]}" &
    running=$((running + 1))
done
wait || true

failed=0
for index in "${!packages[@]}"; do
    log="target/memcheck-$index-${packages[$index]%%:*}.log"
    read -r status seconds <"target/memcheck-$index.status" || { status=1; seconds=?; }
    echo "== ${packages[$index]}: valgrind exit $status in $seconds s ($log)"
    if [ "$status" -ne 0 ]; then
        tail -60 "$log"; failed=1
    else
        grep -E "test result|definitely lost|indirectly lost|ERROR SUMMARY" "$log" || true
    fi
done
[ "$failed" -eq 0 ] || { echo "memcheck failed"; exit 1; }
