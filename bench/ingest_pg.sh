#!/usr/bin/env bash
# Ingestion throughput on PostgreSQL, A/B in one run: each binary given (default build/painel)
# serves a fresh database of the cluster at PG_URL (a demo store of TENANTS tenants, 1 day),
# INSTANCES servers share it, and one painel_ingest_load per instance posts BATCHES batches of
# 1000 valid events over CONNS keep-alive connections; rounds alternate the binaries.
#
# Usage: PG_URL=postgresql://postgres@127.0.0.1:PORT/postgres bench/ingest_pg.sh [BIN...]
# Env: ROUNDS (2), INSTANCES (2), CONNS (4 per instance), BATCHES (100 per instance),
#      TENANTS (200), BUILD_DIR (build; for painel_ingest_load),
#      HOLD_GLOBAL_S (0: when > 0, a psql session holds the global write lock — what every
#      Store::write takes, e.g. a long command effect — for that many seconds from the start
#      of the timed load: issue 20's "ingestion proceeds while a long writer runs").
# Prints per round: binary, instances, events stored, wall seconds, events/s (all instances,
# warm-up batches included), then each load generator's own line (its timed part), then the
# CPU time spent per 1000 events stored by the painel instances and by PostgreSQL (all its
# processes, from its postmaster's own and reaped children's times; only when the server's
# data directory is readable here, as with scripts/pg-test-cluster.sh): on a machine shared
# with other work, CPU per event is steadier than events/s.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PG_URL:?set PG_URL to a PostgreSQL server URL (scripts/pg-test-cluster.sh start DIR prints one)}"
ROUNDS="${ROUNDS:-2}" INSTANCES="${INSTANCES:-2}" CONNS="${CONNS:-4}" BATCHES="${BATCHES:-100}"
TENANTS="${TENANTS:-200}" BUILD_DIR="${BUILD_DIR:-build}" HOLD_GLOBAL_S="${HOLD_GLOBAL_S:-0}"
LOAD="$BUILD_DIR/painel_ingest_load"
BINS=("$@"); [[ ${#BINS[@]} -gt 0 ]] || BINS=("$BUILD_DIR/painel")
export PAINEL_MASTER_KEY=bench-master-key
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
base="${PG_URL%/*}"
# CPU ticks (user + system, own + reaped children) of a process; "" if it is not readable.
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || true; }
pg_pid=$(head -n 1 "$(psql -X -q -t -A "$PG_URL" -c "SHOW data_directory")/postmaster.pid" 2>/dev/null || true)
hz=$(getconf CLK_TCK)

for round in $(seq "$ROUNDS"); do
  for bin in "${BINS[@]}"; do
    db="bench_ingest_$(date +%s%N)"
    psql -X -q "$PG_URL" -c "CREATE DATABASE $db"
    url="$base/$db"
    "$bin" demo --database "$url" --tenants "$TENANTS" --days 1 > /dev/null
    psql -X -q -t -A "$url" -c "SELECT tenant_id || ' ' || agent_id FROM tenant_agents" > "$WORK/pairs.txt"
    key=$("$bin" keys create --database "$url" --name bench 2>/dev/null)
    before=$(psql -X -q -t -A "$url" -c "SELECT count(*) FROM usage_events")
    ports=(); PIDS=()
    for i in $(seq "$INSTANCES"); do
      port=$(free_port); ports+=("$port")
      "$bin" serve --database "$url" --listen "127.0.0.1:$port" --log-level warn \
        --rate-user-per-min 100000000 --rate-user-burst 100000000 \
        --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs \
        > "$WORK/serve-$i.log" 2>&1 &
      PIDS+=($!)
    done
    for port in "${ports[@]}"; do
      for _ in $(seq 100); do curl -sf "127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
    done
    pg_ticks0=$( [[ -n "$pg_pid" ]] && ticks "$pg_pid" )
    start=$(date +%s.%N)
    loads=()
    if [[ "$HOLD_GLOBAL_S" != 0 ]]; then  # the key of kBeginWrite (src/store/postgres/pg_conn.cpp)
      psql -X -q "$url" -c "BEGIN" -c "SELECT pg_advisory_xact_lock(7022364355625379937)" \
        -c "SELECT pg_sleep($HOLD_GLOBAL_S)" -c "COMMIT" > /dev/null &
      loads+=($!)
    fi
    for port in "${ports[@]}"; do
      "$LOAD" --port "$port" --key "$key" --pairs "$WORK/pairs.txt" --connections "$CONNS" \
        --batches "$BATCHES" --batch-size 1000 > "$WORK/load-$port.txt" &
      loads+=($!)
    done
    for l in "${loads[@]}"; do wait "$l"; done
    end=$(date +%s.%N)
    painel_ticks=0
    for p in "${PIDS[@]}"; do painel_ticks=$((painel_ticks + $(ticks "$p"))); done
    for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
    PIDS=()
    sleep 0.5  # the instances' sessions end and are reaped by the postmaster
    pg_ticks1=$( [[ -n "$pg_pid" ]] && ticks "$pg_pid" )
    after=$(psql -X -q -t -A "$url" -c "SELECT count(*) FROM usage_events")
    python3 -c "import sys; n=$after-$before; s=$end-$start; print(f'round $round  $bin  instances $INSTANCES  events stored {n} (warm-up included)  {s:.2f} s  {n/s:,.0f} events/s')"
    for port in "${ports[@]}"; do echo "  load: $(tail -n 1 "$WORK/load-$port.txt")"; done
    python3 -c "
n = $after - $before; hz = $hz
pg = '${pg_ticks0:-}' and '${pg_ticks1:-}' and (${pg_ticks1:-0} - ${pg_ticks0:-0}) * 1000 / hz
print(f'  cpu per 1000 events: painel {$painel_ticks * 1000 / hz / n * 1000:.1f} ms, postgres ' +
      (f'{pg / n * 1000:.1f} ms' if pg else 'n/a (data directory not readable)'))"
    psql -X -q "$PG_URL" -c "DROP DATABASE $db WITH (FORCE)"
  done
done
