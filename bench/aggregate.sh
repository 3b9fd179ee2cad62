#!/usr/bin/env bash
# Aggregation of one day of raw events: N events for the 1000 tenants of a demo store,
# generated straight into SQLite (bench/aggregate_gen.sql), then
# `painel aggregate --from DAY --to DAY` timed with /usr/bin/time -v (wall time, max RSS).
#
# Usage: bench/aggregate.sh [N...] (default: 1000000 3000000 10000000)
# Env: BUILD_DIR (default build), RUNS (3 timed runs per size), DAY (2026-01-15), TENANTS
# (1000: the demo store's tenants; another number gets its own template and stores, named
# with -tTENANTS).
# The generated stores are kept in bench/data/aggregate/ and reused (delete to rebuild;
# generating 10 M events takes a few minutes and ~2.5 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
BIN="$BUILD_DIR/painel"
RUNS="${RUNS:-3}"
DAY="${DAY:-2026-01-15}"
DATA=bench/data/aggregate
source bench/aggregate_store.sh
TEMPLATE="$DATA/template$SUFFIX.db"
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000000 3000000 10000000)
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
[[ -x $BIN ]] || { echo "build $BIN first" >&2; exit 1; }

if [[ ! -f $TEMPLATE ]]; then
  echo "bench: creating the template store ($TENANTS tenants)…" >&2
  $BIN demo --database "sqlite:$TEMPLATE" --tenants "$TENANTS" --days 1 > /dev/null
  sqlite3 "$TEMPLATE" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
fi

for n in "${SIZES[@]}"; do
  db="$DATA/events-$n$SUFFIX.db"
  if [[ ! -f $db ]]; then
    echo "bench: generating $n events on $DAY…" >&2
    cp "$TEMPLATE" "$db.tmp"
    sed "s/@DAY@/$DAY/g; s/@N@/$n/g" bench/aggregate_gen.sql | sqlite3 "$db.tmp" > /dev/null
    sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
    mv "$db.tmp" "$db"
  fi
  # A store made by an older binary; no pre-migration copy (GBs) of this generated store.
  $BIN migrate --database "sqlite:$db" --no-backup > /dev/null
  for run in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -v "$BIN" aggregate --database "sqlite:$db" --from "$DAY" --to "$DAY" \
             > /dev/null; } 2>&1 )
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' <<< "$out")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' <<< "$out")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' <<< "$out")
    echo "events=$n run=$run wall=$wall cpu_s=$cpu max_rss_mb=$rss"
  done
done
