#!/usr/bin/env bash
# System packages the build and the tests need on a fresh Debian 12 machine.
# gnutls-bin: the GnuTLS peers of the external-peer tests; libssl-dev and
# pkg-config: the OpenSSL engine (on the image, listed to be sure); cmake,
# libclang1-14 and libclang-common-14-dev: boring-sys builds BoringSSL and
# its bindings; valgrind: the memory check.
set -euo pipefail
packages=(ca-certificates curl gnutls-bin libssl-dev pkg-config cmake libclang1-14 libclang-common-14-dev valgrind)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
