#!/usr/bin/env bash
# Incremental aggregation on PostgreSQL (issue 20): bench/aggregate_incremental.sh's
# measurement on a PostgreSQL store. bench/aggregate.sh's SQLite store of N events (made by
# it if missing) is copied into a throwaway cluster (`painel copy`), the day rebuilt whole,
# then each run adds M new events of the day in SQL (random contracted pairs, with the dirty
# marks ingestion would write) and times `painel aggregate --dirty` (its own report: the
# pass's wall time and its CPU time in painel; the rest is PostgreSQL's and the round trips).
#
# Usage: bench/aggregate_incremental_pg.sh [N] [M]   (default: 1000000 10000)
# TENANTS (1000): the tenants of bench/aggregate.sh's store (another number, its own store).
# Env: BUILD_DIR (build), RUNS (5), DAY (2026-01-15), PAINEL_BIN_BEFORE (an older binary:
# its own database in the same cluster, copied and folded by it alone, each run's pass
# timed right after this build's). The cluster (scripts/pg-test-cluster.sh: fsync off) lives
# in bench/data/pg-fold/ and is deleted at exit. A fold's cost depends on the rows it
# touches, not on the day's size: N only sets how deep the indexes are.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/aggregate_store.sh
BUILD_DIR="${BUILD_DIR:-build}"
BIN="$BUILD_DIR/painel"
RUNS="${RUNS:-5}"
DAY="${DAY:-2026-01-15}"
N="${1:-1000000}"
M="${2:-10000}"
DATA=bench/data
PGDIR="$DATA/pg-fold"
export PAINEL_MASTER_KEY=bench-master-key
[[ -x $BIN ]] || { echo "build $BIN first" >&2; exit 1; }
[[ -f $DATA/aggregate/events-$N$SUFFIX.db ]] || RUNS=1 BUILD_DIR="$BUILD_DIR" DAY="$DAY" bench/aggregate.sh "$N" >&2

cleanup() {
  scripts/pg-test-cluster.sh stop "$PGDIR" > /dev/null 2>&1 || true
  rm -f "$DATA/pg-fold-src.db" "$DATA/pg-fold-src.db-wal" "$DATA/pg-fold-src.db-shm"
}
trap cleanup EXIT
URL="$(scripts/pg-test-cluster.sh start "$PGDIR")"
base="${URL%/*}"

setup() {  # setup BINARY DATABASE: the store copied in, the day rebuilt whole by BINARY
  psql -q "$base/postgres" -c "CREATE DATABASE $2" > /dev/null
  cp "$DATA/aggregate/events-$N$SUFFIX.db" "$DATA/pg-fold-src.db"
  "$1" migrate --database "sqlite:$DATA/pg-fold-src.db" --no-backup > /dev/null
  "$1" copy --from "sqlite:$DATA/pg-fold-src.db" --to "$base/$2" > /dev/null 2>&1
  rm -f "$DATA/pg-fold-src.db"
  echo "setup ($2): full rebuild of $DAY: $("$1" aggregate --database "$base/$2" --from "$DAY" --to "$DAY" 2> /dev/null | tail -1)"
}

add_events() {  # add_events DATABASE TAG
  psql -q "$base/$1" > /dev/null <<SQL
BEGIN;
CREATE TEMP TABLE pairs ON COMMIT DROP AS
  SELECT row_number() OVER (ORDER BY tenant_id, agent_id) AS k, tenant_id, agent_id FROM tenant_agents;
CREATE TEMP TABLE picks ON COMMIT DROP AS
  SELECT i, 1 + floor(random() * (SELECT count(*) FROM pairs))::bigint AS k
    FROM generate_series(0, $M - 1) i;
INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
                         tokens_used, cost_cents, ingested_at_ms, local_day)
SELECT format('late-%s-%s-%s', '$DAY', $2, x.i), p.tenant_id, p.agent_id,
       (extract(epoch FROM '$DAY'::date::timestamp) * 1000)::bigint + floor(random() * 86400000)::bigint,
       (random() * 100 >= 3)::int, 80 + floor(random() * 3000)::bigint,
       floor(random() * 4000)::bigint, floor(random() * 200)::bigint, 0,
       '$DAY'::date - '1970-01-01'::date
  FROM picks x JOIN pairs p ON p.k = x.k;
INSERT INTO usage_dirty_days(day, tenant_id, marked_at)
  SELECT DISTINCT '$DAY'::date, p.tenant_id, now() FROM picks x JOIN pairs p ON p.k = x.k
  ON CONFLICT DO NOTHING;
COMMIT;
SQL
}

setup "$BIN" fold_after
[[ -z ${PAINEL_BIN_BEFORE:-} ]] || setup "$PAINEL_BIN_BEFORE" fold_before
for run in $(seq "$RUNS"); do
  add_events fold_after "$run"
  echo "run=$run incremental (+$M events): $("$BIN" aggregate --database "$base/fold_after" --dirty 2> /dev/null | tail -1)"
  if [[ -n ${PAINEL_BIN_BEFORE:-} ]]; then
    add_events fold_before "$run"
    echo "run=$run incremental (+$M events) BEFORE: $("$PAINEL_BIN_BEFORE" aggregate --database "$base/fold_before" --dirty 2> /dev/null | tail -1)"
  fi
done
