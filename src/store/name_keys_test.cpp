// Migration 20 and the stored name keys, on SQLite (a real file) and PostgreSQL
// (PgServer*: skipped unless PAINEL_TEST_PG_URL(_FILE) is set; ctest's pg.unit): an upgrade
// from version 18 fills the keys of rows written before it, and the name lists come out in
// pt-BR order.
#include "store/name_keys.hpp"

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "store/catalog.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

// Byte order of these names is Zeta, universo, Ética, Água, Ótica, avião.
const std::vector<std::string> kNames = {"Zeta", "universo", "Ética", "Água", "Ótica", "avião"};
const std::vector<std::string> kPtBr = {"Água", "avião", "Ética", "Ótica", "universo", "Zeta"};
constexpr const char* kNow = "2026-03-10T00:00:00Z";

// A store at schema version 18 (before the keys), as a deployed one would be.
void migrate_to_18(Conn& c, const std::vector<Migration>& migrations) {
  c.exec_script(
      "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_at text NOT NULL)");
  for (auto& m : migrations) {
    if (m.version > 18) break;
    Tx tx(c, true);
    c.exec_script(m.sql);
    c.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)",
           {int64_t{m.version}, m.name, std::string(kNow)});
    tx.commit();
  }
}

// Rows as version 18 wrote them: tenants with a search fold, agents and users without keys.
// The tenants' folds are stale on purpose ("x"): the step recomputes every key.
void write_rows_of_version_18(Conn& c) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    std::string n = std::to_string(i);
    c.exec(
        "INSERT INTO tenants(id, name, name_search, segment, plan, status, created_at, "
        "updated_at) VALUES (?, ?, 'x', 'outros', 'starter', 'active', ?, ?)",
        {"00000000-0000-4000-8000-00000000000" + n, kNames[i], kNow, kNow});
    c.exec(
        "INSERT INTO agents(id, slug, name, segment, subnucleus, monthly_price_cents, "
        "created_at) VALUES (?, ?, ?, 'outros', 'hermes', 100, ?)",
        {"00000000-0000-4000-8000-00000000010" + n, "slug-" + n, kNames[i], kNow});
    c.exec(
        "INSERT INTO users(id, email, full_name, groups, created_at) VALUES (?, ?, ?, ?, ?)",
        {"00000000-0000-4000-8000-00000000020" + n, n + "@x.com", kNames[i], "TENANT_USER", kNow});
  }
}

std::vector<std::string> tenant_names(Conn& c, bool ascending) {
  std::vector<std::string> out;
  TenantListQuery q;
  q.ascending = ascending;
  list_tenants(c, q, 20522, [&](const TenantListItem& t) { out.emplace_back(t.name); });
  return out;
}

std::vector<std::string> catalog_names(Conn& c) {
  std::vector<std::string> out;
  for (auto& a : list_catalog(c, {}).items) out.push_back(a.name);
  return out;
}

void upgrade_fills_the_keys(Store& s, const std::vector<Migration>& migrations) {
  Conn& c = s.conn();
  migrate_to_18(c, migrations);
  write_rows_of_version_18(c);
  EXPECT_GE(s.migrate(""), 1);  // 20 (and any later one)
  for (auto& r : c.query("SELECT name, name_search FROM tenants"))
    EXPECT_EQ(r.str(1), name_sort_key(r.text(0)));
  for (auto& r : c.query("SELECT name, name_sort FROM agents"))
    EXPECT_EQ(r.str(1), name_sort_key(r.text(0)));
  for (auto& r : c.query("SELECT full_name, full_name_sort FROM users"))
    EXPECT_EQ(r.str(1), name_sort_key(r.text(0)));
  EXPECT_EQ(refresh_name_keys(c), 0);  // nothing left to change
  EXPECT_EQ(tenant_names(c, true), kPtBr);
  EXPECT_EQ(tenant_names(c, false), std::vector<std::string>(kPtBr.rbegin(), kPtBr.rend()));
  EXPECT_EQ(catalog_names(c), kPtBr);
}

// Names equal but for accents or case share a key; the name then orders them (by bytes, the
// same on both stores), then the id: one order, page after page.
void ties_are_broken_by_name_then_id(Store& s) {
  Conn& c = s.conn();
  for (const char* name : {"etica", "Ética", "ETICA", "Etica"})
    create_tenant(c, {name, std::nullopt, "outros", "starter", "active"}, 1773100800000);
  EXPECT_EQ(tenant_names(c, true), (std::vector<std::string>{"ETICA", "Etica", "etica", "Ética"}));
}

// Empty stores: each test migrates (to 18 by hand, or all the way).
class SqliteNameKeys : public SqliteStoreTest {
  bool migrates() const override { return false; }
};
class PgServerNameKeys : public PgStoreTest {
  bool migrates() const override { return false; }
};

TEST_F(SqliteNameKeys, UpgradeFillsTheKeys) {
  upgrade_fills_the_keys(*store_, sqlite_migrations());
}
TEST_F(SqliteNameKeys, TiesAreBrokenByNameThenId) {
  store_->migrate("");
  ties_are_broken_by_name_then_id(*store_);
}
TEST_F(PgServerNameKeys, UpgradeFillsTheKeys) {
  upgrade_fills_the_keys(*store_, postgres_migrations());
}
TEST_F(PgServerNameKeys, TiesAreBrokenByNameThenId) {
  store_->migrate("");
  ties_are_broken_by_name_then_id(*store_);
}

// The keys and the names breaking their ties compare as bytes whatever the database's
// locale: declared COLLATE "C" (SQLite's default, BINARY, is byte order already).
TEST_F(PgServerNameKeys, NameColumnsCompareAsBytes) {
  store_->migrate("");
  auto r = store_->conn().query(
      "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE "
      "table_schema = current_schema() AND collation_name = 'C' ORDER BY 1");
  std::vector<std::string> cols;
  for (auto& x : r) cols.push_back(x.str(0));
  EXPECT_EQ(cols, (std::vector<std::string>{"agents.name", "agents.name_sort", "tenants.name",
                                            "tenants.name_search", "users.full_name",
                                            "users.full_name_sort"}));
}

}  // namespace
}  // namespace painel::store
