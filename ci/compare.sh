#!/usr/bin/env bash
# README's main job: `wiretls compare`, the engines against each other and
# the OpenSSL and GnuTLS tools, then a quick bench, on certificates made for
# the run. Installs what it needs, builds the command and BoringSSL's bench
# binary beside it (BoringSSL cannot be linked into the command, which links
# OpenSSL), with the bench profile that ci/bench.sh shares. Arguments go to
# `wiretls compare` (--full for the full bench plan, --no-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/system-packages.sh
cargo build -q --profile bench --locked -p wiretls-cli -p wiretls-bench-boring --bins
target/release/wiretls compare "$@"
