#!/usr/bin/env bash
# HTTP benchmarks with wrk against `painel serve` on PostgreSQL (a throwaway local PostgreSQL
# 15 cluster on demo data), beside a Fastify + pg peer (bench/peers/fastify-pg) answering the
# same authenticated GET /tenant/agents from the same database in the same run.
#
# Usage: bench/run-pg.sh [TENANTS] [DAYS]   (default 1000 tenants, 90 days)
#   PAINEL_BIN=./build-bench/painel   the binary (default ./build/painel)
#   BENCH_DURATION=10s BENCH_CONNS=64 BENCH_WARMUP=2s   wrk duration, connections, warm-up
#   PEER_WORKERS=2 PG_POOL_SIZE=10    the peer's node cluster workers, pg.Pool size per worker
#   PEER_PARALLEL_QUERIES=0           the peer runs the two statements in sequence on one
#                                     connection (default: concurrently on two)
#   BENCH_NICE=-10                    run everything (PostgreSQL, painel, the peer, wrk) at this
#                                     nice level: less disturbance from other work on a shared
#                                     machine (needs root for a negative value)
#   BENCH_PG_KEEP=1                   keep the cluster's data dir for the next run (default);
#                                     0: delete it on exit
# The cluster lives in bench/data/pg-TENANTS-DAYS/ (made by scripts/pg-test-cluster.sh, demo
# loaded once, then restarted on a free port by later runs). Prints a Markdown table with each
# target's req/s, latency, non-2xx count and the CPU used meanwhile by painel, PostgreSQL, the
# peer (% of one core), and the 1-minute load average at the end (the machine has other users).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${BENCH_NICE:-}" && -z "${BENCH_NICED:-}" ]]; then
  BENCH_NICED=1 exec nice -n "$BENCH_NICE" "$0" "$@"
fi
TENANTS="${1:-1000}"
DAYS="${2:-90}"
DUR="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-2s}"
CONNS="${BENCH_CONNS:-64}"
BIN="${PAINEL_BIN:-./build/painel}"
DATA=bench/data
PGDIR="$DATA/pg-$TENANTS-$DAYS"
PORT=18482
PEER_PORT=18483
PEER_DIR=bench/peers/fastify-pg
export PEER_WORKERS="${PEER_WORKERS:-2}" PG_POOL_SIZE="${PG_POOL_SIZE:-10}"
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
[[ -x "$BIN" ]] || { echo "bench: no painel binary at $BIN (set PAINEL_BIN)" >&2; exit 1; }
[[ -d "$PEER_DIR/node_modules" ]] || (cd "$PEER_DIR" && npm ci --no-audit --no-fund >&2)

# --- PostgreSQL ------------------------------------------------------------------------------
PGBIN=""
for v in 17 16 15; do [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]] && PGBIN=/usr/lib/postgresql/$v/bin && break; done
[[ -n "$PGBIN" ]] || { echo "bench: PostgreSQL server binaries not found" >&2; exit 1; }
as_owner=()
[[ "$(id -u)" == 0 ]] && as_owner=(runuser -u "$(stat -c %U "$PGDIR" 2>/dev/null || echo postgres)" --)

SERVER="" PEER=""
cleanup() {
  if [[ -n "$PEER" ]]; then kill "$PEER" 2>/dev/null || true; wait "$PEER" 2>/dev/null || true; fi
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [[ "${BENCH_PG_KEEP:-1}" == 0 ]]; then
    scripts/pg-test-cluster.sh stop "$PGDIR" || true
  elif [[ -f "$PGDIR/data/postmaster.pid" ]]; then
    "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [[ -f "$PGDIR/demo-loaded" && -f "$PGDIR/data/PG_VERSION" ]]; then
  # Reuse the loaded cluster: start it again on a free port (the same settings as
  # scripts/pg-test-cluster.sh wrote in its postgresql.conf).
  [[ -f "$PGDIR/data/postmaster.pid" ]] &&
    { "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
  for attempt in 1 2 3 4 5; do
    pgport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    if "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -o "-p $pgport" -w -t 60 \
        start >/dev/null 2>&1; then
      break
    fi
    [[ $attempt == 5 ]] && { tail -20 "$PGDIR/server.log" >&2; exit 1; }
  done
  DBURL="postgresql://postgres@127.0.0.1:$pgport/postgres"
  echo "$DBURL" > "$PGDIR/url"
else
  DBURL="$(scripts/pg-test-cluster.sh start "$PGDIR")"
  [[ "$(id -u)" == 0 ]] && as_owner=(runuser -u "$(stat -c %U "$PGDIR")" --)
  echo "bench: loading demo data into PostgreSQL ($TENANTS tenants, $DAYS days)…" >&2
  start=$(date +%s)
  "$BIN" demo --database "$DBURL" --tenants "$TENANTS" --days "$DAYS" > "$PGDIR/logins.txt"
  echo "bench: demo loaded in $(( $(date +%s) - start )) s" >&2
  touch "$PGDIR/demo-loaded"
fi
echo "bench: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at $DBURL ($PGDIR)" >&2
PGMASTER=$(head -1 "$PGDIR/data/postmaster.pid")

# --- painel and the peer ---------------------------------------------------------------------
serve() {  # cache TTL in ms
  "$BIN" serve --database "$DBURL" --listen 127.0.0.1:$PORT --log-level warn \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs \
    --cache-ttl-ms "$1" > "$DATA/serve-pg.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf localhost:$PORT/healthz >/dev/null && return; sleep 0.1; done
  echo "bench: painel did not start:" >&2; cat "$DATA/serve-pg.log" >&2; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
login() {
  curl -sf -XPOST localhost:$PORT/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
TENANT_EMAIL=$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$PGDIR/logins.txt")

serve "${BENCH_CACHE_TTL_MS:-60000}"
TT=$(login "$TENANT_EMAIL")

DATABASE_URL="$DBURL" PAINEL_URL="http://127.0.0.1:$PORT" PORT=$PEER_PORT \
  node "$PEER_DIR/server.js" > "$DATA/peer.log" 2>&1 &
PEER=$!
for _ in $(seq 100); do curl -sf localhost:$PEER_PORT/healthz >/dev/null && break; sleep 0.1; done
curl -sf localhost:$PEER_PORT/healthz >/dev/null || { echo "bench: the peer did not start:" >&2; cat "$DATA/peer.log" >&2; exit 1; }

check() {  # name, url, token: print the status, fail unless 200
  local code
  code=$(curl -s -o "$DATA/check.out" -w '%{http_code}' "$2" -H "Authorization: Bearer $3")
  echo "bench: $1 → HTTP $code, $(wc -c < "$DATA/check.out") B" >&2
  [[ "$code" == 200 ]] || { head -c 500 "$DATA/check.out" >&2; echo >&2; exit 1; }
}
# Same data for the same token: painel's answer and the peer's, byte for byte.
curl -sf localhost:$PORT/tenant/agents -H "Authorization: Bearer $TT" > "$DATA/agents-painel.json"
curl -sf localhost:$PEER_PORT/tenant/agents -H "Authorization: Bearer $TT" > "$DATA/agents-peer.json"
for s in active inactive all; do
  a=$(curl -sf "localhost:$PORT/tenant/agents?status=$s" -H "Authorization: Bearer $TT" | sha256sum)
  b=$(curl -sf "localhost:$PEER_PORT/tenant/agents?status=$s" -H "Authorization: Bearer $TT" | sha256sum)
  [[ "$a" == "$b" ]] || { echo "bench: painel and the peer differ for status=$s" >&2; exit 1; }
done
echo "bench: painel and the peer answer byte-identical JSON ($(wc -c < "$DATA/agents-peer.json") B, \
$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["agents"]))' "$DATA/agents-peer.json") agents; status=active|inactive|all)" >&2

# --- measuring -------------------------------------------------------------------------------
# CPU used meanwhile by a process and its children, in % of one core: `snap PIDS…` lists
# "pid ticks" (1/CLK_TCK s); `pct SNAP0 SNAP1 T0 T1` sums the growth of the processes alive at
# the end (children that exited meanwhile are not counted, new ones count from zero).
snap() {
  local p
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    [[ -r /proc/$p/stat ]] && awk -v p="$p" '{sub(/^.*\) /, ""); print p, $12 + $13}' /proc/$p/stat 2>/dev/null
  done
  return 0
}
HZ=$(getconf CLK_TCK)
pct() {
  awk -v hz="$HZ" -v dt="$(python3 -c "print($4 - $3)")" '
    FNR == NR { t0[$1] = $2; next }
    { d += $2 - ($1 in t0 ? t0[$1] : 0) }
    END { printf "%d", d / hz / dt * 100 + 0.5 }' <(echo "$1") <(echo "$2")
}

run() {  # name, url, token
  wrk -t2 -c"$CONNS" -d"$WARMUP" -H "Authorization: Bearer $3" "$2" > /dev/null
  local s0 g0 n0 t0 out t1
  s0=$(snap "$SERVER") g0=$(snap "$PGMASTER") n0=$(snap "$PEER")
  t0=$(date +%s.%N)
  out=$(wrk -t2 -c"$CONNS" -d"$DUR" --latency -H "Authorization: Bearer $3" "$2")
  t1=$(date +%s.%N)
  local s1 g1 n1 load
  s1=$(snap "$SERVER") g1=$(snap "$PGMASTER") n1=$(snap "$PEER")
  load=$(cut -d' ' -f1 /proc/loadavg)
  local rps p50 p99 non2xx errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  errors=$(awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); print}' <<<"$out")
  [[ -n "$errors" ]] && non2xx="${non2xx:-0} (socket errors: $errors)"
  printf "| %s | %s | %s | %s | %s | %s %% | %s %% | %s %% | %s |\n" "$1" "$rps" "$p50" "$p99" \
    "${non2xx:-0}" "$(pct "$s0" "$s1" "$t0" "$t1")" "$(pct "$g0" "$g1" "$t0" "$t1")" \
    "$(pct "$n0" "$n1" "$t0" "$t1")" "$load"
}

echo "| target (PostgreSQL, $CONNS connections, $DUR, wrk -t2) | req/s | p50 | p99 | non-2xx | painel CPU | PostgreSQL CPU | peer CPU | load (1 min) |"
echo "|---|---|---|---|---|---|---|---|---|"
check "painel /tenant/agents (cached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
run "painel GET /tenant/agents (cached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
check "fastify /tenant/agents" "http://127.0.0.1:$PEER_PORT/tenant/agents" "$TT"
run "fastify + pg GET /tenant/agents ($PEER_WORKERS workers)" "http://127.0.0.1:$PEER_PORT/tenant/agents" "$TT"

# Uncached: a cache TTL of 1 ms makes every request render.
stop_server
serve 1
TT=$(login "$TENANT_EMAIL")
IT=$(login admin@alquimista.ai)
check "painel /tenant/agents (uncached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
run "painel GET /tenant/agents (uncached)" "http://127.0.0.1:$PORT/tenant/agents" "$TT"
run "fastify + pg GET /tenant/agents ($PEER_WORKERS workers, again)" "http://127.0.0.1:$PEER_PORT/tenant/agents" "$TT"
check "painel /tenant/usage?period=90d (uncached)" "http://127.0.0.1:$PORT/tenant/usage?period=90d" "$TT"
run "painel GET /tenant/usage?period=90d (uncached)" "http://127.0.0.1:$PORT/tenant/usage?period=90d" "$TT"
check "painel /internal/tenants?limit=50 (uncached)" "http://127.0.0.1:$PORT/internal/tenants?limit=50" "$IT"
run "painel GET /internal/tenants?limit=50 (uncached)" "http://127.0.0.1:$PORT/internal/tenants?limit=50" "$IT"
