// Migration parity: every migration applied on SQLite and on PostgreSQL must give the same
// schema, read back from each catalog — tables, columns (name and nullability; types are
// dialect-specific and not compared), primary keys, unique constraints, named indexes
// (table, columns in order, unique, partial), views and triggers by name. What differs on
// purpose is listed in kAllowed below with the reason; an allowed difference that no
// longer occurs fails too, so the list cannot go stale.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/postgres/pg_test_cluster.hpp"
#include "store/store.hpp"

namespace painel::store {
namespace {

// Each schema object as one line, e.g. "column tenants.cnpj nullable", "index
// tenants_mrr on tenants(mrr_cents,id)", "trigger users.users_delete_revoke_tokens".
using Schema = std::set<std::string>;

// "<only on postgres|only on sqlite>: <line>" — with why it is allowed.
const std::set<std::string> kAllowed = {
    // Partial indexes written for PostgreSQL's planner and its claim query (FOR UPDATE SKIP
    // LOCKED over the oldest PENDING row; lease recovery over RUNNING rows; open incidents
    // of a tenant). On SQLite the (status, created_at) indexes serve the same reads under
    // its single writer, and migration 1 was released without them.
    "only on postgres: index incidents_open on incidents(tenant_id,source,created_at) partial",
    "only on postgres: index operational_commands_pending on operational_commands(created_at,id) "
    "partial",
    "only on postgres: index operational_commands_running on "
    "operational_commands(lease_until_ms) partial",
    // Migration 1: the same index, partial on PostgreSQL only (status <> 'active': most
    // integrations are healthy and an operator looks for the others). Today's readers go
    // by tenant (tenant_integrations_tenant): the difference is the index's size, no result.
    "only on postgres: index tenant_integrations_status on tenant_integrations(status,tenant_id) "
    "partial",
    "only on sqlite: index tenant_integrations_status on tenant_integrations(status,tenant_id)",
    // Migration 3: SQLite keeps tenant_usage_daily in primary-key order (WITHOUT ROWID), so a
    // narrow (tenant_id, day, total_requests) index serves the tenants list; PostgreSQL's
    // heap is unordered, so it gets a covering index (INCLUDE) with every summed column.
    "only on postgres: index tenant_usage_daily_tenant_cover on "
    "tenant_usage_daily(tenant_id,day,agent_id,total_requests,successful_requests,"
    "failed_requests,sum_response_time_ms,total_tokens,cost_cents,last_request_at)",
    // PostgreSQL fires one trigger function for INSERT OR UPDATE OR DELETE; SQLite needs a
    // trigger per event (migration 6). Same counts either way (usage_totals_test).
    "only on postgres: trigger tenant_agents.tenant_agents_count",
    "only on postgres: trigger tenant_users.tenant_users_count",
    "only on sqlite: trigger tenant_agents.tenant_agents_count_delete",
    "only on sqlite: trigger tenant_agents.tenant_agents_count_insert",
    "only on sqlite: trigger tenant_agents.tenant_agents_count_update",
    "only on sqlite: trigger tenant_users.tenant_users_count_delete",
    "only on sqlite: trigger tenant_users.tenant_users_count_insert",
    "only on sqlite: trigger tenant_users.tenant_users_count_update",
    // Migration 10 (tenants.active_users), the same pattern.
    "only on postgres: trigger tenant_users.tenant_users_active",
    "only on sqlite: trigger tenant_users.tenant_users_active_delete",
    "only on sqlite: trigger tenant_users.tenant_users_active_insert",
    "only on sqlite: trigger tenant_users.tenant_users_active_update",
    // SQLite has no TRUNCATE; the append-only audit log refuses it on PostgreSQL.
    "only on postgres: trigger operational_events.operational_events_no_truncate",
    // Migration 30: one BEFORE trigger function on PostgreSQL, a trigger per event on SQLite.
    "only on postgres: trigger tenant_status_history.tenant_status_history_billing",
    "only on sqlite: trigger tenant_status_history.tenant_status_history_billing_delete",
    "only on sqlite: trigger tenant_status_history.tenant_status_history_billing_insert",
    "only on sqlite: trigger tenant_status_history.tenant_status_history_billing_update",
    // Migration 27: usage_events is partitioned by occurred_at_ms on PostgreSQL, and a
    // partitioned table's unique keys must contain it (unique indexes there, see the
    // migration). id is unique on its own there too (one sequence); an event_id is a
    // duplicate at the same occurred_at_ms (a retry).
    "only on postgres: index usage_events_id on usage_events(id,occurred_at_ms) unique",
    "only on postgres: index usage_events_event on usage_events(event_id,occurred_at_ms) unique",
    "only on sqlite: primary key usage_events(id)",
    "only on sqlite: unique usage_events(event_id)",
};

std::string index_line(const std::string& name, const std::string& table,
                       const std::string& columns, bool unique, bool partial) {
  return "index " + name + " on " + table + "(" + columns + ")" + (unique ? " unique" : "") +
         (partial ? " partial" : "");
}

Schema sqlite_schema(Conn& c) {
  Schema s;
  auto tables = c.query(
      "SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE "
      "'sqlite_%' ORDER BY name");
  for (auto& t : tables) {
    std::string table = t.str(0);
    if (t.str(1) == "view") {
      s.insert("view " + table);
      continue;
    }
    s.insert("table " + table);
    std::vector<std::pair<int64_t, std::string>> pk;
    for (auto& col : c.query("SELECT name, \"notnull\", pk FROM pragma_table_info(?)", {table})) {
      // A primary-key column is NOT NULL on PostgreSQL whatever it says; on SQLite only
      // WITHOUT ROWID and INTEGER PRIMARY KEY enforce it, and the store never writes one.
      bool not_null = col.i64(1) != 0 || col.i64(2) > 0;
      s.insert("column " + table + "." + col.str(0) + (not_null ? " not null" : " nullable"));
      if (col.i64(2) > 0) pk.emplace_back(col.i64(2), col.str(0));
    }
    std::sort(pk.begin(), pk.end());
    std::string pk_cols;
    for (auto& [n, name] : pk) pk_cols += (pk_cols.empty() ? "" : ",") + name;
    if (!pk_cols.empty()) s.insert("primary key " + table + "(" + pk_cols + ")");
    for (auto& ix :
         c.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", {table})) {
      std::string cols;
      for (auto& col : c.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {ix.str(0)}))
        cols += (cols.empty() ? "" : ",") + (col.is_null(0) ? std::string("<expr>") : col.str(0));
      if (ix.str(2) == "u")
        s.insert("unique " + table + "(" + cols + ")");
      else if (ix.str(2) == "c")
        s.insert(index_line(ix.str(0), table, cols, ix.i64(1) != 0, ix.i64(3) != 0));
    }  // origin "pk": the primary key, read above
  }
  for (auto& t : c.query("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
    s.insert("trigger " + t.str(0) + "." + t.str(1));
  return s;
}

// The columns of an index or constraint, in order, from an attnum array expression.
std::string pg_columns_of(const std::string& attnums) {
  return "array_to_string(ARRAY(SELECT coalesce(a.attname::text, '<expr>') FROM unnest(" + attnums +
         ") WITH ORDINALITY k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND "
         "a.attnum = k.attnum ORDER BY k.ord), ',')";
}

// Partitions (usage_events' days, migration 27) are storage of their parent, which is
// compared: they are left out.
const std::string kNotPartition =
    " AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)";

Schema postgres_schema(Conn& c) {
  Schema s;
  for (auto& t :
       c.query("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = "
               "current_schema()" +
               kNotPartition))
    s.insert((t.str(1) == "VIEW" ? "view " : "table ") + t.str(0));
  for (auto& col : c.query(
           "SELECT table_name, column_name, is_nullable FROM information_schema.columns c WHERE "
           "table_schema = current_schema() AND table_name IN (SELECT table_name FROM "
           "information_schema.tables WHERE table_schema = current_schema() AND table_type = "
           "'BASE TABLE'" +
           kNotPartition + ")"))
    s.insert("column " + col.str(0) + "." + col.str(1) +
             (col.str(2) == "YES" ? " nullable" : " not null"));
  for (auto& k : c.query("SELECT t.relname, con.contype, " + pg_columns_of("con.conkey") +
                         " FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN "
                         "pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = "
                         "current_schema() AND con.contype IN ('p','u') AND NOT t.relispartition"))
    s.insert((k.str(1) == "p" ? "primary key " : "unique ") + k.str(0) + "(" + k.str(2) + ")");
  // Indexes that do not back a constraint (those are compared as constraints above).
  for (auto& ix : c.query(
           "SELECT i.relname, t.relname, ix.indisunique::int, (ix.indpred IS NOT NULL)::int, " +
           pg_columns_of("ix.indkey::int2[]") +
           " FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid "
           "= ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = "
           "current_schema() AND NOT t.relispartition AND NOT EXISTS (SELECT 1 FROM pg_constraint "
           "con WHERE con.conindid = ix.indexrelid)"))
    s.insert(index_line(ix.str(0), ix.str(1), ix.str(4), ix.i64(2) != 0, ix.i64(3) != 0));
  for (auto& t : c.query(
           "SELECT t.relname, tg.tgname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid "
           "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND "
           "NOT tg.tgisinternal AND NOT t.relispartition"))
    s.insert("trigger " + t.str(0) + "." + t.str(1));
  return s;
}

// Differences not on the allow-list, and allow-list entries that did not occur.
std::vector<std::string> unexplained(const Schema& sqlite, const Schema& pg) {
  std::set<std::string> diff;
  for (auto& l : pg)
    if (!sqlite.count(l)) diff.insert("only on postgres: " + l);
  for (auto& l : sqlite)
    if (!pg.count(l)) diff.insert("only on sqlite: " + l);
  std::vector<std::string> out;
  for (auto& d : diff)
    if (!kAllowed.count(d)) out.push_back(d);
  for (auto& a : kAllowed)
    if (!diff.count(a))
      out.push_back("allowed but no longer differs (drop it from kAllowed): " + a);
  return out;
}

class PgServerMigrationParity : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = pg_test_cluster_url_or_skip();
    if (base.empty()) return;
    db_ = std::make_unique<PgTestDatabase>(base, "pgparity");
    pg_ = Store::open(db_->url());
    pg_->migrate("");
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-parity-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    sqlite_ = Store::open("sqlite:" + (dir_ / "t.db").string());
    sqlite_->migrate("");
  }
  void TearDown() override {
    pg_.reset();
    sqlite_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<PgTestDatabase> db_;
  std::unique_ptr<Store> pg_, sqlite_;
  std::filesystem::path dir_;
};

TEST_F(PgServerMigrationParity, BothDialectsBuildTheSameSchema) {
  ASSERT_EQ(sqlite_->schema_version(), pg_->schema_version());
  Schema s = sqlite_schema(sqlite_->conn()), p = postgres_schema(pg_->conn());
  ASSERT_GT(s.size(), 100u);  // the catalogs were read at all
  EXPECT_EQ(unexplained(s, p), std::vector<std::string>{});
}

// The comparison itself sees each kind of drift (a column, its nullability, an index's
// columns, a trigger) when it is made on one side only.
TEST_F(PgServerMigrationParity, DriftOnOneSideIsReported) {
  auto drifted = [&](const char* sqlite_sql) {
    Tx tx(sqlite_->conn(), true);
    sqlite_->conn().exec_script(sqlite_sql);
    auto d = unexplained(sqlite_schema(sqlite_->conn()), postgres_schema(pg_->conn()));
    return d;  // rolled back with tx
  };
  EXPECT_EQ(drifted("ALTER TABLE tenants ADD COLUMN extra TEXT"),
            std::vector<std::string>{"only on sqlite: column tenants.extra nullable"});
  EXPECT_EQ(
      drifted("DROP INDEX tenants_mrr; CREATE INDEX tenants_mrr ON tenants(mrr_cents)").size(), 2u);
  EXPECT_EQ(drifted("DROP TRIGGER users_delete_revoke_tokens").size(), 1u);
  EXPECT_EQ(drifted("CREATE TABLE extra (id TEXT PRIMARY KEY, v TEXT NOT NULL UNIQUE)").size(),
            5u);  // the table, its two columns, its primary key and its unique constraint
}

}  // namespace
}  // namespace painel::store
