#!/usr/bin/env bash
# Incremental aggregation (issue 20): a day of N raw events already folded, then M new
# events of the same day; times the pass over the new ones (`painel aggregate --dirty`,
# what the serve job runs every --aggregate-dirty-interval-ms) against a full rebuild of
# the day (`painel aggregate --from DAY --to DAY`, what every dirty pass cost before:
# one scan of the whole day).
#
# Usage: bench/aggregate_incremental.sh [N] [M] (default: 10000000 10000)
# TENANTS (1000): the tenants of bench/aggregate.sh's store (another number, its own store).
# Env: BUILD_DIR (default build), RUNS (3), DAY (2026-01-15), PAINEL_BIN_BEFORE (an older
# binary: it gets its own copy of the store, set up and folded by it alone, and each run
# times its passes right after this build's, so the two are compared in one run; one
# store for both would not do: a sketch written by one version may make the other rebuild). Reuses bench/aggregate.sh's generated
# store bench/data/aggregate/events-N.db (made by it if missing). Each incremental line ends
# with painel's own report: the pass's wall time and its CPU time apart from start-up.
# SERVE=1: the same passes in `painel serve` (what the issue measures): each build serves
# its own copy (the older one beside it, on the next port) with
# --aggregate-dirty-interval-ms 1000; events are added with sqlite3 while it runs, and each
# pass is read from the painel_aggregation_duration_seconds{kind="incremental"} histogram
# (its sum's and count's change), alternating between the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/aggregate_store.sh
BUILD_DIR="${BUILD_DIR:-build}"
BIN="$BUILD_DIR/painel"
RUNS="${RUNS:-3}"
DAY="${DAY:-2026-01-15}"
N="${1:-10000000}"
M="${2:-10000}"
DATA=bench/data/aggregate
export PAINEL_MASTER_KEY=bench-master-key
[[ -x $BIN ]] || { echo "build $BIN first" >&2; exit 1; }
[[ -f $DATA/events-$N$SUFFIX.db ]] || RUNS=1 BUILD_DIR="$BUILD_DIR" DAY="$DAY" bench/aggregate.sh "$N" >&2

work="$DATA/incremental-$N$SUFFIX.db"
# M new events of DAY for random contracted pairs, ids after every existing one, and the
# dirty marks ingestion would write.
add_events() {  # add_events STORE TAG
  sqlite3 "$1" > /dev/null <<SQL
.timeout 10000
PRAGMA synchronous = OFF;
CREATE TEMP TABLE pairs (k INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, agent_id TEXT NOT NULL);
INSERT INTO pairs(tenant_id, agent_id) SELECT tenant_id, agent_id FROM tenant_agents ORDER BY tenant_id, agent_id;
BEGIN;
WITH RECURSIVE seq(i, k) AS (
  SELECT 0, 1 + abs(random()) % (SELECT count(*) FROM pairs)
  UNION ALL
  SELECT i + 1, 1 + abs(random()) % (SELECT count(*) FROM pairs) FROM seq WHERE i + 1 < $M)
INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
                         tokens_used, cost_cents, ingested_at_ms, local_day)
SELECT printf('late-%s-%d-%010d', '$DAY', $2, i), p.tenant_id, p.agent_id,
       CAST(strftime('%s', '$DAY') AS INTEGER) * 1000 + abs(random()) % 86400000,
       abs(random()) % 100 >= 3, 80 + abs(random()) % 3000, abs(random()) % 4000,
       abs(random()) % 200, 0, CAST(strftime('%s', '$DAY') AS INTEGER) / 86400
  FROM seq, pairs p WHERE p.k = seq.k;
INSERT OR IGNORE INTO usage_dirty_days(day, tenant_id, marked_at)
  SELECT DISTINCT '$DAY', tenant_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM usage_events
   WHERE event_id LIKE 'late-$DAY-$2-%';
COMMIT;
SQL
}

timed() {  # prints wall seconds, CPU seconds (user + sys) and max RSS of a painel run
  local out
  out=$( { /usr/bin/time -v "$BIN" "$@" > /tmp/painel-bench-out.$$; } 2>&1 )
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' <<< "$out")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' <<< "$out")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' <<< "$out")
  echo "wall=$wall cpu_s=$cpu max_rss_mb=$rss $(tr '\n' ' ' < /tmp/painel-bench-out.$$)"
  rm -f /tmp/painel-bench-out.$$
}

before="$DATA/incremental-$N$SUFFIX-before.db"
setup() {  # setup BINARY STORE
  cp "$DATA/events-$N$SUFFIX.db" "$2"
  "$1" migrate --database "sqlite:$2" --no-backup > /dev/null  # a copy: no backup (GBs)
  echo "setup: full rebuild of $DAY ($N events): $(BIN=$1 timed aggregate --database "sqlite:$2" --from "$DAY" --to "$DAY")"
}
setup "$BIN" "$work"
[[ -z ${PAINEL_BIN_BEFORE:-} ]] || setup "$PAINEL_BIN_BEFORE" "$before"
if [[ ${SERVE:-0} == 1 ]]; then
  port=$((20000 + RANDOM % 20000))
  pids=()
  trap 'kill "${pids[@]}" 2> /dev/null || true' EXIT
  serve() {  # serve BINARY STORE PORT
    "$1" serve --database "sqlite:$2" --listen "127.0.0.1:$3" --aggregate-dirty-interval-ms 1000 \
      > "$2.serve.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$3/healthz" > /dev/null && return; sleep 0.1; done
    echo "serve on $3 did not start: $(tail -3 "$2.serve.log")" >&2
    exit 1
  }
  histogram() {  # the incremental passes' count and sum of seconds
    curl -sf "http://127.0.0.1:$1/metrics" | awk '
      /^painel_aggregation_duration_seconds_count\{kind="incremental"\}/ {c = $2}
      /^painel_aggregation_duration_seconds_sum\{kind="incremental"\}/ {s = $2}
      END {printf "%d %.6f\n", c, s}'
  }
  one_pass() {  # one_pass STORE PORT TAG: adds events, waits for the pass, prints its ms
    local c0 s0 c s
    read -r c0 s0 < <(histogram "$2")
    add_events "$1" "$3"
    for _ in $(seq 300); do
      read -r c s < <(histogram "$2")
      if ((c > c0)); then
        awk -v s="$s" -v s0="$s0" -v n=$((c - c0)) 'BEGIN {printf "%.1f ms (%d pass(es))\n", (s - s0) * 1000 / n, n}'
        return
      fi
      sleep 0.1
    done
    echo "no pass within 30 s"
  }
  serve "$BIN" "$work" "$port"
  [[ -z ${PAINEL_BIN_BEFORE:-} ]] || serve "$PAINEL_BIN_BEFORE" "$before" $((port + 1))
  for run in $(seq "$RUNS"); do
    echo "run=$run serve incremental (+$M events): $(one_pass "$work" "$port" "$run")"
    [[ -z ${PAINEL_BIN_BEFORE:-} ]] ||
      echo "run=$run serve incremental (+$M events) BEFORE: $(one_pass "$before" $((port + 1)) "$run")"
  done
  kill "${pids[@]}"
  wait 2> /dev/null || true
  rm -f "$work" "$work-wal" "$work-shm" "$work.serve.log" "$work.lock" "$before" "$before-wal" "$before-shm" "$before.serve.log" "$before.lock"
  exit 0
fi
for run in $(seq "$RUNS"); do
  add_events "$work" "$run"
  echo "run=$run incremental (+$M events): $(timed aggregate --database "sqlite:$work" --dirty)"
  if [[ -n ${PAINEL_BIN_BEFORE:-} ]]; then
    add_events "$before" "$run"
    echo "run=$run incremental (+$M events) BEFORE: $(BIN=$PAINEL_BIN_BEFORE timed aggregate --database "sqlite:$before" --dirty)"
  fi
  [[ ${FULL:-1} == 0 ]] && continue
  add_events "$work" "$((run + 100))"
  echo "run=$run full rebuild (+$M events): $(timed aggregate --database "sqlite:$work" --from "$DAY" --to "$DAY")"
  if [[ -n ${PAINEL_BIN_BEFORE:-} ]]; then  # the same store history as this build's
    add_events "$before" "$((run + 100))"
    BIN=$PAINEL_BIN_BEFORE timed aggregate --database "sqlite:$before" --from "$DAY" --to "$DAY" > /dev/null
  fi
done
rm -f "$work" "$work-wal" "$work-shm" "$before" "$before-wal" "$before-shm"
