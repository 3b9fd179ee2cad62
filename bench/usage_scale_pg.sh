#!/usr/bin/env bash
# Issue 20's read benchmark at scale: 10 000 tenants × 365 days of daily usage rows (≈ 18 M
# rows) on PostgreSQL, every read route uncached (cache TTL 1 ms) at 64 connections.
#
# Usage: bench/usage_scale_pg.sh [TENANTS] [DAYS]   (default 10000 tenants, 365 days)
#   PAINEL_BIN=./build/painel                     the binary
#   BENCH_DURATION=10s BENCH_CONNS=64 BENCH_WARMUP=2s BENCH_PORT=18484
# A throwaway cluster (scripts/pg-test-cluster.sh: shared_buffers 64 MB, the rest in the
# OS page cache) in bench/data/pg-scale-TENANTS-DAYS/, deleted at exit. The tenants, agents and contracts come from `painel demo --days 1`; the daily rows are then
# generated in SQL, one row per contract and day (counts from a hash of both: repeatable),
# and the running totals rebuilt from them (as migration 5 does) and the platform rollup by
# `painel aggregate --rollup` (migration 28's backfill), so the store is what a year of
# aggregation would leave. Prints a Markdown table: route, req/s, p50, p99, non-2xx; then
# the overview again from the scan of the daily rows (the rollup marked incomplete).
#   BENCH_ROUTES=overview   only the /internal/usage/overview rows (rollup, then scan)
#   PAINEL_BIN_BEFORE=path  a binary of the code before a change: it loads the data and
#                           measures the chosen overview and staff rows first; then PAINEL_BIN migrates the same
#                           database (--no-backup), rebuilds the rollup and measures again,
#                           and each prints an EXPLAIN ANALYZE of its read of the period's
#                           tenant lists (sum(length()) so the values are detoasted); the
#                           answers of both are compared byte for byte (BENCH_BASELINE_BIN is
#                           a synonym)
#   BENCH_ROUTES=staff      only the staff lists and the billing overview (billing 7/30/90 d,
#                           integrations, incidents)
set -euo pipefail
cd "$(dirname "$0")/.."
TENANTS="${1:-10000}"
DAYS="${2:-365}"
DUR="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-2s}"
CONNS="${BENCH_CONNS:-64}"
BIN="${PAINEL_BIN:-./build/painel}"
BEFORE="${PAINEL_BIN_BEFORE:-${BENCH_BASELINE_BIN:-}}"
GEN_BIN="${BEFORE:-$BIN}"  # the binary that creates the schema and loads the data
DATA=bench/data
PGDIR="$DATA/pg-scale-$TENANTS-$DAYS"
PORT="${BENCH_PORT:-18484}"
export PAINEL_MASTER_KEY=bench-master-key
mkdir -p "$DATA"
[[ -x "$BIN" ]] || { echo "bench: no painel binary at $BIN (set PAINEL_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/setup.sh)" >&2; exit 1; }

SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DBURL="$(scripts/pg-test-cluster.sh start "$PGDIR")"
echo "bench: $TENANTS demo tenants (one day of events)…" >&2
start=$(date +%s)
"$GEN_BIN" demo --database "$DBURL" --tenants "$TENANTS" --days 1 > "$PGDIR/logins.txt"
echo "bench: demo loaded in $(( $(date +%s) - start )) s" >&2
start=$(date +%s)
psql -q -v ON_ERROR_STOP=1 "$DBURL" <<SQL
TRUNCATE tenant_usage_daily, tenant_usage_cumulative, platform_usage_daily;
INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, successful_requests,
  failed_requests, sum_response_time_ms, p95_response_time_ms, total_tokens, cost_cents,
  last_request_at, aggregated_at)
SELECT tenant_id, agent_id, day, n, n - f, f, n * 400, 900 + h % 700, n * 350, n * 2,
       day + time '18:00', now()
FROM (SELECT ta.tenant_id, ta.agent_id, d::date AS day,
             abs(hashtext(ta.id::text || d::text)) AS h,
             50 + abs(hashtext(ta.id::text || d::text)) % 400 AS n,
             abs(hashtext(d::text || ta.id::text)) % 12 AS f
      FROM tenant_agents ta
      CROSS JOIN generate_series(current_date - ($DAYS - 1), current_date, interval '1 day') AS d) g;
INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day)
SELECT tenant_id, day, sum(n) OVER (PARTITION BY tenant_id ORDER BY day)
FROM (SELECT tenant_id, day, sum(total_requests) AS n FROM tenant_usage_daily
      GROUP BY tenant_id, day) AS per_day;
VACUUM ANALYZE tenant_usage_daily;
VACUUM ANALYZE tenant_usage_cumulative;
SQL
echo "bench: daily rows generated in $(( $(date +%s) - start )) s" >&2
rollup() {  # binary: the platform rollup rebuilt from the daily rows
  start=$(date +%s)
  "$1" aggregate --database "$DBURL" --rollup >&2
  psql -q "$DBURL" -c "VACUUM ANALYZE platform_usage_daily" -c "VACUUM ANALYZE usage_tenant_ordinals"
  psql -q "$DBURL" -c "DO \$\$ BEGIN IF to_regclass('platform_usage_blocks') IS NOT NULL THEN
    ANALYZE platform_usage_blocks; END IF; END \$\$"
  echo "bench: platform rollup rebuilt in $(( $(date +%s) - start )) s" >&2
}
# EXPLAIN ANALYZE of the 90-day tenant lists' read, detoasted: the 90 day lists (migration
# 28), or the lists of the whole 8-day blocks and the other days (migration 29).
explain_lists() {
  local sql
  if psql -qtA "$DBURL" -c "SELECT to_regclass('platform_usage_blocks') IS NULL" | grep -q t; then
    sql="SELECT sum(length(tenant_totals)), count(*) FROM platform_usage_daily
      WHERE day BETWEEN current_date - 89 AND current_date AND agent_id = ''"
  else
    local to from first last
    to=$(psql -qtA "$DBURL" -c "SELECT current_date - date '1970-01-01'")
    from=$((to - 89))
    first=$(( (from + 7) / 8 * 8 )); last=$(( (to + 1) / 8 * 8 - 8 ))
    sql="SELECT sum(length(tenant_totals)), count(*) FROM (SELECT tenant_totals FROM
      platform_usage_daily WHERE agent_id = '' AND (day BETWEEN date '1970-01-01' + $from AND
      date '1970-01-01' + $((first - 1)) OR day BETWEEN date '1970-01-01' + $((last + 8)) AND
      date '1970-01-01' + $to) UNION ALL SELECT tenant_totals FROM platform_usage_blocks WHERE
      first_day BETWEEN date '1970-01-01' + $first AND date '1970-01-01' + $last AND
      agent_id = '') l"
  fi
  local chars n
  IFS='|' read -r chars n < <(psql -qtA "$DBURL" -c "$sql")
  echo "bench: the 90-day tenant lists, $chars characters in $n lists:" >&2
  psql -qtA "$DBURL" -c "EXPLAIN (ANALYZE, BUFFERS) $sql" | sed 's/^/    /' >&2
}
rollup "$GEN_BIN"
# For comparison, ranking the tenants from their running totals instead (two seeks of
# tenant_usage_cumulative per tenant, the first design; the overview sums the day rows'
# tenant_totals lists instead), for the 90-day period.
TOP_MS=$(psql -qtA "$DBURL" <<'TOPSQL' | awk '/Execution Time/ {print $3}'
EXPLAIN (ANALYZE, FORMAT TEXT)
SELECT o.tenant_id, coalesce((SELECT a.requests_through_day FROM tenant_usage_cumulative a
  WHERE a.tenant_id = o.tenant_id AND a.day <= current_date ORDER BY a.day DESC LIMIT 1), 0)
  - coalesce((SELECT b.requests_through_day FROM tenant_usage_cumulative b
  WHERE b.tenant_id = o.tenant_id AND b.day < current_date - 89 ORDER BY b.day DESC LIMIT 1), 0)
FROM usage_tenant_ordinals o;
TOPSQL
)
echo "bench: ranking 90 days by running totals (every tenant, 2 seeks each) takes $TOP_MS ms" >&2
ROWS=$(psql -qtA "$DBURL" -c "SELECT count(*) FROM tenant_usage_daily")
SIZE=$(psql -qtA "$DBURL" -c "SELECT pg_size_pretty(pg_total_relation_size('tenant_usage_daily'))")
echo "bench: PostgreSQL at $DBURL: $ROWS daily rows ($SIZE with indexes)" >&2

login() {
  curl -sf -XPOST localhost:$PORT/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-painel-2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
serve() {  # binary: a server on $PORT, and its tokens
  "$1" serve --database "$DBURL" --listen 127.0.0.1:$PORT --log-level warn \
    --rate-user-per-min 100000000 --rate-user-burst 100000000 \
    --rate-tenant-per-min 100000000 --rate-tenant-burst 100000000 --no-jobs \
    --cache-ttl-ms 1 > "$DATA/serve-scale.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.1; done
  curl -sf localhost:$PORT/healthz >/dev/null || { cat "$DATA/serve-scale.log" >&2; exit 1; }
  TT=$(login "$(grep -m1 -oE 'admin@[a-z0-9.-]+\.com\.br' "$PGDIR/logins.txt")")
  IT=$(login admin@alquimista.ai)
  TID=$(curl -sf localhost:$PORT/tenant/me -H "Authorization: Bearer $TT" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("tenant", d).get("id"))')
}

row() {  # route, token: one warm-up, one measured wrk run
  local url="http://127.0.0.1:$PORT$1" code out
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url" -H "Authorization: Bearer $2")
  [[ "$code" == 200 ]] || { echo "bench: $1 → HTTP $code" >&2; exit 1; }
  # One client alone first: the median of 9 sequential requests (what one person waits).
  local alone
  alone=$(for _ in $(seq 9); do
    curl -s -o /dev/null -w '%{time_total}\n' "$url" -H "Authorization: Bearer $2"
  done | sort -n | sed -n 5p | awk '{printf "%.1f ms", $1 * 1000}')
  wrk -t2 -c"$CONNS" -d"$WARMUP" --timeout 30s -H "Authorization: Bearer $2" "$url" > /dev/null
  out=$(wrk -t2 -c"$CONNS" -d"$DUR" --timeout 30s --latency -H "Authorization: Bearer $2" "$url")
  printf "| \`%s\` | %s | %s | %s | %s | %s |\n" "$1" "$alone" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
    "$(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)"
}
OVERVIEW=("/internal/usage/overview?period=7d" "/internal/usage/overview?period=30d"
  "/internal/usage/overview?period=90d")
echo "| route (uncached, $TENANTS tenants × $DAYS days = $ROWS daily rows) | one client alone (median of 9) | req/s at $CONNS connections ($DUR) | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
STAFF=(/internal/billing/overview "/internal/billing/overview?period=7d"
  "/internal/billing/overview?period=90d" "/internal/integrations?limit=50"
  "/internal/incidents?limit=50")
case "${BENCH_ROUTES:-}" in
  overview) SELECTED=("${OVERVIEW[@]}") ;;
  staff) SELECTED=("${STAFF[@]}") ;;
  *) SELECTED=("${OVERVIEW[@]}" "${STAFF[@]}") ;;
esac
answer_file() { echo "$PGDIR/before-$(echo "$1" | tr -c 'a-z0-9' _)"; }
if [[ -n "$BEFORE" ]]; then  # the code before, on the same data; then $BIN migrates it
  explain_lists
  serve "$BEFORE"
  echo "| before: \`$BEFORE\` | | | | | |"
  for r in "${SELECTED[@]}"; do  # measured, and the answers kept to compare with $BIN's
    row "$r" "$IT"
    curl -s "http://127.0.0.1:$PORT$r" -H "Authorization: Bearer $IT" > "$(answer_file "$r")"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  "$BIN" migrate --database "$DBURL" --no-backup >&2
  rollup "$BIN"
  echo "| after: \`$BIN\` (schema $(psql -qtA "$DBURL" -c "SELECT max(version) FROM schema_migrations")) | | | | | |"
fi
explain_lists
serve "$BIN"
if [[ -n "$BEFORE" ]]; then
  for r in "${SELECTED[@]}"; do
    curl -s "http://127.0.0.1:$PORT$r" -H "Authorization: Bearer $IT" | cmp -s - "$(answer_file "$r")" ||
      echo "bench: $r answers differently from the binary before" >&2
  done
fi
if [[ "${BENCH_ROUTES:-}" == overview ]]; then
  for r in "${OVERVIEW[@]}"; do row "$r" "$IT"; done
elif [[ "${BENCH_ROUTES:-}" == staff ]]; then
  for r in "${STAFF[@]}"; do row "$r" "$IT"; done
else
for r in /tenant/me /tenant/agents /tenant/integrations /tenant/incidents \
  "/tenant/usage?period=7d" "/tenant/usage?period=30d" "/tenant/usage?period=90d"; do
  row "$r" "$TT"
done
for r in "/internal/tenants?limit=50" "/internal/tenants/$TID" "/internal/tenants/$TID/agents" \
  "/internal/usage/overview?period=7d" "/internal/usage/overview?period=30d" \
  "/internal/usage/overview?period=90d" /internal/billing/overview /internal/agents \
  "/internal/incidents?limit=50" "/internal/integrations?limit=50"; do
  row "$r" "$IT"
done
# A/B in this run: the tenant detail and a tenant's command history without migration 25's
# index (users_id_text: the creators' join), then with it again.
psql -q "$DBURL" -c "DROP INDEX users_id_text"
echo "| without users_id_text (dropped) | | | | | |"
row "/internal/tenants/$TID" "$IT"
row "/internal/operations/commands?tenant_id=$TID" "$IT"
psql -q "$DBURL" -c "CREATE INDEX users_id_text ON users((CAST(id AS TEXT)))"
echo "| with users_id_text (migration 25) | | | | | |"
row "/internal/tenants/$TID" "$IT"
row "/internal/operations/commands?tenant_id=$TID" "$IT"
fi
# The overview without the rollup: the scan of every daily row of the period (before).
if [[ "${BENCH_ROUTES:-}" == staff ]]; then
  echo "load (1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)"
  exit 0
fi
psql -q "$DBURL" -c "UPDATE usage_rollup_state SET complete = 0 WHERE id = 1"
echo "| overview from the scan (rollup marked incomplete) | | | | | |"
for r in "${OVERVIEW[@]}"; do  # may pass the statement timeout on a loaded machine
  ( row "$r" "$IT" ) || echo "| \`$r\` | HTTP $(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$PORT$r" -H "Authorization: Bearer $IT") (see $DATA/serve-scale.log) | | | | |"
done
echo "load (1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)"
