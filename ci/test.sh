#!/usr/bin/env bash
# The test command of README.md.
set -euo pipefail
bash ci/system-packages.sh && cargo test --workspace --locked && bash ci/python.sh
