#!/usr/bin/env bash
# System packages the build and the tests need on a fresh Debian 12 machine.
# rustls (aws-lc-rs) needs only gcc/cmake-free C builds that the image has.
set -euo pipefail
packages=(ca-certificates)
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
