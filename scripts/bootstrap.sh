#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Install whatever Debian packages keel's build, tests and benchmarks need.
# Idempotent: quiet when everything is already there. Uses sudo when not root.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev time
libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev bc libpq-dev postgresql
libglpk-dev libgsl-dev libcmocka-dev curl libcurl4-openssl-dev libzstd-dev wrk nginx
python3 python3-scipy python3-pandas python3-statsmodels python3-xgboost
python3-numpy python3-prometheus-client python3-aiosmtpd coinor-cbc chromium fonts-wqy-microhei
libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils influxdb"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Node.js with npm: Debian's nodejs + npm, unless a Node.js that bundles npm
# (e.g. NodeSource's) is already installed; the two conflict.
if ! command -v node >/dev/null 2>&1; then missing="$missing nodejs"; fi
if ! command -v npm >/dev/null 2>&1; then
    if ! dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q nodesource; then
        missing="$missing npm"
    fi
fi

if [ -n "$missing" ]; then
    echo "bootstrap: installing$missing" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Front-end and browser-test dependencies pinned by package-lock.json.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$root/package-lock.json" ]; then
    stamp="$root/node_modules/.keel-lock"
    if [ ! -f "$stamp" ] || ! cmp -s "$root/package-lock.json" "$stamp"; then
        echo "bootstrap: npm ci" >&2
        (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        cp "$root/package-lock.json" "$stamp"
    fi
fi
