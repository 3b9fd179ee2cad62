#!/usr/bin/env bash
# `make test`: builds everything and runs every suite through one ctest run, which prints
# the summary line and fails on any failure:
#   unit (GoogleTest), unit.asan (the same unit tests built with ASan + UBSan),
#   api.* (the real binary over HTTP, SQLite), api-pg.* (the same suites on a throwaway
#   PostgreSQL cluster), web.unit (Vitest), web.e2e (Chromium via playwright-core),
#   fuzz.* (each libFuzzer target over its seed corpus, fuzz/corpus/, ASan + UBSan).
# PAINEL_SKIP_ASAN=1 skips the sanitizer build (saves ~5 minutes on 2 cores);
# PAINEL_SKIP_FUZZ=1 skips the fuzz build (clang, in BUILD-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
JOBS="$(nproc)"
ASAN_BUILD="$BUILD-asan"
FUZZ_DIR=""
if [[ "${PAINEL_SKIP_FUZZ:-0}" != 1 ]]; then
  ./scripts/fuzz.sh --build-only "$BUILD"
  FUZZ_DIR="$PWD/$BUILD-fuzz"
fi
if [[ "${PAINEL_SKIP_ASAN:-0}" != 1 ]]; then
  cmake -S . -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DPAINEL_SANITIZE=ON >/dev/null
  cmake --build "$ASAN_BUILD" -j"$JOBS" --target painel_unit_tests
  cmake -S . -B "$BUILD" -DPAINEL_ASAN_UNIT_TESTS="$PWD/$ASAN_BUILD/painel_unit_tests" \
    -DPAINEL_FUZZ_DIR="$FUZZ_DIR" >/dev/null
else
  cmake -S . -B "$BUILD" -DPAINEL_ASAN_UNIT_TESTS= -DPAINEL_FUZZ_DIR="$FUZZ_DIR" >/dev/null
fi
cmake --build "$BUILD" -j"$JOBS"
./scripts/build-web.sh
cd "$BUILD"
ctest --output-on-failure -j"$JOBS" --timeout 900
