-- Bulk-generates raw usage events for bench/aggregate.sh, piped to the sqlite3 shell, with
-- two placeholders replaced by bench/aggregate.sh: @DAY@ (YYYY-MM-DD) and @N@ (events).
-- Events are spread evenly over the UTC day in time order (as ingestion sees them), each
-- for a random contracted (tenant, agent) pair, with random outcome, response time,
-- tokens and cost. Event ids sort in insertion order, so the unique index only appends.
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
CREATE TEMP TABLE pairs (k INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, agent_id TEXT NOT NULL);
INSERT INTO pairs(tenant_id, agent_id) SELECT tenant_id, agent_id FROM tenant_agents ORDER BY tenant_id, agent_id;
CREATE TEMP TABLE params AS
  SELECT CAST(strftime('%s', '@DAY@') AS INTEGER) * 1000 AS d0, @N@ AS n,
         (SELECT count(*) FROM pairs) AS np;
DELETE FROM usage_events
 WHERE occurred_at_ms >= (SELECT d0 FROM params) AND occurred_at_ms < (SELECT d0 + 86400000 FROM params);
BEGIN;
-- The pair is drawn inside the recursion: random() in the join would be evaluated once.
WITH RECURSIVE seq(i, k) AS (
  SELECT 0, 1 + abs(random()) % (SELECT np FROM params)
  UNION ALL
  SELECT i + 1, 1 + abs(random()) % (SELECT np FROM params) FROM seq WHERE i + 1 < (SELECT n FROM params))
INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
                         tokens_used, cost_cents, ingested_at_ms, local_day)
SELECT printf('bench-%s-%010d', '@DAY@', i), p.tenant_id, p.agent_id,
       x.d0 + i * 86400000 / x.n, abs(random()) % 100 >= 3, 80 + abs(random()) % 3000,
       abs(random()) % 4000, abs(random()) % 200, x.d0 + i * 86400000 / x.n + 1500,
       x.d0 / 86400000
  FROM seq, params x, pairs p
 WHERE p.k = seq.k;
INSERT OR IGNORE INTO usage_dirty_days(day, tenant_id, marked_at)
  SELECT '@DAY@', id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM tenants;
COMMIT;
SELECT 'generated', count(*) FROM usage_events
 WHERE occurred_at_ms >= (SELECT d0 FROM params) AND occurred_at_ms < (SELECT d0 + 86400000 FROM params);
