#!/usr/bin/env bash
# The metric history's cost (issue 17): cached GET /tenant/agents with the history off
# (--metrics-history-days 0) and on (default: written every minute; and every second, the
# worst case), in the same run, alternating rounds. Usage: bench/history.sh [ROUNDS]
# (BENCH_DURATION, BENCH_CONNS as bench/run.sh). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
DUR="${BENCH_DURATION:-8s}"
CONNS="${BENCH_CONNS:-64}"
BIN=./build/painel
DATA=bench/data
DB="$DATA/history-demo.db"
PORT=18490
mkdir -p "$DATA"
export PAINEL_MASTER_KEY=bench-master-key
if [[ ! -f "$DB" ]]; then
  $BIN demo --database "sqlite:$DB" --tenants 100 --days 30 > "$DATA/history-logins.txt"
fi
TENANT_EMAIL=$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$DATA/history-logins.txt")
SERVER=
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

one() {  # label, extra serve flags...
  local label=$1
  shift
  $BIN serve --database "sqlite:$DB" --listen 127.0.0.1:$PORT --log-level warn \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs \
    --cache-ttl-ms 600000 "$@" > "$DATA/history-serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.1; done
  local tok
  tok=$(curl -sf -XPOST localhost:$PORT/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"$TENANT_EMAIL\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -sf localhost:$PORT/tenant/agents -H "Authorization: Bearer $tok" > /dev/null  # warm the cache
  local out
  out=$(wrk -t1 -c"$CONNS" -d"$DUR" --latency -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/tenant/agents")
  printf "| %s | %s | %s | %s |\n" "$label" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
  kill $SERVER; wait $SERVER 2>/dev/null || true
  SERVER=
}

echo "| round: history | req/s | p50 | p99 |"
echo "|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  one "$r: off (--metrics-history-days 0)" --metrics-history-days 0
  one "$r: on, every minute (default)"
  one "$r: on, every second" --metrics-history-interval-ms 1000
done
