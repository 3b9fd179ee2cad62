// Incidents on SQLite and PostgreSQL (PgServer*): what a tenant sees (its own and the
// global ones, never another tenant's), the staff list's filters and order, open and save;
// and migration 13's translation of the stored words (SQLite: the table is rebuilt).
#include "store/incidents.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

constexpr int64_t kNow = 1773100800000;  // 2026-03-10T00:00:00Z

std::vector<std::string> ids(const std::vector<Incident>& v) {
  std::vector<std::string> out;
  for (auto& i : v) out.push_back(i.id);
  return out;
}

void tenant_sees_own_and_global(Store& s) {
  Conn& c = s.conn();
  auto t1 = create_tenant(c, {"Um", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto t2 = create_tenant(c, {"Dois", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto own = open_incident(c, {t1, "warning", "own", "", "manual"}, kNow);
  auto global = open_incident(c, {std::nullopt, "critical", "global", "", "manual"}, kNow + 1000);
  auto other = open_incident(c, {t2, "info", "other", "", "alert"}, kNow + 2000);
  auto p1 = list_incidents(c, make_tenant_scope(t1, false), std::nullopt, {20, 0});
  EXPECT_EQ(p1.total, 2);
  EXPECT_EQ(ids(p1.items), (std::vector<std::string>{global, own}));
  auto p2 = list_incidents(c, make_tenant_scope(t2, false), std::nullopt, {20, 0});
  EXPECT_EQ(ids(p2.items), (std::vector<std::string>{other, global}));
  // the staff's tenant detail shows the tenant's own only
  EXPECT_EQ(ids(recent_incidents(c, make_tenant_scope(t1, true), 5)),
            (std::vector<std::string>{own}));

  auto g = get_incident(c, global);
  ASSERT_TRUE(g);
  EXPECT_FALSE(g->tenant_id);
  EXPECT_EQ(g->source, "manual");
  g->status = "resolved";
  g->resolved_at = "2026-03-10T01:00:00Z";
  g->resolved_by = "someone";
  save_incident(c, *g);
  EXPECT_EQ(list_incidents(c, make_tenant_scope(t1, false), "open", {20, 0}).total, 1);
  auto again = get_incident(c, global);
  EXPECT_EQ(again->resolved_by, "someone");
  EXPECT_TRUE(again->resolved_at);

  IncidentFilter f;
  EXPECT_EQ(list_staff_incidents(c, f, {20, 0}).total, 3);
  f.source = "alert";
  auto alerts = list_staff_incidents(c, f, {20, 0});
  ASSERT_EQ(alerts.items.size(), 1u);
  EXPECT_EQ(alerts.items[0].tenant_name, "Dois");
  f = {};
  f.tenant_id = t1;
  EXPECT_EQ(list_staff_incidents(c, f, {20, 0}).total, 1);
  f = {};
  f.status = "open";
  f.severity = "warning";
  EXPECT_EQ(list_staff_incidents(c, f, {20, 0}).items.at(0).id, own);
  EXPECT_FALSE(get_incident(c, "00000000-0000-4000-8000-000000000000"));
}

// Opened in the same millisecond (a burst from the alert job, or a fast client): the list is
// still newest first, in the order they were opened (ties break on the time-ordered id).
void same_millisecond_newest_first(Store& s) {
  Conn& c = s.conn();
  auto t = create_tenant(c, {"Rajada", std::nullopt, "varejo", "starter", "active"}, kNow);
  std::vector<std::string> made;
  for (int n = 0; n < 12; ++n)
    made.push_back(open_incident(c, {t, "info", "r" + std::to_string(n), "", "manual"}, kNow));
  std::vector<std::string> want(made.rbegin(), made.rend());
  EXPECT_EQ(ids(list_incidents(c, make_tenant_scope(t, false), std::nullopt, {20, 0}).items), want);
  IncidentFilter f;
  f.tenant_id = t;
  std::vector<std::string> staff;
  for (auto& i : list_staff_incidents(c, f, {20, 0}).items) staff.push_back(i.id);
  EXPECT_EQ(staff, want);
}

using IncidentStore = SqliteStoreTest;
using PgServerIncidentStore = PgStoreTest;

TEST_F(IncidentStore, TenantSeesOwnAndGlobal) { tenant_sees_own_and_global(*store_); }
TEST_F(PgServerIncidentStore, TenantSeesOwnAndGlobal) {
  if (store_) tenant_sees_own_and_global(*store_);
}

TEST_F(IncidentStore, SameMillisecondNewestFirst) { same_millisecond_newest_first(*store_); }
TEST_F(PgServerIncidentStore, SameMillisecondNewestFirst) {
  if (store_) same_millisecond_newest_first(*store_);
}

TEST(IncidentMigration, OldWordsAreTranslated) {
  auto dir = std::filesystem::temp_directory_path() /
             ("painel-inc-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  {
    SqliteConn c((dir / "t.db").string());
    const Migration* m13 = nullptr;
    for (auto& m : sqlite_migrations()) {
      if (m.version == 13) m13 = &m;
      if (m.version < 13) c.exec_script(m.sql);
    }
    ASSERT_TRUE(m13);
    const char* rows[][3] = {{"low", "staff", "info"},
                             {"medium", "alarm", "warning"},
                             {"high", "health_check", "error"},
                             {"critical", "staff", "critical"}};
    int n = 0;
    for (auto& r : rows)
      c.exec("INSERT INTO incidents(id, severity, title, source, created_at) VALUES (?,?,?,?,?)",
             {"00000000-0000-4000-8000-00000000000" + std::to_string(++n), r[0], "t", r[1],
              "2026-01-01T00:00:00Z"});
    c.exec_script(m13->sql);
    auto got = c.query("SELECT severity, source FROM incidents ORDER BY id", {});
    ASSERT_EQ(got.size(), 4u);
    const char* sources[] = {"manual", "alert", "health_check", "manual"};
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(got[i].str(0), rows[i][2]);
      EXPECT_EQ(got[i].str(1), sources[i]);
    }
    EXPECT_THROW(c.exec("INSERT INTO incidents(id, severity, title, created_at) VALUES (?,?,?,?)",
                        {"x", "low", "t", "2026-01-01T00:00:00Z"}),
                 DbError);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace painel::store
