#!/usr/bin/env bash
# Issue 20's retention benchmark on PostgreSQL: one UTC day of raw usage events (default
# 10 M) in its day partition (migration 27), then `painel serve --raw-retention-days` drops
# that day; the times are the ones the retention job logs ("dropped the raw events of DAY
# in N ms (M ms detaching, usage_events locked)": the floor already moved; a transaction
# that detaches the partition, then one that drops the detached table).
#
# Usage: bench/retention_pg.sh [EVENTS]   (default 10000000)
#   PAINEL_BIN=./build/painel   the binary
# A throwaway cluster (scripts/pg-test-cluster.sh: fsync off) in bench/data/pg-retention/,
# deleted at exit. The day is today-10 UTC; its events are generated in SQL into the
# partition created standalone, which is then attached (its indexes built once, as a bulk
# load does), and the id sequence moved past them. Prints the load time, the partition's
# size and the drop time.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-10000000}"
BIN="${PAINEL_BIN:-./build/painel}"
DATA=bench/data
PGDIR="$DATA/pg-retention"
PORT=18485
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
[[ -x "$BIN" ]] || { echo "bench: no painel binary at $BIN (set PAINEL_BIN)" >&2; exit 1; }

SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DBURL="$(scripts/pg-test-cluster.sh start "$PGDIR")"
"$BIN" migrate --database "$DBURL" >&2
DAY=$(( $(date -u +%s) / 86400 - 10 ))
LO=$(( DAY * 86400000 ))
HI=$(( LO + 86400000 ))
NAME="usage_events_d$(date -u -d "@$(( DAY * 86400 ))" +%Y%m%d)"
echo "bench: $EVENTS events of $(date -u -d "@$(( DAY * 86400 ))" +%F) into $NAME…" >&2
start=$(date +%s)
psql -q -v ON_ERROR_STOP=1 "$DBURL" >/dev/null <<SQL
CREATE TABLE $NAME (LIKE usage_events INCLUDING DEFAULTS);
INSERT INTO $NAME(id, event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
                  tokens_used, cost_cents, ingested_at_ms, local_day)
SELECT g, 'bench-' || g, '0b1c5a5e-0000-4000-8000-000000000001',
       '0b1c5a5e-0000-4000-8000-0000000000a1', $LO + g * 8639::bigint / ($EVENTS / 10000 + 1),
       (g % 50 <> 0)::int, 100 + g % 900, g % 1000, g % 7, $LO, $DAY
FROM generate_series(1, $EVENTS) AS g;
ALTER TABLE usage_events ATTACH PARTITION $NAME FOR VALUES FROM ($LO) TO ($HI);
SELECT setval('usage_events_id_seq', $EVENTS);
VACUUM ANALYZE $NAME;
CHECKPOINT;
SQL
LOAD_S=$(( $(date +%s) - start ))
ROWS=$(psql -qtA "$DBURL" -c "SELECT count(*) FROM $NAME")
SIZE=$(psql -qtA "$DBURL" -c "SELECT pg_size_pretty(pg_total_relation_size('$NAME'))")
echo "bench: loaded $ROWS events in $LOAD_S s ($SIZE with indexes)" >&2

# Retention of 5 days: the job's first run (at start-up) drops the day.
LOG="$DATA/serve-retention.log"
"$BIN" serve --database "$DBURL" --listen 127.0.0.1:$PORT --log-level info \
  --raw-retention-days 5 > "$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 600); do grep -q "dropped the raw events" "$LOG" && break; sleep 0.1; done
LINE=$(grep -m1 "dropped the raw events" "$LOG") || { cat "$LOG" >&2; exit 1; }
LEFT=$(psql -qtA "$DBURL" -c "SELECT count(*) FROM pg_class WHERE relname = '$NAME'")
[[ "$LEFT" == 0 ]] || { echo "bench: $NAME is still there" >&2; exit 1; }
MS=$(sed -E 's/.* in ([0-9]+) ms.*/\1/' <<< "$LINE")
LOCKED=$(sed -E 's/.*\(([0-9]+) ms detaching.*/\1/' <<< "$LINE")
echo "| events in the day | load (SQL) | partition size | retention drop | of which usage_events locked (detach) |"
echo "|---:|---:|---:|---:|---:|"
echo "| $ROWS | $LOAD_S s | $SIZE | $MS ms | $LOCKED ms |"
