#!/usr/bin/env bash
# `make test`: builds everything and runs every suite (unit, API over HTTP, web unit and
# browser tests) through ctest, which prints the summary line and fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
JOBS="$(nproc)"
cmake --build "$BUILD" -j"$JOBS"
./scripts/build-web.sh
cd "$BUILD"
ctest --output-on-failure -j"$JOBS" --timeout 900
