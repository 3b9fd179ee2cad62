#!/usr/bin/env bash
# HTTP benchmarks with wrk against a running `painel serve` on demo data, beside nginx
# serving a static file of the same size in the same run (the ceiling on this machine).
# Usage: bench/run.sh [TENANTS] [DAYS]   (default 1000 tenants, 90 days; the demo store is
# kept in bench/data/ and reused). Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
TENANTS="${1:-1000}"
DAYS="${2:-90}"
DUR="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNS:-64}"
BIN=./build/painel
DATA=bench/data
DB="$DATA/demo-$TENANTS-$DAYS.db"
PORT=18480
NGINX_PORT=18481
mkdir -p "$DATA"
export PAINEL_MASTER_KEY=bench-master-key

if [[ ! -f "$DB" ]]; then
  echo "bench: creating demo store ($TENANTS tenants, $DAYS days)…" >&2
  $BIN demo --database "sqlite:$DB" --tenants "$TENANTS" --days "$DAYS" > "$DATA/logins-$TENANTS-$DAYS.txt"
fi

$BIN serve --database "sqlite:$DB" --listen 127.0.0.1:$PORT --log-level warn \
  --rate-user-per-min 100000000 --rate-user-burst 100000000 \
  --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs \
  --cache-ttl-ms "${BENCH_CACHE_TTL_MS:-60000}" > "$DATA/serve.log" 2>&1 &
SERVER=$!
NGINX_DIR=$(mktemp -d)
chmod 755 "$NGINX_DIR"  # nginx workers run unprivileged
cleanup() { kill $SERVER 2>/dev/null || true; [[ -f $NGINX_DIR/nginx.pid ]] && kill "$(cat $NGINX_DIR/nginx.pid)" 2>/dev/null || true; rm -rf "$NGINX_DIR"; }
trap cleanup EXIT
for _ in $(seq 50); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.1; done

login() {
  curl -sf -XPOST localhost:$PORT/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
TENANT_EMAIL=$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$DATA/logins-$TENANTS-$DAYS.txt")
TT=$(login "$TENANT_EMAIL")
IT=$(login admin@alquimista.ai)

# nginx serving a static copy of the /tenant/agents answer: same bytes, no work.
curl -sf localhost:$PORT/tenant/agents -H "Authorization: Bearer $TT" > "$NGINX_DIR/agents.json"
cat > "$NGINX_DIR/nginx.conf" <<NGX
worker_processes 2;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$NGINX_PORT; root $NGINX_DIR; location / { default_type application/json; } }
}
NGX
chmod 644 "$NGINX_DIR/agents.json"
nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR"
sleep 0.3

run() {  # name, url, token
  local out
  if [[ -n "${3:-}" ]]; then
    out=$(wrk -t2 -c"$CONNS" -d"$DUR" --latency -H "Authorization: Bearer $3" "$2")
  else
    out=$(wrk -t2 -c"$CONNS" -d"$DUR" --latency "$2")
  fi
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf "| %s | %s | %s | %s | %s |\n" "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo "| target ($CONNS connections, $DUR, wrk -t2) | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
run "nginx static file ($(wc -c < "$NGINX_DIR/agents.json") B, the ceiling)" "http://127.0.0.1:$NGINX_PORT/agents.json"
run "GET /healthz" "http://127.0.0.1:$PORT/healthz"
run "GET /tenant/agents (cached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
run "GET /tenant/me (cached)" "http://127.0.0.1:$PORT/tenant/me" "$TT"
# Uncached: a cache TTL of 0 turns the cache off, so every request renders.
kill $SERVER; wait $SERVER 2>/dev/null || true
$BIN serve --database "sqlite:$DB" --listen 127.0.0.1:$PORT --log-level warn \
  --rate-user-per-min 100000000 --rate-user-burst 100000000 \
  --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs --cache-ttl-ms 0 \
  > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.1; done
TT=$(login "$TENANT_EMAIL")
IT=$(login admin@alquimista.ai)
run "GET /tenant/agents (uncached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
run "GET /tenant/usage?period=90d (uncached)" "http://127.0.0.1:$PORT/tenant/usage?period=90d" "$TT"
run "GET /internal/tenants?limit=50 (uncached)" "http://127.0.0.1:$PORT/internal/tenants?limit=50" "$IT"
run "GET /internal/usage/overview?period=90d (uncached)" "http://127.0.0.1:$PORT/internal/usage/overview?period=90d" "$IT"
