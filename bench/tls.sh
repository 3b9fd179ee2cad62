#!/usr/bin/env bash
# TLS cost and the plain path's speed, in one run: wrk (keep-alive, 64 connections) on
# cached GET /tenant/agents against OLD_BIN over plain HTTP, NEW_BIN over plain HTTP and
# NEW_BIN over HTTPS (a test certificate made here with the openssl CLI), in alternating
# rounds on the same demo store. Prints a Markdown table for docs/benchmarks.md.
# Usage: OLD_BIN=/tmp/painel-before bench/tls.sh [ROUNDS]   (NEW_BIN default build/painel;
# BENCH_SWAP=1 runs the new binary first in each round)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
OLD_BIN="${OLD_BIN:?OLD_BIN=path of the binary before the change}"
NEW_BIN="${NEW_BIN:-./build/painel}"
DUR="${BENCH_DURATION:-8s}"
CONNS="${BENCH_CONNS:-64}"
TENANTS=200 DAYS=30
DATA=bench/data
DB="$DATA/demo-$TENANTS-$DAYS.db"
PORT=18482
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
if [[ ! -f "$DB" ]]; then
  "$NEW_BIN" demo --database "sqlite:$DB" --tenants $TENANTS --days $DAYS > "$DATA/logins-$TENANTS-$DAYS.txt"
fi
TLS_DIR=$(mktemp -d)
SERVER=
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; rm -rf "$TLS_DIR"; }
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null

start() {  # binary, scheme
  local tls=()
  [[ $2 == https ]] && tls=(--tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key.pem")
  "$1" serve --database "sqlite:$DB" --listen 127.0.0.1:$PORT --log-level warn --no-jobs \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 \
    --cache-ttl-ms 600000 "${tls[@]}" > "$DATA/serve-tls.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -skf "$2://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=; }
EMAIL=$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$DATA/logins-$TENANTS-$DAYS.txt")
rps() {  # binary, scheme
  start "$1" "$2"
  local tok
  tok=$(curl -skf -XPOST "$2://127.0.0.1:$PORT/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $tok" "$2://127.0.0.1:$PORT/tenant/agents" >/dev/null
  wrk -t2 -c"$CONNS" -d"$DUR" -H "Authorization: Bearer $tok" "$2://127.0.0.1:$PORT/tenant/agents" |
    awk '/Requests\/sec/ {printf "%d", $2}'
  stop
}
echo "| round | before, plain | after, plain | after, TLS (keep-alive) |"
echo "|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  if [[ -n ${BENCH_SWAP:-} ]]; then  # the new binary first: an order effect shows up
    b=$(rps "$NEW_BIN" http); a=$(rps "$OLD_BIN" http); c=$(rps "$NEW_BIN" https)
  else
    a=$(rps "$OLD_BIN" http); b=$(rps "$NEW_BIN" http); c=$(rps "$NEW_BIN" https)
  fi
  echo "| $r | $a | $b | $c |"
done
