// SQLite schema, forward-only. Each entry runs in one transaction and is recorded in
// schema_migrations. Never edit a released migration: add a new one.
//
// Conventions: ids are UUID text; instants are RFC 3339 UTC text (sortable) except
// usage_events.occurred_at_ms (epoch ms, for fast range scans); days are YYYY-MM-DD;
// money is integer cents; JSON columns are text holding a JSON object.
#include "store/migrations.hpp"

#include "store/billing.hpp"
#include "store/name_keys.hpp"
#include "store/plan_defaults.hpp"

namespace painel::store {

namespace {

// Migration 30's trigger statements for one row R (NEW or OLD) entering (sign +1) or leaving
// (sign -1) tenant_status_history: R's hour gets R's contribution minus the one of the
// tenant's row before it, and the tenant's row after it (a back-dated row) now follows R
// instead of that previous row. Neighbours are looked for among the other rows (id <> R.id),
// so an AFTER UPDATE can take OLD out and put NEW in.
std::string billing_apply(const std::string& r, const std::string& sign) {
  const std::string hour = "coalesce(CAST(strftime('%s', {}.changed_at) AS INTEGER), 0) / 3600";
  auto hour_of = [&](const std::string& row) {
    std::string h = hour;
    h.replace(h.find("{}"), 2, row);
    return h;
  };
  const std::string contribution =
      "(CASE WHEN " + r + ".new_status = 'active' THEN " + r + ".mrr_cents ELSE 0 END)";
  const std::string previous =
      "coalesce((SELECT CASE WHEN p.new_status = 'active' THEN p.mrr_cents ELSE 0 END "
      "FROM tenant_status_history p WHERE p.tenant_id = " +
      r + ".tenant_id AND p.id <> " + r + ".id AND (p.changed_at, p.id) < (" + r + ".changed_at, " +
      r + ".id) ORDER BY p.changed_at DESC, p.id DESC LIMIT 1), 0)";
  const std::string activation = "(CASE WHEN " + r + ".new_status = 'active' AND coalesce(" + r +
                                 ".old_status, '') <> 'active' THEN 1 ELSE 0 END)";
  const std::string churn = "(CASE WHEN " + r + ".old_status = 'active' AND " + r +
                            ".new_status IN ('suspended', 'inactive') THEN 1 ELSE 0 END)";
  const std::string upsert =
      " ON CONFLICT(hour) DO UPDATE SET mrr_delta_cents = mrr_delta_cents + "
      "excluded.mrr_delta_cents, activations = activations + excluded.activations, churns = "
      "churns + excluded.churns, new_mrr_cents = new_mrr_cents + excluded.new_mrr_cents, "
      "churned_mrr_cents = churned_mrr_cents + excluded.churned_mrr_cents;\n";
  const std::string cols =
      "INSERT INTO billing_mrr_hours(hour, mrr_delta_cents, activations, churns, new_mrr_cents, "
      "churned_mrr_cents)\n";
  return cols + "  SELECT " + hour_of(r) + ", " + sign + " * (" + contribution + " - " + previous +
         "), " + sign + " * " + activation + ", " + sign + " * " + churn + ", " + sign + " * " +
         activation + " * " + r + ".mrr_cents, " + sign + " * " + churn + " * " + r +
         ".mrr_cents WHERE true" + upsert + cols + "  SELECT " + hour_of("n") + ", " + sign +
         " * (" + previous + " - " + contribution +
         "), 0, 0, 0, 0 FROM (SELECT n.changed_at FROM tenant_status_history n WHERE "
         "n.tenant_id = " +
         r + ".tenant_id AND n.id <> " + r + ".id AND (n.changed_at, n.id) > (" + r +
         ".changed_at, " + r + ".id) ORDER BY n.changed_at, n.id LIMIT 1) n WHERE true" + upsert;
}

std::string billing_hours_sql() {
  return R"SQL(
-- Issue 20: /internal/billing/overview read every tenant_status_history row (55 k at 10 000
-- demo tenants) on each uncached request to fold MRR over time in C++. billing_mrr_hours
-- holds, per UTC hour (hours since the epoch), the movement of the platform's MRR by the
-- history rows of that hour: mrr_delta_cents sums, over them, the row's contribution (its
-- mrr_cents when new_status is 'active', else 0) minus the contribution of the tenant's
-- previous row (by changed_at, id), so the MRR at an instant is the sum of the deltas of the
-- hours before it; activations/churns and their MRR are the rows that enter or leave
-- 'active' (domain/billing.hpp). The overview reads the hours before the period (one sum)
-- and the period's hours, and maps hours to days of the platform zone when every day
-- boundary of the period falls on a whole hour (else it folds the history as before).
-- Triggers keep it in the statement that writes the history, whoever writes it (the store,
-- the demo's bulk insert, a test fixture); a back-dated row moves its successor's delta.
-- Rows are never updated by the product; an update is handled as a delete and an insert.
CREATE TABLE billing_mrr_hours (
  hour INTEGER PRIMARY KEY,
  mrr_delta_cents INTEGER NOT NULL,
  activations INTEGER NOT NULL,
  churns INTEGER NOT NULL,
  new_mrr_cents INTEGER NOT NULL,
  churned_mrr_cents INTEGER NOT NULL
);
-- The triggers' neighbour lookups (a tenant's rows before and after an instant) from the
-- index alone.
DROP INDEX tenant_status_history_tenant;
CREATE INDEX tenant_status_history_tenant
  ON tenant_status_history(tenant_id, changed_at, id, new_status, mrr_cents);
CREATE TRIGGER tenant_status_history_billing_insert AFTER INSERT ON tenant_status_history
BEGIN
)SQL" + billing_apply("NEW", "1") +
         R"SQL(END;
CREATE TRIGGER tenant_status_history_billing_delete AFTER DELETE ON tenant_status_history
BEGIN
)SQL" + billing_apply("OLD", "-1") +
         R"SQL(END;
CREATE TRIGGER tenant_status_history_billing_update AFTER UPDATE ON tenant_status_history
BEGIN
)SQL" + billing_apply("OLD", "-1") +
         billing_apply("NEW", "1") + R"SQL(END;
-- The staff integration list's unfiltered order (the existing index leads with status).
CREATE INDEX tenant_integrations_recent_error ON tenant_integrations(last_error_at DESC, id);
-- The staff incident list's unfiltered order (created_at DESC, id DESC), read backwards.
CREATE INDEX incidents_time ON incidents(created_at, id);
-- The overview's MRR of active tenants, in total and per plan and segment, from the index
-- alone instead of a scan of the whole tenants table (17 MB at 10 000 demo tenants).
CREATE INDEX tenants_active_mrr ON tenants(plan, segment, mrr_cents) WHERE status = 'active';
)SQL";
}

}  // namespace

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> m = {
      {1, "initial schema", R"SQL(
CREATE TABLE plans (
  name TEXT PRIMARY KEY,
  base_price_cents INTEGER NOT NULL,
  max_agents INTEGER NOT NULL,
  max_users INTEGER NOT NULL,
  max_requests_per_month INTEGER NOT NULL
);
INSERT INTO plans VALUES ('starter', 49900, 3, 5, 10000),
                         ('professional', 149900, 10, 25, 100000),
                         ('enterprise', 499900, 50, 200, 1000000);

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_search TEXT NOT NULL,            -- lower-cased, accents folded, for search
  cnpj TEXT UNIQUE,                     -- 14 digits, no punctuation
  segment TEXT NOT NULL DEFAULT 'outros',
  plan TEXT NOT NULL DEFAULT 'starter' REFERENCES plans(name),
  status TEXT NOT NULL DEFAULT 'trial' CHECK (status IN ('trial','active','suspended','inactive')),
  mrr_cents INTEGER NOT NULL DEFAULT 0, -- plan price + contracted agents, kept by writes
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tenants_status_name ON tenants(status, name, id);
CREATE INDEX tenants_created ON tenants(created_at, id);
CREATE INDEX tenants_mrr ON tenants(mrr_cents, id);

-- Every status or MRR change, so billing can compute new and churned MRR per period.
CREATE TABLE tenant_status_history (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  old_status TEXT,
  new_status TEXT NOT NULL,
  mrr_cents INTEGER NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE INDEX tenant_status_history_time ON tenant_status_history(changed_at);
CREATE INDEX tenant_status_history_tenant ON tenant_status_history(tenant_id, changed_at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,           -- lower-cased
  full_name TEXT NOT NULL,
  password_hash TEXT,                   -- argon2id; NULL for external (Cognito) users
  cognito_sub TEXT UNIQUE,              -- external identity link
  groups TEXT NOT NULL,                 -- comma-separated Cognito groups
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  last_login_at TEXT
);

CREATE TABLE tenant_users (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('TENANT_ADMIN','TENANT_USER')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX tenant_users_user ON tenant_users(user_id);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  segment TEXT NOT NULL,
  subnucleus TEXT NOT NULL CHECK (subnucleus IN ('nigredo','hermes','sophia','atlas','oracle')),
  description TEXT NOT NULL DEFAULT '',
  monthly_price_cents INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE tenant_agents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
  config TEXT NOT NULL DEFAULT '{}',
  activated_at TEXT NOT NULL,
  deactivated_at TEXT,
  restart_count INTEGER NOT NULL DEFAULT 0,
  last_restart_at TEXT,
  UNIQUE (tenant_id, agent_id)
);
CREATE INDEX tenant_agents_agent ON tenant_agents(agent_id, status);

CREATE TABLE tenant_integrations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type TEXT NOT NULL,                   -- whatsapp, email, crm, ...
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','error','inactive')),
  credential_sealed TEXT,               -- secretbox under the master key
  last_sync_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tenant_integrations_tenant ON tenant_integrations(tenant_id, type, id);
CREATE INDEX tenant_integrations_status ON tenant_integrations(status, tenant_id);

-- Raw usage, idempotent on event_id.
CREATE TABLE usage_events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  success INTEGER NOT NULL,
  response_time_ms INTEGER NOT NULL,
  tokens_used INTEGER NOT NULL,
  cost_cents INTEGER NOT NULL,
  ingested_at_ms INTEGER NOT NULL
);
CREATE INDEX usage_events_time ON usage_events(occurred_at_ms);
CREATE INDEX usage_events_tenant_time ON usage_events(tenant_id, occurred_at_ms);

-- Days that received events after they were last aggregated ("dirty days").
CREATE TABLE usage_dirty_days (
  day TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  marked_at TEXT NOT NULL,
  PRIMARY KEY (day, tenant_id)
) WITHOUT ROWID;

CREATE TABLE tenant_usage_daily (
  tenant_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  day TEXT NOT NULL,
  total_requests INTEGER NOT NULL,
  successful_requests INTEGER NOT NULL,
  failed_requests INTEGER NOT NULL,
  sum_response_time_ms INTEGER NOT NULL, -- weighted averages are computed from sums
  p95_response_time_ms INTEGER,
  total_tokens INTEGER NOT NULL,
  cost_cents INTEGER NOT NULL,
  last_request_at TEXT,
  aggregated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, day, agent_id)
) WITHOUT ROWID;
CREATE INDEX tenant_usage_daily_day ON tenant_usage_daily(day, tenant_id);
CREATE INDEX tenant_usage_daily_agent ON tenant_usage_daily(tenant_id, agent_id, day);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE, -- NULL = global
  severity TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  source TEXT NOT NULL DEFAULT 'staff',
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT
);
CREATE INDEX incidents_tenant_time ON incidents(tenant_id, created_at, id);
CREATE INDEX incidents_status_time ON incidents(status, created_at, id);

-- The original's DynamoDB table; its two GSIs are the two indexes below.
CREATE TABLE operational_commands (
  id TEXT PRIMARY KEY,
  command_type TEXT NOT NULL,
  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
  parameters TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING','RUNNING','SUCCESS','ERROR','CANCELLED')),
  created_by TEXT NOT NULL,
  created_by_role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  output TEXT,
  error_message TEXT,
  worker_id TEXT,
  lease_until_ms INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX operational_commands_tenant_time ON operational_commands(tenant_id, created_at);
CREATE INDEX operational_commands_status_time ON operational_commands(status, created_at);

CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight','done')),
  response_status INTEGER,
  response_body TEXT,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- Audit log: append-only (triggers below) and hash-chained (hash = SHA-256 of the
-- previous row's hash and this row's content), so an edit made behind the triggers'
-- back is detected by /internal/audit/verify.
CREATE TABLE operational_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  tenant_id TEXT,
  target TEXT,
  request_id TEXT,
  ip TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX operational_events_time ON operational_events(created_at);
CREATE INDEX operational_events_tenant ON operational_events(tenant_id, created_at);
CREATE INDEX operational_events_actor ON operational_events(actor, created_at);
CREATE INDEX operational_events_action ON operational_events(action, created_at);
CREATE TRIGGER operational_events_no_update BEFORE UPDATE ON operational_events
BEGIN SELECT RAISE(ABORT, 'operational_events is append-only'); END;
CREATE TRIGGER operational_events_no_delete BEFORE DELETE ON operational_events
BEGIN SELECT RAISE(ABORT, 'operational_events is append-only'); END;

-- Refresh-token sessions: one row per issued refresh token; a family is one login.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  refresh_hash TEXT NOT NULL UNIQUE,    -- SHA-256 of the token; the token itself is never stored
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  rotated_at_ms INTEGER,
  revoked_at_ms INTEGER,
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_family ON sessions(family_id);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  public_key TEXT NOT NULL,             -- base64url raw
  private_key_sealed TEXT NOT NULL,     -- secretbox under the master key
  created_at_ms INTEGER NOT NULL,
  retired_at_ms INTEGER,                -- no longer signs; still published until tokens expire
  publish_until_ms INTEGER
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,                 -- first characters, shown to operators
  key_hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the key
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

-- Login throttle counters, persisted so a restart does not reset an attack's budget.
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,                 -- 'email:<addr>' or 'ip:<addr>'
  failures INTEGER NOT NULL,
  window_start_ms INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Leases for jobs that must run on one instance at a time.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until_ms INTEGER NOT NULL,
  last_run_at TEXT
) WITHOUT ROWID;
)SQL"},
      {2, "covering index for cross-tenant usage reports", R"SQL(
-- /internal/usage/overview scans a whole period across every tenant; with this index
-- it never visits the table (the primary key is ordered by tenant first).
CREATE INDEX tenant_usage_daily_day_cover ON tenant_usage_daily(day, tenant_id, agent_id,
  total_requests, successful_requests, sum_response_time_ms);
)SQL"},
      {3, "per-tenant usage reads served from one index", R"SQL(
-- SQLite keeps tenant_usage_daily in primary-key order (WITHOUT ROWID), so per-tenant
-- reads are already contiguous. The tenants list sums 30 days of requests for each of
-- its rows: from this narrow index it reads ~3x fewer bytes than from the table's rows
-- (the list's query went from ~0.5 to ~0.25 ms). The (day, tenant_id) index is a prefix
-- of the covering one from migration 2 and only costs writes.
CREATE INDEX tenant_usage_daily_tenant_requests ON tenant_usage_daily(tenant_id, day,
  total_requests);
DROP INDEX IF EXISTS tenant_usage_daily_day;
)SQL"},
      {4, "usage events indexed by day only", R"SQL(
-- Ingestion's cost was the (tenant_id, occurred_at_ms) index: a batch's events land at
-- one place per tenant in it, so every commit rewrote about one index page per active
-- tenant (and the plain time index, with events a few seconds apart, a page per few
-- events). Indexed by UTC day, a day's entries are in insertion (rowid) order and a new
-- event goes at the end of its day's range: a batch touches a page or two. Every reader
-- of raw events reads whole days (aggregation, the 24 h health check) and keeps the
-- tenants it wants; queries must use this exact expression. Events before 1970 are
-- refused at ingestion, so integer division is the UTC day.
CREATE INDEX usage_events_day ON usage_events(occurred_at_ms / 86400000);
DROP INDEX IF EXISTS usage_events_tenant_time;
DROP INDEX IF EXISTS usage_events_time;
)SQL"},
      {5, "running request totals per tenant", R"SQL(
-- The tenants list shows each tenant's requests of the last 30
-- days; summing them read ~55 daily rows per listed tenant. tenant_usage_cumulative holds,
-- per tenant and day with usage, the total over every day up to it, kept by the
-- aggregation in the transaction that replaces a day (store/usage_totals.hpp): the sum
-- becomes the latest running total minus the one 30 days back, two index seeks.
CREATE TABLE tenant_usage_cumulative (
  tenant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  requests_through_day INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, day)
) WITHOUT ROWID;
INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day)
SELECT tenant_id, day, sum(n) OVER (PARTITION BY tenant_id ORDER BY day)
FROM (SELECT tenant_id, day, sum(total_requests) AS n FROM tenant_usage_daily
      GROUP BY tenant_id, day) AS per_day;
-- Migration 3's narrow index only served the sum this replaces; it now only costs writes.
DROP INDEX IF EXISTS tenant_usage_daily_tenant_requests;
-- The list also counts each tenant's active agents: from this index, without reading the
-- contract rows (the unique (tenant_id, agent_id) index left the status in the table).
CREATE INDEX tenant_agents_tenant_status ON tenant_agents(tenant_id, status);
)SQL"},
      {6, "tenants carry their active-agent and user counts", R"SQL(
-- The tenants list shows each listed tenant's active agents and users; counting them was
-- two index descents per row, a fifth of the list's cost. Triggers keep the counts on
-- the tenant row, so every writer (commands, the admin CLI, cascading deletes, fixtures)
-- keeps them exact; `painel copy` recounts after copying (its inserts fire them too).
ALTER TABLE tenants ADD COLUMN active_agents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN user_count INTEGER NOT NULL DEFAULT 0;
UPDATE tenants SET active_agents = (SELECT count(*) FROM tenant_agents ta WHERE ta.tenant_id = tenants.id AND ta.status = 'active'), user_count = (SELECT count(*) FROM tenant_users tu WHERE tu.tenant_id = tenants.id);
CREATE TRIGGER tenant_agents_count_insert AFTER INSERT ON tenant_agents
WHEN NEW.status = 'active'
BEGIN UPDATE tenants SET active_agents = active_agents + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER tenant_agents_count_delete AFTER DELETE ON tenant_agents
WHEN OLD.status = 'active'
BEGIN UPDATE tenants SET active_agents = active_agents - 1 WHERE id = OLD.tenant_id; END;
CREATE TRIGGER tenant_agents_count_update AFTER UPDATE OF status, tenant_id ON tenant_agents
BEGIN
  UPDATE tenants SET active_agents = active_agents - 1
    WHERE id = OLD.tenant_id AND OLD.status = 'active';
  UPDATE tenants SET active_agents = active_agents + 1
    WHERE id = NEW.tenant_id AND NEW.status = 'active';
END;
CREATE TRIGGER tenant_users_count_insert AFTER INSERT ON tenant_users
BEGIN UPDATE tenants SET user_count = user_count + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER tenant_users_count_delete AFTER DELETE ON tenant_users
BEGIN UPDATE tenants SET user_count = user_count - 1 WHERE id = OLD.tenant_id; END;
CREATE TRIGGER tenant_users_count_update AFTER UPDATE OF tenant_id ON tenant_users
BEGIN
  UPDATE tenants SET user_count = user_count - 1 WHERE id = OLD.tenant_id;
  UPDATE tenants SET user_count = user_count + 1 WHERE id = NEW.tenant_id;
END;
)SQL"},
      {7, "revocable access tokens; lockout by account and IP", R"SQL(
-- An access token dies before its exp when its subject is revoked: 'user:<id>' (every
-- token of the user issued before not_before_s: RESET_TOKEN, disable, delete) or
-- 'session:<family id>' (one login's tokens: logout, refresh-token reuse). Instances poll
-- the rows created lately (store/sessions.hpp); rows older than the access-token lifetime
-- no longer matter and are pruned.
CREATE TABLE token_revocations (
  subject TEXT NOT NULL,
  not_before_s INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (subject, not_before_s)
) WITHOUT ROWID;
CREATE INDEX token_revocations_created ON token_revocations(created_at_ms);
-- Every writer that disables or deletes a user (CLI, routes, SQL) revokes its tokens.
CREATE TRIGGER users_disabled_revoke_tokens AFTER UPDATE OF disabled ON users
WHEN NEW.disabled <> 0 AND OLD.disabled = 0
BEGIN INSERT OR IGNORE INTO token_revocations(subject, not_before_s, created_at_ms)
  VALUES ('user:' || NEW.id, CAST(strftime('%s', 'now') AS INTEGER) + 1,
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END;
CREATE TRIGGER users_delete_revoke_tokens AFTER DELETE ON users
BEGIN INSERT OR IGNORE INTO token_revocations(subject, not_before_s, created_at_ms)
  VALUES ('user:' || OLD.id, CAST(strftime('%s', 'now') AS INTEGER) + 1,
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END;
-- login_throttle keys change meaning ('pair:', 'acct:', 'ip:'; window_start_ms becomes
-- the last failure): the old per-e-mail and per-IP windows are dropped.
DELETE FROM login_throttle;
)SQL"},
      {8, "ingest keys scoped to one tenant", R"SQL(
-- NULL: a global key (every key made before this version stays one). A tenant's scoped
-- keys are deleted with the tenant.
ALTER TABLE api_keys ADD COLUMN tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE;
)SQL"},
      {9, "the audit chain is keyed (HMAC) from here on", R"SQL(
-- The audit chain becomes an HMAC chain keyed by a subkey of the master key
-- (store/audit.cpp). SQL has no key, so existing rows cannot be re-keyed here: this
-- records the boundary instead. Rows with seq <= keyed_after_seq keep verifying with the
-- plain SHA-256 chain; every later row is HMAC-chained. Checkpoint rows sign the boundary,
-- so moving it later (to pass rebuilt rows off as old ones) is detected.
CREATE TABLE audit_chain (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  keyed_after_seq BIGINT NOT NULL
);
-- VALUES, not INSERT ... SELECT: `painel copy` treats the row as seeded and replaces it
-- with the source's boundary.
INSERT INTO audit_chain(id, keyed_after_seq)
  VALUES (1, (SELECT coalesce(max(seq), 0) FROM operational_events));
CREATE INDEX operational_events_checkpoint ON operational_events(action, seq);
)SQL"},
      {10, "tenants carry their active (non-disabled) user count", R"SQL(
-- "active_users" means the tenant's users that are not disabled, in every answer (the
-- tenants list used to show user_count, which counts disabled users too). The list reads
-- it from the tenant row like active_agents, so triggers keep it on every writer: a
-- membership added, removed or moved, a user disabled or enabled, a user deleted (counted
-- before the delete; the cascade then removes memberships whose user is gone, which
-- changes nothing).
ALTER TABLE tenants ADD COLUMN active_users INTEGER NOT NULL DEFAULT 0;
UPDATE tenants SET active_users = (SELECT count(*) FROM tenant_users tu JOIN users u ON u.id = tu.user_id WHERE tu.tenant_id = tenants.id AND u.disabled = 0);
CREATE TRIGGER tenant_users_active_insert AFTER INSERT ON tenant_users
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0
BEGIN UPDATE tenants SET active_users = active_users + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER tenant_users_active_delete AFTER DELETE ON tenant_users
WHEN (SELECT disabled FROM users WHERE id = OLD.user_id) = 0
BEGIN UPDATE tenants SET active_users = active_users - 1 WHERE id = OLD.tenant_id; END;
CREATE TRIGGER tenant_users_active_update AFTER UPDATE OF tenant_id, user_id ON tenant_users
BEGIN
  UPDATE tenants SET active_users = active_users - 1
    WHERE id = OLD.tenant_id AND (SELECT disabled FROM users WHERE id = OLD.user_id) = 0;
  UPDATE tenants SET active_users = active_users + 1
    WHERE id = NEW.tenant_id AND (SELECT disabled FROM users WHERE id = NEW.user_id) = 0;
END;
CREATE TRIGGER users_active_disabled AFTER UPDATE OF disabled ON users
WHEN (OLD.disabled = 0) <> (NEW.disabled = 0)
BEGIN UPDATE tenants SET active_users = active_users + (CASE WHEN NEW.disabled = 0 THEN 1 ELSE -1 END)
  WHERE id IN (SELECT tenant_id FROM tenant_users WHERE user_id = NEW.id); END;
CREATE TRIGGER users_active_delete BEFORE DELETE ON users
WHEN OLD.disabled = 0
BEGIN UPDATE tenants SET active_users = active_users - 1
  WHERE id IN (SELECT tenant_id FROM tenant_users WHERE user_id = OLD.id); END;
)SQL"},
      {11, "the agent catalog: status (retired agents take no new contracts), updated_at", R"SQL(
-- A retired agent stays in the catalog and in every existing contract (and its usage
-- history); only new contracts are refused. updated_at is NULL until the first edit
-- (readers show created_at then): rows inserted before this version keep working.
ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired'));
ALTER TABLE agents ADD COLUMN updated_at TEXT;
CREATE INDEX agents_status_name ON agents(status, name, id);
)SQL"},
      {12, "per-tenant limit overrides", R"SQL(
-- NULL: the plan's limit applies. store::tenant_limits() is the one reader of the
-- effective limits (override, else the plan's).
ALTER TABLE tenants ADD COLUMN max_agents INTEGER;
ALTER TABLE tenants ADD COLUMN max_users INTEGER;
ALTER TABLE tenants ADD COLUMN max_requests_per_month INTEGER;
)SQL"},
      {13,
       "incidents speak the API's words: severity info|warning|error|critical, source "
       "manual|health_check|alert",
       R"SQL(
-- API.md's severities and sources replace the stored ones (low|medium|high|critical and
-- staff|alarm|health_check) so that every reader and filter uses one vocabulary: low →
-- info, medium → warning, high → error; staff → manual, alarm → alert. SQLite cannot alter
-- a CHECK, so the table is rebuilt (nothing references incidents).
CREATE TABLE incidents_v13 (
  id TEXT PRIMARY KEY,
  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE, -- NULL = global
  severity TEXT NOT NULL CHECK (severity IN ('info','warning','error','critical')),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','health_check','alert')),
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT
);
INSERT INTO incidents_v13(id, tenant_id, severity, title, description, status, source,
                          created_at, resolved_at, resolved_by)
SELECT id, tenant_id,
       CASE severity WHEN 'low' THEN 'info' WHEN 'medium' THEN 'warning'
                     WHEN 'high' THEN 'error' ELSE 'critical' END,
       title, description, status,
       CASE source WHEN 'health_check' THEN 'health_check' WHEN 'alarm' THEN 'alert'
                   WHEN 'alert' THEN 'alert' ELSE 'manual' END,
       created_at, resolved_at, resolved_by
FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_v13 RENAME TO incidents;
CREATE INDEX incidents_tenant_time ON incidents(tenant_id, created_at, id);
CREATE INDEX incidents_status_time ON incidents(status, created_at, id);
)SQL"},
      {14, "integrations: configuration, sealed credentials' key id, when the last error came",
       R"SQL(
-- Integrations are written through the API (POST/PATCH /tenant/integrations): their
-- non-secret settings (config, a JSON object), the id of the key their credentials are
-- sealed under (credential_sealed holds base64url(nonce || secretbox) under the subkey
-- core/crypto derive_credentials_key(master, credentials_key_id), so the master key can
-- rotate), and when the platform last reported an error (POST /ingest/integrations).
ALTER TABLE tenant_integrations ADD COLUMN config TEXT;
ALTER TABLE tenant_integrations ADD COLUMN credentials_key_id INTEGER;
ALTER TABLE tenant_integrations ADD COLUMN last_error_at TEXT;
UPDATE tenant_integrations SET credentials_key_id = 1 WHERE credential_sealed IS NOT NULL;
UPDATE tenant_integrations SET last_error_at = coalesce(last_sync_at, updated_at)
  WHERE last_error IS NOT NULL;
-- The "integrations with error" view: status = ?, most recent error first, then id.
CREATE INDEX tenant_integrations_errors ON tenant_integrations(status, last_error_at DESC, id);
)SQL"},
      {15, "four-eyes approval of commands: AWAITING_APPROVAL, approved_by/at, decision_reason",
       R"SQL(
-- `serve --require-approval TYPES`: such commands start AWAITING_APPROVAL until another
-- INTERNAL_ADMIN approves (→ PENDING: approved_by, approved_at) or rejects them, or 24 h
-- pass (→ CANCELLED: decision_reason). SQLite cannot alter a CHECK constraint: the table
-- is rebuilt with the same columns, rows and indexes (nothing references it).
CREATE TABLE operational_commands_v15 (
  id TEXT PRIMARY KEY,
  command_type TEXT NOT NULL,
  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
  parameters TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING','RUNNING','SUCCESS','ERROR','CANCELLED','AWAITING_APPROVAL')),
  created_by TEXT NOT NULL,
  created_by_role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  output TEXT,
  error_message TEXT,
  worker_id TEXT,
  lease_until_ms INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  approved_by TEXT,
  approved_at TEXT,
  decision_reason TEXT
);
INSERT INTO operational_commands_v15(id, command_type, tenant_id, parameters, status, created_by,
  created_by_role, created_at, started_at, completed_at, output, error_message, worker_id,
  lease_until_ms, attempts)
SELECT id, command_type, tenant_id, parameters, status, created_by, created_by_role, created_at,
  started_at, completed_at, output, error_message, worker_id, lease_until_ms, attempts
FROM operational_commands;
DROP TABLE operational_commands;
ALTER TABLE operational_commands_v15 RENAME TO operational_commands;
CREATE INDEX operational_commands_tenant_time ON operational_commands(tenant_id, created_at);
CREATE INDEX operational_commands_status_time ON operational_commands(status, created_at);
)SQL"},
      {16, "support requests and their messages", R"SQL(
-- A tenant's support requests (issue #15) and the thread of each. opened_by, author_id and
-- closed_by keep the user's id; a deleted user leaves NULL (the thread stays). updated_at
-- is the last activity (a message or a status change): the staff queue and the tenant's
-- list are ordered by it.
CREATE TABLE support_requests (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  opened_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  subject TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('billing','technical','agent','integration','other')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered','closed')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX support_requests_queue ON support_requests(status, updated_at, id);
CREATE INDEX support_requests_tenant ON support_requests(tenant_id, updated_at, id);
CREATE INDEX support_requests_opened_by ON support_requests(opened_by);
CREATE TABLE support_messages (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  author_side TEXT NOT NULL CHECK (author_side IN ('tenant','staff')),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX support_messages_request ON support_messages(request_id, created_at, id);
CREATE INDEX support_messages_author ON support_messages(author_id);
)SQL"},
      {17, "one-time password links: invitations and resets", R"SQL(
-- A link that sets a user's password (issue #16): an invitation or a reset, valid 72 h,
-- used once. Only the SHA-256 of its token is kept. Issuing a new link voids the user's
-- older unused ones; using one marks it used and voids the others. created_by: the user
-- id of who issued it, or "cli".
CREATE TABLE password_links (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invite','reset')),
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  voided_at_ms INTEGER,
  created_by TEXT
);
CREATE INDEX password_links_user ON password_links(user_id);
)SQL"},
      {18, "personal data beside the audit chain (LGPD): audit_personal, users.erased_at", R"SQL(
-- Issue #16 (LGPD). The IP of an audit row written from this version on is kept here, not
-- in operational_events.ip (left NULL, so the chain hashes "no IP"): erasure and the IP
-- retention job delete these rows and /internal/audit/verify still passes. `mac` is
-- HMAC-SHA-256 under the audit key of (event_id, ip): an IP edited or attached to another
-- row is detected by verify; a deleted one is not (that is what erasure is). Rows written
-- before this version keep their IP inside the hashed row (docs/operations.md). No
-- foreign key to operational_events: that table is append-only, and removing its rows
-- (which only tampering does) is the chain's and the checkpoints' to detect.
CREATE TABLE audit_personal (
  event_id TEXT PRIMARY KEY,           -- operational_events.id; no foreign key: see above
  ip TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  mac TEXT NOT NULL
);
CREATE INDEX audit_personal_time ON audit_personal(created_at_ms);
-- An erasure's and an export's rows "where the person is the target".
CREATE INDEX operational_events_target ON operational_events(target, seq);
-- The retention job clears IPs of sessions older than the setting.
CREATE INDEX sessions_created ON sessions(created_at_ms);
-- Set when the account was erased: the row stays (disabled, pseudonymous) so audit rows
-- keep pointing at an id.
ALTER TABLE users ADD COLUMN erased_at TEXT;
)SQL"},
      // The same SQL on both dialects (store/plan_defaults.cpp, frozen as released): plan
      // rows still at migration 1's limits get the original system's.
      {19, "plans: the original system's limits (professional 20 users, 50 000 requests)",
       plan_defaults_migration_sql()},
      {20, "name lists in pt-BR order: folded sort keys beside the names", R"SQL(
-- Issue 21 item 8: name lists sorted by bytes put "Ótica" and "avião" after "Zeta". Each name a list is ordered by gets a key beside it, the accent- and
-- case-folded name (core/text.hpp name_sort_key), and lists order by (key, name, id).
-- Folding is C++, so the keys of existing rows are filled by this migration's step
-- (store/name_keys.cpp); tenants.name_search already held that fold (for search) and is
-- refreshed by the same step. A row written without its key has '' and sorts first.
ALTER TABLE agents ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN full_name_sort TEXT NOT NULL DEFAULT '';
-- The tenants list (default order: name) walks an index in its order and stops at the
-- page, filtered by status or not; the catalog's status filter the same.
DROP INDEX tenants_status_name;
CREATE INDEX tenants_status_name ON tenants(status, name_search, name, id);
CREATE INDEX tenants_name ON tenants(name_search, name, id);
DROP INDEX agents_status_name;
CREATE INDEX agents_status_name ON agents(status, name_sort, name, id);
)SQL",
       &refresh_name_keys},
      {21, "metric history: 1-minute points per instance (issue 17)", R"SQL(
-- Issue 17: each instance writes its own 1-minute points of its counters, gauges and
-- latency buckets (jobs/metric_history_job.cpp); readers sum the instances
-- (store/metric_history.hpp). minute: Unix minutes. A counter's value is its increase
-- within the minute, a gauge's its value. The key makes a retried batch replace, not add.
-- Pruned by minute after --metrics-history-days.
CREATE TABLE metric_points (
  instance_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  name TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL,
  PRIMARY KEY (name, minute, labels, instance_id)
) WITHOUT ROWID;
CREATE INDEX metric_points_minute ON metric_points(minute);
)SQL"},
      {22, "built-in alerts: their state and the webhook delivery log", R"SQL(
-- Issue 17. One row per rule (and scope: '' = global) with where its hysteresis stands, so a
-- restart or another instance taking the evaluation lease goes on from there and never
-- opens a second incident for an alert already firing. incident_id: the incident the
-- firing opened (resolved with it); no foreign key, staff may resolve it by hand.
CREATE TABLE alert_state (
  rule TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  phase TEXT NOT NULL CHECK (phase IN ('ok','pending','firing','clearing')),
  since_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  value REAL,
  incident_id TEXT,
  PRIMARY KEY (rule, scope)
);
-- Webhook notifications: queued here with the exact body they send (a retry sends the
-- same bytes), claimed by one sender at a time (next_attempt_ms moved forward), and kept
-- as the delivery log staff read. target: the URL without path or query (Slack's and
-- Teams' URLs carry their secret there); url_hash: SHA-256 of the whole URL, to find it
-- among --alert-webhook again.
CREATE TABLE alert_deliveries (
  id TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('firing','resolved','test')),
  rule TEXT NOT NULL,
  target TEXT NOT NULL,
  url_hash TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_http_status INTEGER,
  last_error TEXT,
  finished_ms INTEGER
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_ms);
CREATE INDEX alert_deliveries_created ON alert_deliveries(created_ms, id);
)SQL"},
      {23, "incremental usage aggregation: fold high-water marks, response-time sketches",
       R"SQL(
-- Issue 20: a dirty pass folds only the raw events it has not folded yet into the daily
-- rows (store/usage_aggregate.cpp). usage_fold_days: per UTC day, every event of the day
-- with id <= folded_through_id is in tenant_usage_daily (no row: the day was never
-- folded since this migration, and its first pass rebuilds it whole).
-- usage_fold_tenant_days: a tenant rebuilt alone (REPROCESS_QUEUE or `painel aggregate`
-- for one tenant) is folded further than its day, through its own folded_through_id;
-- cleared when the day's mark passes it.
CREATE TABLE usage_fold_days (
  day TEXT PRIMARY KEY,
  folded_through_id INTEGER NOT NULL,
  folded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE usage_fold_tenant_days (
  day TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  folded_through_id INTEGER NOT NULL,
  PRIMARY KEY (day, tenant_id)
) WITHOUT ROWID;
-- A DDSketch of the row's response times (domain/response_sketch.hpp, base64url); NULL on
-- rows written before this migration (their day is rebuilt whole when it next changes).
ALTER TABLE tenant_usage_daily ADD COLUMN response_sketch TEXT;
-- A pass reads the day's events after its mark: (day, id) ranges through one index.
DROP INDEX IF EXISTS usage_events_day;
CREATE INDEX usage_events_day ON usage_events(occurred_at_ms / 86400000, id);
-- Raw-event retention (--raw-retention-days, SQLite): every raw event of a day before
-- kept_from_day was deleted (one row, or none: nothing deleted yet). Those days are closed:
-- their daily rows stay, and neither a fold nor a rebuild touches them.
CREATE TABLE usage_raw_retention (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kept_from_day TEXT NOT NULL
);
)SQL"},
      {24, "tenant time zones: each tenant's IANA zone",
       R"SQL(
-- Issue 20 item 2: the tenant's IANA time zone (core/time_zone.hpp), validated against the
-- tz database by the API and the CLI. Existing tenants get the platform default.
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Sao_Paulo';
)SQL"},
      {25, "command lists find their creators by index",
       R"SQL(
-- Command lists (a tenant's detail, the history) show each creator's name: a join on
-- CAST(users.id AS TEXT) = created_by (a free-form text: a user id, or a name such as
-- "system"), which no index served, so every list read the whole users table (PostgreSQL,
-- 10 000 tenants: 15 ms of a tenant detail's 25). This index is that expression.
CREATE INDEX users_id_text ON users(CAST(id AS TEXT));
)SQL"},
      {26, "tenant-local days: each raw event carries its tenant's local date",
       R"SQL(
-- Issue 20 item 2: a tenant's daily rows are days of its own time zone (tenants.time_zone),
-- not UTC days. Ingestion stores each event's local date (days since the epoch of the local
-- calendar date, from the tenant's zone at ingestion) in local_day, and every reader of raw
-- events by day (fold marks, rebuilds, dirty marks, retention) goes through it, so the
-- aggregation's id high-water marks stay per (local) day exactly as they were per UTC day.
-- Events stored before this migration keep their UTC day: their daily rows were UTC days.
-- SQLite cannot add a NOT NULL column without a default, so the table is rebuilt; ids are
-- copied (the fold marks name them).
CREATE TABLE usage_events_v26 (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  success INTEGER NOT NULL,
  response_time_ms INTEGER NOT NULL,
  tokens_used INTEGER NOT NULL,
  cost_cents INTEGER NOT NULL,
  ingested_at_ms INTEGER NOT NULL,
  local_day INTEGER NOT NULL
);
INSERT INTO usage_events_v26(id, event_id, tenant_id, agent_id, occurred_at_ms, success,
  response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day)
  SELECT id, event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
    tokens_used, cost_cents, ingested_at_ms, occurred_at_ms / 86400000 FROM usage_events;
DROP TABLE usage_events;
ALTER TABLE usage_events_v26 RENAME TO usage_events;
CREATE INDEX usage_events_day ON usage_events(local_day, id);
)SQL"},
      {27, "raw usage events partitioned by UTC day",
       R"SQL(
-- PostgreSQL only (issue 20 item 3: usage_events partitioned by day, see its twin). SQLite
-- has no partitions: its retention deletes old days in small batches. Kept so the versions
-- stay the same in both files.
SELECT 1;
)SQL"},
      {28, "platform usage rollup: per (day, agent) and per day sums over tenants",
       R"SQL(
-- Issue 20: /internal/usage/overview read every daily row of the period (2.9 M for 90 days
-- at 10 000 tenants). platform_usage_daily holds, per local day, one row per agent with the
-- sums over tenants and the number of tenants with a daily row for it (tenant_bits: those
-- tenants as a bitmap over usage_tenant_ordinals, hex), plus one row with agent_id '' whose
-- sums are the day's and whose `tenants` is the day's active tenants (tenant_totals: each
-- tenant's total_requests of the day, by ordinal, so the period's top tenants are a sum of
-- <= 90 such lists instead of 20 000 index seeks). Kept by delta in the
-- transaction that changes tenant_usage_daily (store/usage_rollup.hpp). Existing daily
-- rows are backfilled a day at a time by the aggregation job: usage_rollup_state says
-- whether the rollup is complete (the overview scans the daily rows until it is).
CREATE TABLE platform_usage_daily (
  day TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  total_requests INTEGER NOT NULL,
  successful_requests INTEGER NOT NULL,
  sum_response_time_ms INTEGER NOT NULL,
  tenants INTEGER NOT NULL,
  tenant_bits TEXT,
  tenant_totals TEXT,
  PRIMARY KEY (day, agent_id)
);
CREATE TABLE usage_tenant_ordinals (
  tenant_id TEXT PRIMARY KEY,
  ordinal INTEGER NOT NULL UNIQUE
);
CREATE TABLE usage_rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  complete INTEGER NOT NULL,
  backfilled_through TEXT
);
INSERT INTO usage_rollup_state(id, complete) VALUES (1, 0);
-- Nothing to backfill without daily rows: complete from the start.
UPDATE usage_rollup_state SET complete = 1 WHERE NOT EXISTS (SELECT 1 FROM tenant_usage_daily);
)SQL"},
      {29, "platform usage rollup: totals lists in base 32, summed per 8-day block",
       R"SQL(
-- Issue 20: the 90-day overview summed 90 day lists of decimal totals (3.9 MB at 10 000
-- tenants, 182 ms). The lists are now base-32 digits without separators (about half the
-- size; store/usage_rollup.hpp, format_tenant_totals), and platform_usage_blocks holds,
-- per block of 8 days aligned on the epoch, the sum of its days' lists (agent_id '') and
-- each agent's OR of its days' bitmaps, kept by the same deltas: a 90-day period sums ~11
-- block lists and <= 14 day lists, and ORs as many bitmaps per top agent. The old decimal lists
-- are dropped and the rollup marked incomplete: the aggregation job's backfill rebuilds
-- every day in the new format, then the blocks (the overview scans the daily rows until
-- then).
CREATE TABLE platform_usage_blocks (
  first_day TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  tenant_totals TEXT,
  tenant_bits TEXT,
  PRIMARY KEY (first_day, agent_id)
);
-- The overview's deployed_count per top agent (count(DISTINCT tenant_id) of its active
-- contracts) read every contract's row; with tenant_id in the index it is an index-only
-- scan (10 agents: 13 ms -> ~2 ms at 10 000 tenants on PostgreSQL).
DROP INDEX tenant_agents_agent;
CREATE INDEX tenant_agents_agent ON tenant_agents(agent_id, status, tenant_id);
UPDATE platform_usage_daily SET tenant_totals = NULL WHERE agent_id = '';
UPDATE usage_rollup_state SET complete = 0, backfilled_through = NULL
  WHERE EXISTS (SELECT 1 FROM tenant_usage_daily);
)SQL"},
      {30, "billing overview from per-hour MRR movements; staff list indexes", billing_hours_sql(),
       rebuild_billing_hours},
  };
  return m;
}

}  // namespace painel::store
