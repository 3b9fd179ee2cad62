#!/usr/bin/env bash
# Ingestion throughput: POST /ingest/usage in batches of 1000 valid events over several
# keep-alive connections, against `painel serve` on SQLite (rate limits lifted, --no-jobs
# so no aggregation runs during the measurement).
#
# Usage: bench/ingest.sh [CONNECTIONS] [BATCHES] [RUNS]   (default 4, 400, 3)
# Env: BUILD_DIR (default build; needs painel and painel_ingest_load), TENANTS (1000),
# LOAD_ARGS (more painel_ingest_load options, e.g. "--ids v4 --jitter-ms 60000"),
# SERVE_ARGS (more `painel serve` options, e.g. "--handler-threads 16").
# Each run starts from a fresh copy of a demo store (TENANTS tenants with their contracted
# agents, 1 day of usage) so runs are comparable; the template is kept in bench/data/.
# Prints one line per run from the load generator (events_per_s is the figure).
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS="${1:-4}"
BATCHES="${2:-400}"
RUNS="${3:-3}"
TENANTS="${TENANTS:-1000}"
BUILD_DIR="${BUILD_DIR:-build}"
BIN="$BUILD_DIR/painel"
LOAD="$BUILD_DIR/painel_ingest_load"
DATA=bench/data/ingest
TEMPLATE="$DATA/template-$TENANTS.db"
DB="$DATA/run.db"
# A free port (other benchmarks may be running on the usual ones).
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
[[ -x $BIN && -x $LOAD ]] || { echo "build $BIN and $LOAD first (cmake --build $BUILD_DIR)" >&2; exit 1; }

if [[ ! -f $TEMPLATE ]]; then
  echo "bench: creating the template store ($TENANTS tenants, 1 day)…" >&2
  $BIN demo --database "sqlite:$TEMPLATE" --tenants "$TENANTS" --days 1 > /dev/null
  sqlite3 "$TEMPLATE" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
fi
sqlite3 "$TEMPLATE" "SELECT tenant_id || ' ' || agent_id FROM tenant_agents" > "$DATA/pairs.txt"

SERVER=
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

for run in $(seq "$RUNS"); do
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$TEMPLATE" "$DB"
  $BIN migrate --database "sqlite:$DB" --no-backup > /dev/null  # a template made by an older binary
  KEY=$($BIN keys create --database "sqlite:$DB" --name bench 2>/dev/null)
  $BIN serve --database "sqlite:$DB" --listen 127.0.0.1:$PORT --log-level warn \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs ${SERVE_ARGS:-} \
    > "$DATA/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf 127.0.0.1:$PORT/healthz > /dev/null && break; sleep 0.1; done
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/serve.log" >&2; exit 1; }
  $LOAD --port "$PORT" --key "$KEY" --pairs "$DATA/pairs.txt" --connections "$CONNS" \
    --batches "$BATCHES" --batch-size 1000 ${LOAD_ARGS:-}
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
  echo "run $run: $(sqlite3 "$DB" "SELECT count(*) FROM usage_events") events stored" >&2
done
