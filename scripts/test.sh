#!/usr/bin/env bash
# `make test`: builds everything and runs every suite through one ctest run, which prints
# the summary line and fails on any failure:
#   unit (GoogleTest), unit.asan (the same unit tests built with ASan + UBSan),
#   api.* (the real binary over HTTP, SQLite), api-pg.* (the same suites on a throwaway
#   PostgreSQL cluster), web.unit (Vitest), web.e2e (Chromium via playwright-core).
# PAINEL_SKIP_ASAN=1 skips the sanitizer build (saves ~5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
JOBS="$(nproc)"
ASAN_BUILD="$BUILD-asan"
if [[ "${PAINEL_SKIP_ASAN:-0}" != 1 ]]; then
  cmake -S . -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DPAINEL_SANITIZE=ON >/dev/null
  cmake --build "$ASAN_BUILD" -j"$JOBS" --target painel_unit_tests
  cmake -S . -B "$BUILD" -DPAINEL_ASAN_UNIT_TESTS="$PWD/$ASAN_BUILD/painel_unit_tests" >/dev/null
else
  cmake -S . -B "$BUILD" -DPAINEL_ASAN_UNIT_TESTS= >/dev/null
fi
cmake --build "$BUILD" -j"$JOBS"
./scripts/build-web.sh
cd "$BUILD"
ctest --output-on-failure -j"$JOBS" --timeout 900
