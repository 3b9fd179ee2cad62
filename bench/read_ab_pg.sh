#!/usr/bin/env bash
# Two builds against each other on the same PostgreSQL store, alternating: uncached reads
# (cache TTL 1 ms) at 64 connections, for a change to how rows are read (e.g. the pool's
# each_view). One store for both, so both must read its schema (same latest migration).
#
# Usage: bench/read_ab_pg.sh BEFORE_BIN AFTER_BIN [TENANTS] [DAYS]   (default 1000 tenants, 90 days)
#   BENCH_DURATION=4s BENCH_ROUNDS=2 BENCH_PORT=18485
# The store is `painel demo --tenants TENANTS --days DAYS` (loaded by BEFORE_BIN) in a
# throwaway cluster (scripts/pg-test-cluster.sh) under bench/data/, deleted at exit. Prints
# one Markdown row per route, round and build: req/s, p50, p99.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="$1"
AFTER="$2"
TENANTS="${3:-1000}"
DAYS="${4:-90}"
DUR="${BENCH_DURATION:-4s}"
ROUNDS="${BENCH_ROUNDS:-2}"
PORT="${BENCH_PORT:-18485}"
PGDIR="bench/data/pg-ab-$TENANTS-$DAYS"
export PAINEL_MASTER_KEY=bench-master-key
command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/setup.sh)" >&2; exit 1; }
mkdir -p bench/data
SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DBURL="$(scripts/pg-test-cluster.sh start "$PGDIR")"
echo "bench: demo, $TENANTS tenants × $DAYS days…" >&2
"$BEFORE" demo --database "$DBURL" --tenants "$TENANTS" --days "$DAYS" > "$PGDIR/logins.txt"

login() {
  curl -sf -XPOST "localhost:$PORT/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
serve() {
  "$1" serve --database "$DBURL" --listen "127.0.0.1:$PORT" --log-level warn --no-jobs \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 \
    --cache-ttl-ms 1 > "$PGDIR/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "localhost:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  TT=$(login "$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$PGDIR/logins.txt")")
  IT=$(login admin@alquimista.ai)
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
measure() {  # label route token
  local out
  out=$(wrk -t2 -c64 -d"$DUR" --latency -H "Authorization: Bearer $3" "http://127.0.0.1:$PORT$2")
  printf '| %s | `%s` | %s | %s | %s |\n' "$1" "$2" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

echo "| build, round | route | req/s | p50 | p99 |"
echo "|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for side in before after; do
    bin="$BEFORE"; [[ $side == after ]] && bin="$AFTER"
    serve "$bin"
    for r in "/tenant/usage?period=30d" "/tenant/usage?period=90d"; do measure "$side, $round" "$r" "$TT"; done
    for r in "/internal/tenants?limit=50" "/internal/usage/overview?period=30d"; do
      measure "$side, $round" "$r" "$IT"
    done
    stop
  done
done
echo "bench: load (1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)" >&2
