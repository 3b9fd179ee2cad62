#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (fuzz/: clang, ASan + UBSan) in BUILD-fuzz and
# fuzzes each one for FUZZ_SECONDS (default 60). New inputs go to BUILD-fuzz/corpus/<t>
# (fuzz/corpus/<t> is read, never written: copy the interesting ones there by hand, small);
# crashes, leaks and timeouts are saved in BUILD-fuzz/crashes/<t>/, logs in
# BUILD-fuzz/logs/. Fails if any target crashed.
#   FUZZ_TARGETS="json cron"   only these targets (default: all, from fuzz/targets.cmake)
#   FUZZ_PARALLEL=2            targets fuzzed at once (default 1), each at nice 10
#   scripts/fuzz.sh --build-only [BUILD]   just build (used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_ONLY=0
if [[ "${1:-}" == --build-only ]]; then
  BUILD_ONLY=1
  shift
fi
FUZZ_BUILD="${1:-build}-fuzz"

# The fuzz build is its own CMake project: clang for libFuzzer, only the sources the
# targets need; the main build keeps GCC.
cmake -S fuzz -B "$FUZZ_BUILD" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
  >/dev/null
cmake --build "$FUZZ_BUILD" -j"$(nproc)"
((BUILD_ONLY)) && exit 0

SECONDS_EACH="${FUZZ_SECONDS:-60}"
read -r -a TARGETS <<<"${FUZZ_TARGETS:-$(sed -n 's/^set(PAINEL_FUZZ_TARGETS \(.*\))$/\1/p' fuzz/targets.cmake)}"
PARALLEL="${FUZZ_PARALLEL:-1}"

fuzz_one() {
  local t="$1" dict="fuzz/dict/$1.dict"
  [[ "$t" == ingest_batch ]] && dict=fuzz/dict/json.dict  # an ingest body is JSON
  mkdir -p "$FUZZ_BUILD/corpus/$t" "$FUZZ_BUILD/crashes/$t" "$FUZZ_BUILD/logs"
  local args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$FUZZ_BUILD/crashes/$t/")
  [[ -f "$dict" ]] && args+=(-dict="$dict")
  if nice -n 10 "$FUZZ_BUILD/fuzz_$t" "${args[@]}" "$FUZZ_BUILD/corpus/$t" "fuzz/corpus/$t" \
    >"$FUZZ_BUILD/logs/$t.log" 2>&1; then
    echo "fuzz: $t ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
      "$FUZZ_BUILD/logs/$t.log" | grep -o '[0-9]*$') runs in ${SECONDS_EACH}s)"
  else
    echo "fuzz: $t FAILED: see $FUZZ_BUILD/logs/$t.log and $FUZZ_BUILD/crashes/$t/" >&2
    return 1
  fi
}

failed=0
running=0
for t in "${TARGETS[@]}"; do
  if ((running >= PARALLEL)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
