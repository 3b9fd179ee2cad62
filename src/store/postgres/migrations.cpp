// PostgreSQL schema: the SQLite migrations (store/sqlite/migrations.cpp) in PostgreSQL's
// dialect, with the same versions, tables and columns, so the repositories' SQL runs on
// both. Forward-only; each entry runs in one transaction. Add a migration here whenever
// one is added there (a unit test in pg_conn_test.cpp checks that the versions match).
//
// Types: ids the product generates are uuid; instants are timestamptz (read back as RFC
// 3339 UTC text, like SQLite's stored text) except the *_ms epoch columns (bigint); days
// are date; money is bigint cents; JSON the API echoes is jsonb. Kept as text on purpose:
// operational_events.metadata (hash-chained: jsonb would normalize the bytes the hash
// covers), commands' output (JSON or plain text), and ids that callers look up by a
// free-form value (api_keys.id: "id or prefix"; actor/created_by/worker_id names).
#include "store/billing.hpp"
#include "store/name_keys.hpp"
#include "store/plan_defaults.hpp"
#include "store/postgres/pg_store.hpp"

namespace painel::store {

const std::vector<Migration>& postgres_migrations() {
  static const std::vector<Migration> m = {
      {1, "initial schema", R"SQL(
CREATE TABLE plans (
  name text PRIMARY KEY,
  base_price_cents bigint NOT NULL,
  max_agents integer NOT NULL,
  max_users integer NOT NULL,
  max_requests_per_month bigint NOT NULL
);
INSERT INTO plans VALUES ('starter', 49900, 3, 5, 10000),
                         ('professional', 149900, 10, 25, 100000),
                         ('enterprise', 499900, 50, 200, 1000000);

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  name_search text NOT NULL,
  cnpj text UNIQUE,
  segment text NOT NULL DEFAULT 'outros',
  plan text NOT NULL DEFAULT 'starter' REFERENCES plans(name),
  status text NOT NULL DEFAULT 'trial' CHECK (status IN ('trial','active','suspended','inactive')),
  mrr_cents bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX tenants_status_name ON tenants(status, name, id);
CREATE INDEX tenants_created ON tenants(created_at, id);
CREATE INDEX tenants_mrr ON tenants(mrr_cents, id);

CREATE TABLE tenant_status_history (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  old_status text,
  new_status text NOT NULL,
  mrr_cents bigint NOT NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX tenant_status_history_time ON tenant_status_history(changed_at);
CREATE INDEX tenant_status_history_tenant ON tenant_status_history(tenant_id, changed_at);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text NOT NULL,
  password_hash text,
  cognito_sub text UNIQUE,
  groups text NOT NULL,
  disabled integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  last_login_at timestamptz
);

CREATE TABLE tenant_users (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('TENANT_ADMIN','TENANT_USER')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX tenant_users_user ON tenant_users(user_id);

CREATE TABLE agents (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  segment text NOT NULL,
  subnucleus text NOT NULL CHECK (subnucleus IN ('nigredo','hermes','sophia','atlas','oracle')),
  description text NOT NULL DEFAULT '',
  monthly_price_cents bigint NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE tenant_agents (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agents(id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
  config jsonb NOT NULL DEFAULT '{}',
  activated_at timestamptz NOT NULL,
  deactivated_at timestamptz,
  restart_count integer NOT NULL DEFAULT 0,
  last_restart_at timestamptz,
  UNIQUE (tenant_id, agent_id)
);
CREATE INDEX tenant_agents_agent ON tenant_agents(agent_id, status);

CREATE TABLE tenant_integrations (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','error','inactive')),
  credential_sealed text,
  last_sync_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX tenant_integrations_tenant ON tenant_integrations(tenant_id, type, id);
-- Most integrations are healthy: index only the ones an operator looks for.
CREATE INDEX tenant_integrations_status ON tenant_integrations(status, tenant_id)
  WHERE status <> 'active';

CREATE TABLE usage_events (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  tenant_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  occurred_at_ms bigint NOT NULL,
  success integer NOT NULL,
  response_time_ms bigint NOT NULL,
  tokens_used bigint NOT NULL,
  cost_cents bigint NOT NULL,
  ingested_at_ms bigint NOT NULL
);
CREATE INDEX usage_events_time ON usage_events(occurred_at_ms);
CREATE INDEX usage_events_tenant_time ON usage_events(tenant_id, occurred_at_ms);

CREATE TABLE usage_dirty_days (
  day date NOT NULL,
  tenant_id uuid NOT NULL,
  marked_at timestamptz NOT NULL,
  PRIMARY KEY (day, tenant_id)
);

CREATE TABLE tenant_usage_daily (
  tenant_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  day date NOT NULL,
  total_requests bigint NOT NULL,
  successful_requests bigint NOT NULL,
  failed_requests bigint NOT NULL,
  sum_response_time_ms bigint NOT NULL,
  p95_response_time_ms bigint,
  total_tokens bigint NOT NULL,
  cost_cents bigint NOT NULL,
  last_request_at timestamptz,
  aggregated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, day, agent_id)
);
CREATE INDEX tenant_usage_daily_day ON tenant_usage_daily(day, tenant_id);
CREATE INDEX tenant_usage_daily_agent ON tenant_usage_daily(tenant_id, agent_id, day);

CREATE TABLE incidents (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  severity text NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  source text NOT NULL DEFAULT 'staff',
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by text
);
CREATE INDEX incidents_tenant_time ON incidents(tenant_id, created_at, id);
CREATE INDEX incidents_status_time ON incidents(status, created_at, id);
CREATE INDEX incidents_open ON incidents(tenant_id, source, created_at) WHERE status = 'open';

CREATE TABLE operational_commands (
  id uuid PRIMARY KEY,
  command_type text NOT NULL,
  tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  parameters jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING','RUNNING','SUCCESS','ERROR','CANCELLED')),
  created_by text NOT NULL,
  created_by_role text NOT NULL,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  completed_at timestamptz,
  output text,
  error_message text,
  worker_id text,
  lease_until_ms bigint,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX operational_commands_tenant_time ON operational_commands(tenant_id, created_at);
CREATE INDEX operational_commands_status_time ON operational_commands(status, created_at);
-- The claim (oldest PENDING, FOR UPDATE SKIP LOCKED) and lease recovery read only these.
CREATE INDEX operational_commands_pending ON operational_commands(created_at, id)
  WHERE status = 'PENDING';
CREATE INDEX operational_commands_running ON operational_commands(lease_until_ms)
  WHERE status = 'RUNNING';

CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('in_flight','done')),
  response_status integer,
  response_body text,
  created_at_ms bigint NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- Audit log: append-only (triggers below) and hash-chained.
CREATE TABLE operational_events (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  actor text NOT NULL,
  role text NOT NULL,
  action text NOT NULL,
  tenant_id text,
  target text,
  request_id text,
  ip text,
  metadata text NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX operational_events_time ON operational_events(created_at);
CREATE INDEX operational_events_tenant ON operational_events(tenant_id, created_at);
CREATE INDEX operational_events_actor ON operational_events(actor, created_at);
CREATE INDEX operational_events_action ON operational_events(action, created_at);
CREATE FUNCTION operational_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'operational_events is append-only' USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER operational_events_no_update BEFORE UPDATE ON operational_events
  FOR EACH ROW EXECUTE FUNCTION operational_events_append_only();
CREATE TRIGGER operational_events_no_delete BEFORE DELETE ON operational_events
  FOR EACH ROW EXECUTE FUNCTION operational_events_append_only();
CREATE TRIGGER operational_events_no_truncate BEFORE TRUNCATE ON operational_events
  FOR EACH STATEMENT EXECUTE FUNCTION operational_events_append_only();

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  refresh_hash text NOT NULL UNIQUE,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  rotated_at_ms bigint,
  revoked_at_ms bigint,
  ip text,
  user_agent text
);
CREATE INDEX sessions_family ON sessions(family_id);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_key text NOT NULL,
  private_key_sealed text NOT NULL,
  created_at_ms bigint NOT NULL,
  retired_at_ms bigint,
  publish_until_ms bigint
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);

CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start_ms bigint NOT NULL,
  locked_until_ms bigint NOT NULL DEFAULT 0
);

CREATE TABLE job_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  until_ms bigint NOT NULL,
  last_run_at timestamptz
);
)SQL"},
      {2, "covering index for cross-tenant usage reports", R"SQL(
-- /internal/usage/overview scans a whole period across every tenant; with this index
-- it never visits the table (the primary key is ordered by tenant first).
CREATE INDEX tenant_usage_daily_day_cover ON tenant_usage_daily(day, tenant_id, agent_id,
  total_requests, successful_requests, sum_response_time_ms);
)SQL"},
      {3, "per-tenant usage reads served from one index", R"SQL(
-- A tenant's daily rows are scattered over the heap (~30 pages per tenant-month), so the
-- per-tenant sums (/tenant/usage, /tenant/agents, the tenants list) read them from an
-- index that carries every summed column: index-only scans, no heap visits. The
-- (day, tenant_id) index is a prefix of migration 2's covering index.
CREATE INDEX tenant_usage_daily_tenant_cover ON tenant_usage_daily(tenant_id, day)
  INCLUDE (agent_id, total_requests, successful_requests, failed_requests,
           sum_response_time_ms, total_tokens, cost_cents, last_request_at);
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
CREATE INDEX usage_events_day ON usage_events((occurred_at_ms / 86400000));
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
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  requests_through_day bigint NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day)
SELECT tenant_id, day, sum(n) OVER (PARTITION BY tenant_id ORDER BY day)
FROM (SELECT tenant_id, day, sum(total_requests) AS n FROM tenant_usage_daily
      GROUP BY tenant_id, day) AS per_day;
-- The list also counts each tenant's active agents: from this index, without reading the
-- contract rows (the unique (tenant_id, agent_id) index left the status in the table).
CREATE INDEX tenant_agents_tenant_status ON tenant_agents(tenant_id, status);
)SQL"},
      {6, "tenants carry their active-agent and user counts", R"SQL(
-- The tenants list shows each listed tenant's active agents and users; counting them was
-- two correlated sub-queries per row. Triggers keep the counts on the tenant row, so
-- every writer keeps them exact; `painel copy` recounts after copying.
ALTER TABLE tenants ADD COLUMN active_agents integer NOT NULL DEFAULT 0,
  ADD COLUMN user_count integer NOT NULL DEFAULT 0;
UPDATE tenants SET active_agents = (SELECT count(*) FROM tenant_agents ta WHERE ta.tenant_id = tenants.id AND ta.status = 'active'), user_count = (SELECT count(*) FROM tenant_users tu WHERE tu.tenant_id = tenants.id);
CREATE FUNCTION tenant_agents_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'active' THEN
    UPDATE tenants SET active_agents = active_agents - 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
    UPDATE tenants SET active_agents = active_agents + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_agents_count AFTER INSERT OR DELETE OR UPDATE OF status, tenant_id
  ON tenant_agents FOR EACH ROW EXECUTE FUNCTION tenant_agents_count();
CREATE FUNCTION tenant_users_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE tenants SET user_count = user_count - 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE tenants SET user_count = user_count + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_users_count AFTER INSERT OR DELETE OR UPDATE OF tenant_id
  ON tenant_users FOR EACH ROW EXECUTE FUNCTION tenant_users_count();
)SQL"},
      {7, "revocable access tokens; lockout by account and IP", R"SQL(
-- An access token dies before its exp when its subject is revoked: 'user:<id>' (every
-- token of the user issued before not_before_s: RESET_TOKEN, disable, delete) or
-- 'session:<family id>' (one login's tokens: logout, refresh-token reuse). Instances poll
-- the rows created lately (store/sessions.hpp); rows older than the access-token lifetime
-- no longer matter and are pruned.
CREATE TABLE token_revocations (
  subject text NOT NULL,
  not_before_s bigint NOT NULL,
  created_at_ms bigint NOT NULL,
  PRIMARY KEY (subject, not_before_s)
);
CREATE INDEX token_revocations_created ON token_revocations(created_at_ms);
-- Every writer that disables or deletes a user (CLI, routes, SQL) revokes its tokens.
CREATE FUNCTION users_revoke_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO token_revocations(subject, not_before_s, created_at_ms)
  VALUES ('user:' || OLD.id, floor(extract(epoch FROM clock_timestamp()))::bigint + 1,
          floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER users_disabled_revoke_tokens AFTER UPDATE OF disabled ON users FOR EACH ROW
  WHEN (NEW.disabled <> 0 AND OLD.disabled = 0) EXECUTE FUNCTION users_revoke_tokens();
CREATE TRIGGER users_delete_revoke_tokens AFTER DELETE ON users FOR EACH ROW
  EXECUTE FUNCTION users_revoke_tokens();
-- login_throttle keys change meaning ('pair:', 'acct:', 'ip:'; window_start_ms becomes
-- the last failure): the old per-e-mail and per-IP windows are dropped.
DELETE FROM login_throttle;
)SQL"},
      {8, "ingest keys scoped to one tenant", R"SQL(
-- NULL: a global key (every key made before this version stays one). A tenant's scoped
-- keys are deleted with the tenant.
ALTER TABLE api_keys ADD COLUMN tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE;
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
-- tenants list used to show user_count, which counts disabled users too). Kept on the
-- tenant row by triggers, like active_agents; a deleted user is counted out before the
-- delete, so the cascade's membership deletes (their user gone) change nothing.
ALTER TABLE tenants ADD COLUMN active_users integer NOT NULL DEFAULT 0;
UPDATE tenants SET active_users = (SELECT count(*) FROM tenant_users tu JOIN users u ON u.id = tu.user_id WHERE tu.tenant_id = tenants.id AND u.disabled = 0);
CREATE FUNCTION tenant_users_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE')
     AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id AND disabled = 0) THEN
    UPDATE tenants SET active_users = active_users - 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE')
     AND EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND disabled = 0) THEN
    UPDATE tenants SET active_users = active_users + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_users_active AFTER INSERT OR DELETE OR UPDATE OF tenant_id, user_id
  ON tenant_users FOR EACH ROW EXECUTE FUNCTION tenant_users_active();
CREATE FUNCTION users_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tenants SET active_users = active_users - 1
      WHERE id IN (SELECT tenant_id FROM tenant_users WHERE user_id = OLD.id);
    RETURN OLD;
  END IF;
  UPDATE tenants SET active_users = active_users + CASE WHEN NEW.disabled = 0 THEN 1 ELSE -1 END
    WHERE id IN (SELECT tenant_id FROM tenant_users WHERE user_id = NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER users_active_disabled AFTER UPDATE OF disabled ON users FOR EACH ROW
  WHEN ((OLD.disabled = 0) <> (NEW.disabled = 0)) EXECUTE FUNCTION users_active();
CREATE TRIGGER users_active_delete BEFORE DELETE ON users FOR EACH ROW
  WHEN (OLD.disabled = 0) EXECUTE FUNCTION users_active();
)SQL"},
      {11, "the agent catalog: status (retired agents take no new contracts), updated_at", R"SQL(
-- See the SQLite twin.
ALTER TABLE agents ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired')),
  ADD COLUMN updated_at timestamptz;
CREATE INDEX agents_status_name ON agents(status, name, id);
)SQL"},
      {12, "per-tenant limit overrides", R"SQL(
-- NULL: the plan's limit applies. store::tenant_limits() is the one reader of the
-- effective limits (override, else the plan's).
ALTER TABLE tenants ADD COLUMN max_agents bigint;
ALTER TABLE tenants ADD COLUMN max_users bigint;
ALTER TABLE tenants ADD COLUMN max_requests_per_month bigint;
)SQL"},
      {13,
       "incidents speak the API's words: severity info|warning|error|critical, source "
       "manual|health_check|alert",
       R"SQL(
-- See the SQLite twin: low → info, medium → warning, high → error; staff → manual,
-- alarm → alert. PostgreSQL alters the CHECKs in place.
ALTER TABLE incidents DROP CONSTRAINT incidents_severity_check;
UPDATE incidents SET
  severity = CASE severity WHEN 'low' THEN 'info' WHEN 'medium' THEN 'warning'
                           WHEN 'high' THEN 'error' ELSE 'critical' END,
  source = CASE source WHEN 'health_check' THEN 'health_check' WHEN 'alarm' THEN 'alert'
                       WHEN 'alert' THEN 'alert' ELSE 'manual' END;
ALTER TABLE incidents ADD CONSTRAINT incidents_severity_check
  CHECK (severity IN ('info','warning','error','critical'));
ALTER TABLE incidents ADD CONSTRAINT incidents_source_check
  CHECK (source IN ('manual','health_check','alert'));
ALTER TABLE incidents ALTER COLUMN source SET DEFAULT 'manual';
)SQL"},
      {14, "integrations: configuration, sealed credentials' key id, when the last error came",
       R"SQL(
-- Integrations are written through the API (POST/PATCH /tenant/integrations): their
-- non-secret settings (config, a JSON object), the id of the key their credentials are
-- sealed under (credential_sealed holds base64url(nonce || secretbox) under the subkey
-- core/crypto derive_credentials_key(master, credentials_key_id), so the master key can
-- rotate), and when the platform last reported an error (POST /ingest/integrations).
ALTER TABLE tenant_integrations ADD COLUMN config text;
ALTER TABLE tenant_integrations ADD COLUMN credentials_key_id integer;
ALTER TABLE tenant_integrations ADD COLUMN last_error_at timestamptz;
UPDATE tenant_integrations SET credentials_key_id = 1 WHERE credential_sealed IS NOT NULL;
UPDATE tenant_integrations SET last_error_at = coalesce(last_sync_at, updated_at)
  WHERE last_error IS NOT NULL;
-- The "integrations with error" view: status = ?, most recent error first, then id
-- (NULLS LAST, as SQLite sorts NULL in a descending order).
CREATE INDEX tenant_integrations_errors ON tenant_integrations(status, last_error_at DESC NULLS LAST, id);
)SQL"},
      {15, "four-eyes approval of commands: AWAITING_APPROVAL, approved_by/at, decision_reason",
       R"SQL(
-- See the SQLite twin.
ALTER TABLE operational_commands DROP CONSTRAINT operational_commands_status_check,
  ADD CONSTRAINT operational_commands_status_check
    CHECK (status IN ('PENDING','RUNNING','SUCCESS','ERROR','CANCELLED','AWAITING_APPROVAL')),
  ADD COLUMN approved_by text,
  ADD COLUMN approved_at timestamptz,
  ADD COLUMN decision_reason text;
)SQL"},
      {16, "support requests and their messages", R"SQL(
-- A tenant's support requests (issue #15) and the thread of each. opened_by, author_id and
-- closed_by keep the user's id; a deleted user leaves NULL (the thread stays). updated_at
-- is the last activity (a message or a status change): the staff queue and the tenant's
-- list are ordered by it.
CREATE TABLE support_requests (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  opened_by uuid REFERENCES users(id) ON DELETE SET NULL,
  subject text NOT NULL,
  category text NOT NULL CHECK (category IN ('billing','technical','agent','integration','other')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered','closed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  closed_by uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX support_requests_queue ON support_requests(status, updated_at, id);
CREATE INDEX support_requests_tenant ON support_requests(tenant_id, updated_at, id);
CREATE INDEX support_requests_opened_by ON support_requests(opened_by);
CREATE TABLE support_messages (
  id uuid PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
  author_id uuid REFERENCES users(id) ON DELETE SET NULL,
  author_side text NOT NULL CHECK (author_side IN ('tenant','staff')),
  body text NOT NULL,
  created_at timestamptz NOT NULL
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
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  purpose text NOT NULL CHECK (purpose IN ('invite','reset')),
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  used_at_ms bigint,
  voided_at_ms bigint,
  created_by text
);
CREATE INDEX password_links_user ON password_links(user_id);
)SQL"},
      {18, "personal data beside the audit chain (LGPD): audit_personal, users.erased_at", R"SQL(
-- See the SQLite twin.
CREATE TABLE audit_personal (
  event_id uuid PRIMARY KEY,
  ip text NOT NULL,
  created_at_ms bigint NOT NULL,
  mac text NOT NULL
);
CREATE INDEX audit_personal_time ON audit_personal(created_at_ms);
CREATE INDEX operational_events_target ON operational_events(target, seq);
CREATE INDEX sessions_created ON sessions(created_at_ms);
ALTER TABLE users ADD COLUMN erased_at timestamptz;
)SQL"},
      // The same SQL on both dialects (store/plan_defaults.cpp, frozen as released): plan
      // rows still at migration 1's limits get the original system's.
      {19, "plans: the original system's limits (professional 20 users, 50 000 requests)",
       plan_defaults_migration_sql()},
      {20, "name lists in pt-BR order: folded sort keys beside the names", R"SQL(
-- See the SQLite twin. The keys and the names that break their ties compare as bytes
-- (COLLATE "C"), as on SQLite: the order does not follow the server's locale.
ALTER TABLE tenants ALTER COLUMN name TYPE text COLLATE "C",
  ALTER COLUMN name_search TYPE text COLLATE "C";
ALTER TABLE agents ALTER COLUMN name TYPE text COLLATE "C",
  ADD COLUMN name_sort text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ALTER COLUMN full_name TYPE text COLLATE "C",
  ADD COLUMN full_name_sort text COLLATE "C" NOT NULL DEFAULT '';
DROP INDEX tenants_status_name;
CREATE INDEX tenants_status_name ON tenants(status, name_search, name, id);
CREATE INDEX tenants_name ON tenants(name_search, name, id);
DROP INDEX agents_status_name;
CREATE INDEX agents_status_name ON agents(status, name_sort, name, id);
)SQL",
       &refresh_name_keys},
      {21, "metric history: 1-minute points per instance (issue 17)", R"SQL(
-- See the SQLite twin.
CREATE TABLE metric_points (
  instance_id text NOT NULL,
  minute bigint NOT NULL,
  name text NOT NULL,
  labels text NOT NULL DEFAULT '',
  value double precision NOT NULL,
  PRIMARY KEY (name, minute, labels, instance_id)
);
CREATE INDEX metric_points_minute ON metric_points(minute);
)SQL"},
      {22, "built-in alerts: their state and the webhook delivery log", R"SQL(
-- See the SQLite twin.
CREATE TABLE alert_state (
  rule text NOT NULL,
  scope text NOT NULL DEFAULT '',
  phase text NOT NULL CHECK (phase IN ('ok','pending','firing','clearing')),
  since_ms bigint NOT NULL,
  updated_ms bigint NOT NULL,
  value double precision,
  incident_id text,
  PRIMARY KEY (rule, scope)
);
CREATE TABLE alert_deliveries (
  id uuid PRIMARY KEY,
  created_ms bigint NOT NULL,
  event text NOT NULL CHECK (event IN ('firing','resolved','test')),
  rule text NOT NULL,
  target text NOT NULL,
  url_hash text NOT NULL,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_ms bigint NOT NULL,
  last_http_status integer,
  last_error text,
  finished_ms bigint
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_ms);
CREATE INDEX alert_deliveries_created ON alert_deliveries(created_ms, id);
)SQL"},
      {23, "incremental usage aggregation: fold high-water marks, response-time sketches",
       R"SQL(
-- See the SQLite twin. usage_events.id is a bigserial: ids are never reused, but a lower
-- id can commit after a higher one; a pass folds only ids below every ingest transaction
-- still in flight (the ingest barrier in store/usage_aggregate.cpp).
CREATE TABLE usage_fold_days (
  day date PRIMARY KEY,
  folded_through_id bigint NOT NULL,
  folded_at timestamptz NOT NULL
);
CREATE TABLE usage_fold_tenant_days (
  day date NOT NULL,
  tenant_id uuid NOT NULL,
  folded_through_id bigint NOT NULL,
  PRIMARY KEY (day, tenant_id)
);
ALTER TABLE tenant_usage_daily ADD COLUMN response_sketch text;
DROP INDEX IF EXISTS usage_events_day;
CREATE INDEX usage_events_day ON usage_events((occurred_at_ms / 86400000), id);
CREATE TABLE usage_raw_retention (
  id integer PRIMARY KEY CHECK (id = 1),
  kept_from_day date NOT NULL
);
)SQL"},
      {24, "tenant time zones: each tenant's IANA zone",
       R"SQL(
-- Issue 20 item 2: the tenant's IANA time zone (core/time_zone.hpp), validated against the
-- tz database by the API and the CLI. Existing tenants get the platform default.
ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'America/Sao_Paulo';
)SQL"},
      {25, "command lists find their creators by index",
       R"SQL(
-- Command lists (a tenant's detail, the history) show each creator's name: a join on
-- CAST(users.id AS TEXT) = created_by (a free-form text: a user id, or a name such as
-- "system"), which no index served, so every list read the whole users table (PostgreSQL,
-- 10 000 tenants: 15 ms of a tenant detail's 25). This index is that expression.
CREATE INDEX users_id_text ON users((CAST(id AS TEXT)));
)SQL"},
      {26, "tenant-local days: each raw event carries its tenant's local date",
       R"SQL(
-- See the SQLite twin. Events stored before this migration keep their UTC day.
ALTER TABLE usage_events ADD COLUMN local_day bigint;
UPDATE usage_events SET local_day = occurred_at_ms / 86400000;
ALTER TABLE usage_events ALTER COLUMN local_day SET NOT NULL;
DROP INDEX IF EXISTS usage_events_day;
CREATE INDEX usage_events_day ON usage_events(local_day, id);
)SQL"},
      {27, "raw usage events partitioned by UTC day",
       R"SQL(
-- Issue 20 item 3: usage_events is range-partitioned on occurred_at_ms, one partition per
-- UTC day (usage_events_dYYYYMMDD, [day*86400000, (day+1)*86400000)), so retention drops
-- a whole day (DROP TABLE) instead of deleting its rows. usage_events_default takes the
-- events of a day without a partition, so ingestion never fails for lack of one; the
-- partition job (store/usage_partitions.hpp) creates partitions ahead and moves a day out
-- of DEFAULT into its own partition. Partitions are UTC days; an event's local_day (the
-- day the aggregation reads by, migration 26) is within one day of its partition's.
-- A unique key of a partitioned table must contain the partition key: usage_events_id is
-- (id, occurred_at_ms) — id stays unique on its own, from the same sequence, which is
-- kept (ids never go back: fold marks are id high-water marks); it also serves max(id) —
-- and an event is a duplicate when its event_id AND occurred_at_ms are stored (a retried
-- event carries the same time; SQLite keeps event_id unique alone). Unique indexes, not
-- constraints: `pg_restore --clean` (PostgreSQL 15) drops a partition's inherited
-- constraint before its parent's and fails; a partition's index is dropped with its
-- parent's.
-- The old table is renamed, the new one filled from it with the same ids, then dropped.
ALTER TABLE usage_events RENAME TO usage_events_unpartitioned;
ALTER INDEX usage_events_pkey RENAME TO usage_events_unpartitioned_pkey;
ALTER INDEX usage_events_event_id_key RENAME TO usage_events_unpartitioned_event_id_key;
ALTER INDEX usage_events_day RENAME TO usage_events_unpartitioned_day;
CREATE TABLE usage_events (
  id bigint NOT NULL DEFAULT nextval('usage_events_id_seq'),
  event_id text NOT NULL,
  tenant_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  occurred_at_ms bigint NOT NULL,
  success integer NOT NULL,
  response_time_ms bigint NOT NULL,
  tokens_used bigint NOT NULL,
  cost_cents bigint NOT NULL,
  ingested_at_ms bigint NOT NULL,
  local_day bigint NOT NULL
) PARTITION BY RANGE (occurred_at_ms);
-- The sequence belongs to the new column, or dropping the old table would drop it.
ALTER SEQUENCE usage_events_id_seq OWNED BY usage_events.id;
CREATE UNIQUE INDEX usage_events_id ON usage_events(id, occurred_at_ms);
CREATE UNIQUE INDEX usage_events_event ON usage_events(event_id, occurred_at_ms);
CREATE INDEX usage_events_day ON usage_events(local_day, id);
CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT;
-- Each day that has events gets its partition before the copy (names from integer days).
DO $$
DECLARE d bigint;
BEGIN
  FOR d IN SELECT DISTINCT occurred_at_ms / 86400000 FROM usage_events_unpartitioned LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%s) TO (%s)',
                   'usage_events_d' || to_char(date '1970-01-01' + d::integer, 'YYYYMMDD'),
                   d * 86400000, (d + 1) * 86400000);
  END LOOP;
END $$;
INSERT INTO usage_events(id, event_id, tenant_id, agent_id, occurred_at_ms, success,
                         response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day)
  SELECT id, event_id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms,
         tokens_used, cost_cents, ingested_at_ms, local_day FROM usage_events_unpartitioned;
DROP TABLE usage_events_unpartitioned;
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
  day date NOT NULL,
  agent_id TEXT NOT NULL,
  total_requests bigint NOT NULL,
  successful_requests bigint NOT NULL,
  sum_response_time_ms bigint NOT NULL,
  tenants bigint NOT NULL,
  tenant_bits TEXT,
  tenant_totals TEXT,
  PRIMARY KEY (day, agent_id)
);
CREATE TABLE usage_tenant_ordinals (
  tenant_id uuid PRIMARY KEY,
  ordinal bigint NOT NULL UNIQUE
);
CREATE TABLE usage_rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  complete INTEGER NOT NULL,
  backfilled_through date
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
  first_day date NOT NULL,
  agent_id TEXT NOT NULL,
  tenant_totals TEXT,
  tenant_bits TEXT,
  PRIMARY KEY (first_day, agent_id)
);
-- Stored uncompressed (out of line past 2 kB): the overview reads these lists (and the top
-- agents' bitmaps) whole, and pglz's decompression was ~25 ms of the 90-day overview; the
-- base-32 digits gain little from it anyway.
ALTER TABLE platform_usage_daily ALTER COLUMN tenant_totals SET STORAGE EXTERNAL;
ALTER TABLE platform_usage_blocks ALTER COLUMN tenant_totals SET STORAGE EXTERNAL;
ALTER TABLE platform_usage_daily ALTER COLUMN tenant_bits SET STORAGE EXTERNAL;
ALTER TABLE platform_usage_blocks ALTER COLUMN tenant_bits SET STORAGE EXTERNAL;
-- The overview's deployed_count per top agent (count(DISTINCT tenant_id) of its active
-- contracts) read every contract's row; with tenant_id in the index it is an index-only
-- scan (10 agents: 13 ms -> ~2 ms at 10 000 tenants on PostgreSQL).
DROP INDEX tenant_agents_agent;
CREATE INDEX tenant_agents_agent ON tenant_agents(agent_id, status, tenant_id);
UPDATE platform_usage_daily SET tenant_totals = NULL WHERE agent_id = '';
UPDATE usage_rollup_state SET complete = 0, backfilled_through = NULL
  WHERE EXISTS (SELECT 1 FROM tenant_usage_daily);
)SQL"},
      {30, "billing overview from per-hour MRR movements; staff list indexes",
       R"SQL(
-- See the SQLite twin (billing_mrr_hours). One BEFORE trigger: PostgreSQL fires AFTER row
-- triggers at the end of the statement, when a multi-row insert (the demo's) or a cascade
-- has already written every row, and the neighbour lookups must see the rows one at a time.
-- Neighbours are looked for among the other rows (id <> r.id), so an update takes OLD out
-- and puts NEW in.
CREATE TABLE billing_mrr_hours (
  hour bigint PRIMARY KEY,
  mrr_delta_cents bigint NOT NULL,
  activations bigint NOT NULL,
  churns bigint NOT NULL,
  new_mrr_cents bigint NOT NULL,
  churned_mrr_cents bigint NOT NULL
);
DROP INDEX tenant_status_history_tenant;
CREATE INDEX tenant_status_history_tenant
  ON tenant_status_history(tenant_id, changed_at, id, new_status, mrr_cents);
CREATE FUNCTION billing_mrr_apply(r tenant_status_history, sgn bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  c bigint := CASE WHEN r.new_status = 'active' THEN r.mrr_cents ELSE 0 END;
  act bigint := CASE WHEN r.new_status = 'active' AND coalesce(r.old_status, '') <> 'active'
                THEN 1 ELSE 0 END;
  ch bigint := CASE WHEN r.old_status = 'active' AND r.new_status IN ('suspended', 'inactive')
               THEN 1 ELSE 0 END;
  pc bigint;
  next_at timestamptz;
BEGIN
  SELECT CASE WHEN p.new_status = 'active' THEN p.mrr_cents ELSE 0 END INTO pc
    FROM tenant_status_history p
    WHERE p.tenant_id = r.tenant_id AND p.id <> r.id AND (p.changed_at, p.id) < (r.changed_at, r.id)
    ORDER BY p.changed_at DESC, p.id DESC LIMIT 1;
  pc := coalesce(pc, 0);
  INSERT INTO billing_mrr_hours AS b
    VALUES (floor(extract(epoch FROM r.changed_at) / 3600)::bigint, sgn * (c - pc), sgn * act,
            sgn * ch, sgn * act * r.mrr_cents, sgn * ch * r.mrr_cents)
    ON CONFLICT (hour) DO UPDATE SET mrr_delta_cents = b.mrr_delta_cents + excluded.mrr_delta_cents,
      activations = b.activations + excluded.activations, churns = b.churns + excluded.churns,
      new_mrr_cents = b.new_mrr_cents + excluded.new_mrr_cents,
      churned_mrr_cents = b.churned_mrr_cents + excluded.churned_mrr_cents;
  SELECT n.changed_at INTO next_at FROM tenant_status_history n
    WHERE n.tenant_id = r.tenant_id AND n.id <> r.id AND (n.changed_at, n.id) > (r.changed_at, r.id)
    ORDER BY n.changed_at, n.id LIMIT 1;
  IF FOUND THEN
    INSERT INTO billing_mrr_hours AS b
      VALUES (floor(extract(epoch FROM next_at) / 3600)::bigint, sgn * (pc - c), 0, 0, 0, 0)
      ON CONFLICT (hour) DO UPDATE SET mrr_delta_cents = b.mrr_delta_cents + excluded.mrr_delta_cents;
  END IF;
END $$;
CREATE FUNCTION tenant_status_history_billing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM billing_mrr_apply(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM billing_mrr_apply(NEW, 1); END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tenant_status_history_billing BEFORE INSERT OR UPDATE OR DELETE
  ON tenant_status_history FOR EACH ROW EXECUTE FUNCTION tenant_status_history_billing();
-- The staff integration list's unfiltered order (the existing index leads with status).
CREATE INDEX tenant_integrations_recent_error
  ON tenant_integrations(last_error_at DESC NULLS LAST, id);
-- The staff incident list's unfiltered order (created_at DESC, id DESC), read backwards.
CREATE INDEX incidents_time ON incidents(created_at, id);
-- The overview's MRR of active tenants, in total and per plan and segment, from the index
-- alone instead of a scan of the whole tenants table (17 MB at 10 000 demo tenants).
CREATE INDEX tenants_active_mrr ON tenants(plan, segment, mrr_cents) WHERE status = 'active';
)SQL",
       rebuild_billing_hours},
  };
  return m;
}

}  // namespace painel::store
