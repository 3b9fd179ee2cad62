// Migration 19 on both backends: a store holding migration 1's plan limits gets the
// original system's (domain/plans.hpp); a plan an operator changed keeps its values; a
// fresh store's plans are exactly the shipped ones.
#include "store/plan_defaults.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <map>
#include <random>

#include "domain/plans.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

using Limits = std::array<int64_t, 3>;

std::map<std::string, Limits> plan_rows(Conn& c) {
  std::map<std::string, Limits> out;
  for (auto& r : c.query("SELECT name, max_agents, max_users, max_requests_per_month FROM plans"))
    out[r.str(0)] = {r.i64(1), r.i64(2), r.i64(3)};
  return out;
}

std::map<std::string, Limits> shipped() {
  std::map<std::string, Limits> out;
  for (auto& p : domain::kShippedPlans)
    out[std::string(p.name)] = {p.max_agents, p.max_users, p.max_requests_per_month};
  return out;
}

// Applies migrations 1..18 by hand (the store as the release before this one left it), has
// an operator change the enterprise plan, then applies 19.
void old_defaults_move_changed_plans_stay(Conn& c, const std::vector<Migration>& migrations) {
  const Migration* m19 = nullptr;
  for (auto& m : migrations) {
    if (m.version < 19) c.exec_script(m.sql);
    if (m.version == 19) m19 = &m;
  }
  ASSERT_TRUE(m19);
  ASSERT_EQ(plan_rows(c)["professional"], (Limits{10, 25, 100'000}));
  c.exec("UPDATE plans SET max_users = 150 WHERE name = 'enterprise'");
  c.exec_script(m19->sql);
  auto got = plan_rows(c);
  EXPECT_EQ(got["starter"], (Limits{3, 5, 10'000}));
  EXPECT_EQ(got["professional"], (Limits{10, 20, 50'000}));
  EXPECT_EQ(got["enterprise"], (Limits{50, 150, 1'000'000}));  // the operator's, untouched
}

TEST(PlanDefaultsMigration, SqliteOldDefaultsMoveChangedPlansStay) {
  auto dir = std::filesystem::temp_directory_path() /
             ("painel-plans-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  {
    SqliteConn c((dir / "t.db").string());
    old_defaults_move_changed_plans_stay(c, sqlite_migrations());
  }
  std::filesystem::remove_all(dir);
}

using PlanDefaults = SqliteStoreTest;
TEST_F(PlanDefaults, FreshStoreHoldsTheShippedPlans) {
  EXPECT_EQ(plan_rows(store_->conn()), shipped());
}

class PgServerPlanDefaults : public PgStoreTest {};
TEST_F(PgServerPlanDefaults, FreshStoreHoldsTheShippedPlans) {
  if (!store_) return;
  EXPECT_EQ(plan_rows(store_->conn()), shipped());
}

TEST(PgServerPlanDefaultsMigration, OldDefaultsMoveChangedPlansStay) {
  std::string base = pg_test_cluster_url_or_skip();
  if (base.empty()) return;
  PgTestDatabase db(base, "plans19");
  PgConn c(PgConnOptions{db.url()});
  old_defaults_move_changed_plans_stay(c, postgres_migrations());
}

}  // namespace
}  // namespace painel::store
