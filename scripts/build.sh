#!/usr/bin/env bash
# Install what is missing and build into ./build (or $1, with extra meson options after it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=${1:-build}
[ $# -gt 0 ] && shift
scripts/deps.sh
[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
ninja -C "$dir" -j"$(nproc)"
