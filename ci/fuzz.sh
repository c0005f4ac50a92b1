#!/usr/bin/env bash
# Fuzz one target of wiretls-fuzz under cargo-fuzz (libFuzzer, nightly):
#   bash ci/fuzz.sh TARGET [SECONDS]     (default 600; TARGETs: fuzz/src/lib.rs, fuzz/boring/src/lib.rs)
# Starts from fuzz/corpus/TARGET (seeded by make-seeds when empty), merges
# what adds coverage back into it, and keeps a crash in
# the project's artifacts/TARGET/. Installs the nightly toolchain and
# cargo-fuzz when missing. CI does not fuzz: `cargo test -p wiretls-fuzz`
# replays the committed corpus on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: bash ci/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=fuzz/corpus/$target
# BoringSSL's targets have their own cargo-fuzz project (it cannot share a
# binary with OpenSSL).
fuzz_dir=fuzz/libfuzzer seeds=(-p wiretls-fuzz --bin make-seeds)
case $target in *_boring) fuzz_dir=fuzz/boring/libfuzzer seeds=(-p wiretls-fuzz-boring --bin make-seeds-boring) ;; esac
if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
    cargo run -q "${seeds[@]}" -- "$target"
fi
found=target/fuzz-found/$target
mkdir -p "$found"
log=target/fuzz-$target.log
# libFuzzer writes new inputs into the first folder and reads both.
cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" "$target" "$found" "$corpus" -- \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 2>&1 | tee "$log" | grep -E "^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY|stat::" || true
status=${PIPESTATUS[0]}
# Keep only what adds coverage to the committed corpus.
cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" "$target" "$corpus" "$found" -- -merge=1 >/dev/null 2>&1 || true
echo "$target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1) in ${seconds} s; corpus $(ls "$corpus" | wc -l) files; exit $status (log: $log)"
exit "$status"
