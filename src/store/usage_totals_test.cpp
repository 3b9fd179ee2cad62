// Derived data the store keeps, against a direct computation, on SQLite (a real file) and
// PostgreSQL (PgServer*: skipped unless PAINEL_TEST_PG_URL(_FILE) is set; ctest's pg.unit):
// running request totals (tenant_usage_cumulative) through the aggregation that keeps them,
// and the tenants' active-agent and user counts kept by triggers (migration 6).
#include "store/usage_totals.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/pg_test_cluster.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_ingest.hpp"

namespace painel::store {
namespace {

constexpr int64_t kDayMs = 86400000;
const std::string kT1 = "0b1c5a5e-0000-4000-8000-000000000001";
const std::string kT2 = "0b1c5a5e-0000-4000-8000-000000000002";
const std::string kT3 = "0b1c5a5e-0000-4000-8000-000000000003";
const std::string kA1 = "0b1c5a5e-0000-4000-8000-0000000000a1";
const std::string kA2 = "0b1c5a5e-0000-4000-8000-0000000000a2";

// Drives one store through the aggregation and checks the running totals after each step.
class Scenario {
 public:
  explicit Scenario(Store& s) : s_(s), today_(*parse_day("2026-03-10")) {}

  Conn& c() { return s_.conn(); }

  // `n` events of `tenant` on today + `offset` days, split over two agents.
  void events(const std::string& tenant, int64_t offset, int n) {
    std::vector<std::string> ids;  // UsageEvent views its texts: they must outlive it
    for (int i = 0; i < n; ++i) ids.push_back("e" + std::to_string(++seq_));
    std::vector<UsageEvent> batch;
    for (int i = 0; i < n; ++i)
      batch.push_back({ids[static_cast<size_t>(i)], tenant, i % 2 ? kA1 : kA2,
                       (today_ + offset) * kDayMs + 15 * 3600000 + i, true, 100, 10, 1});
    s_.write([&](Conn& w) { insert_usage_events(w, batch, now()); });
  }
  void drop_events(const std::string& tenant, int64_t offset) {
    const int64_t from = (today_ + offset) * kDayMs;
    c().exec(
        "DELETE FROM usage_events WHERE tenant_id = ? AND occurred_at_ms >= ? AND "
        "occurred_at_ms < ?",
        {tenant, from, from + kDayMs});
  }
  void aggregate(int64_t from, int64_t to, const std::optional<std::string>& tenant = {}) {
    aggregate_days(c(), today_ + from, today_ + to, tenant, now());
  }

  // A history with gaps and rows on both sides of the window's edge (today - 29 counts,
  // today - 30 does not), aggregated day by day as the scheduled job and the demo do.
  void fresh() {
    for (auto [d, n] : {std::pair{-40, 5}, {-30, 2}, {-29, 7}, {-10, 3}, {0, 1}}) events(kT1, d, n);
    for (int64_t d : {-35, -29, -5}) events(kT2, d, 4);
    for (int64_t d : {-31, -30}) events(kT3, d, 6);
    aggregate(-45, 0);
  }

  // The list's figure (requests_after_day_sql) equals a direct sum over the daily rows
  // for every tenant, and every running total equals the sum of the days up to it.
  void expect_consistent(const char* step) {
    SCOPED_TRACE(step);
    std::map<std::string, int64_t> direct;
    for (auto& r : c().query("SELECT tenant_id, sum(total_requests) FROM tenant_usage_daily "
                             "WHERE day >= ? GROUP BY tenant_id",
                             {format_day(today_ - 29)}))
      direct[r.str(0)] = r.i64(1);
    for (const std::string& t : {kT1, kT2, kT3}) EXPECT_EQ(figure(t), direct[t]) << t;
    std::vector<std::string> expected, stored;
    std::string tenant;
    int64_t running = 0;
    for (auto& r : c().query("SELECT tenant_id, day, sum(total_requests) FROM tenant_usage_daily "
                             "GROUP BY tenant_id, day ORDER BY tenant_id, day")) {
      if (r.str(0) != tenant) tenant = r.str(0), running = 0;
      running += r.i64(2);
      expected.push_back(r.str(0) + " " + r.str(1) + " " + std::to_string(running));
    }
    for (auto& r : c().query("SELECT tenant_id, day, requests_through_day FROM "
                             "tenant_usage_cumulative ORDER BY tenant_id, day"))
      stored.push_back(r.str(0) + " " + r.str(1) + " " + std::to_string(r.i64(2)));
    EXPECT_EQ(stored, expected);
  }

  // The tenants list's requests_last_30_days for `tenant`.
  int64_t figure(const std::string& tenant) {
    return c()
        .query("SELECT " + requests_after_day_sql("?"), {tenant, tenant, format_day(today_ - 30)})
        .at(0)
        .i64(0);
  }

  // Counts every row written to tenant_usage_cumulative from now on.
  void count_writes() {
    if (c().dialect() == Dialect::Sqlite) {
      c().exec_script(
          "CREATE TABLE totals_writes (n INTEGER);"
          "CREATE TRIGGER tw_i AFTER INSERT ON tenant_usage_cumulative BEGIN "
          "INSERT INTO totals_writes VALUES (1); END;"
          "CREATE TRIGGER tw_u AFTER UPDATE ON tenant_usage_cumulative BEGIN "
          "INSERT INTO totals_writes VALUES (1); END;"
          "CREATE TRIGGER tw_d AFTER DELETE ON tenant_usage_cumulative BEGIN "
          "INSERT INTO totals_writes VALUES (1); END;");
    } else {
      c().exec_script(
          "CREATE TABLE totals_writes (n integer);"
          "CREATE FUNCTION note_totals_write() RETURNS trigger LANGUAGE plpgsql AS "
          "$$ BEGIN INSERT INTO totals_writes VALUES (1); RETURN NULL; END $$;"
          "CREATE TRIGGER tw AFTER INSERT OR UPDATE OR DELETE ON tenant_usage_cumulative "
          "FOR EACH ROW EXECUTE FUNCTION note_totals_write();");
    }
  }
  int64_t writes() { return c().query("SELECT count(*) FROM totals_writes").at(0).i64(0); }

 private:
  int64_t now() const { return (today_ + 1) * kDayMs; }
  Store& s_;
  int64_t today_;
  int seq_ = 0;
};

void fresh_aggregation(Store& s) {
  Scenario sc(s);
  sc.fresh();
  sc.expect_consistent("fresh");
  EXPECT_EQ(sc.figure(kT1), 7 + 3 + 1);  // days -29, -10, 0; not -30 nor -40
  EXPECT_EQ(sc.figure(kT2), 8);          // days -29, -5
  EXPECT_EQ(sc.figure(kT3), 0);          // days -31, -30 only
}

void late_events(Store& s) {
  Scenario sc(s);
  sc.fresh();
  // On a day the tenant had no rows (a new running total in the middle of its history)...
  sc.events(kT1, -20, 7);
  sc.aggregate(-20, -20, kT1);
  sc.expect_consistent("late event on an empty day, one tenant");
  EXPECT_EQ(sc.figure(kT1), 11 + 7);
  // ...before the window (the figure must not move), on the window's first day (it must),
  // both through the whole-day pass.
  sc.events(kT3, -30, 2);
  sc.events(kT2, -29, 5);
  sc.aggregate(-30, -29);
  sc.expect_consistent("late events on the window's edge, every tenant");
  EXPECT_EQ(sc.figure(kT3), 0);
  EXPECT_EQ(sc.figure(kT2), 13);
  // ...and before the first day any tenant had.
  sc.events(kT2, -44, 1);
  sc.aggregate(-44, -44);
  sc.expect_consistent("late event before the first day");
}

void identical_reaggregation_writes_nothing(Store& s) {
  Scenario sc(s);
  sc.fresh();
  sc.count_writes();
  sc.aggregate(-45, 0);
  sc.aggregate(-29, -29, kT2);
  EXPECT_EQ(sc.writes(), 0);
  sc.expect_consistent("identical re-aggregation");
  sc.events(kT1, 0, 1);  // today, the latest day: one running total to move
  sc.aggregate(0, 0, kT1);
  EXPECT_EQ(sc.writes(), 1);
  sc.expect_consistent("one more event today");
}

void day_losing_all_rows(Store& s) {
  Scenario sc(s);
  sc.fresh();
  sc.drop_events(kT2, -29);
  sc.aggregate(-29, -29, kT2);
  sc.expect_consistent("one tenant's day emptied");
  EXPECT_EQ(sc.figure(kT2), 4);
  sc.drop_events(kT1, 0);
  sc.drop_events(kT3, -31);
  sc.aggregate(-31, 0);
  sc.expect_consistent("days emptied through the whole-day pass");
  EXPECT_EQ(sc.figure(kT1), 7 + 3);
}

// Late events for more tenants than one statement covers (100), in different numbers:
// every tenant's later running total must move by its own.
void late_events_of_many_tenants(Store& s) {
  Scenario sc(s);
  std::vector<std::string> tenants;
  for (int i = 0; i < 250; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "0b1c5a5e-0000-4000-8000-%012d", 1000 + i);
    tenants.emplace_back(id);
  }
  for (auto& t : tenants) {
    sc.events(t, -1, 2);
    sc.events(t, 0, 1);
  }
  sc.aggregate(-1, 0);
  sc.expect_consistent("two days of 250 tenants");
  for (size_t i = 0; i < tenants.size(); ++i) sc.events(tenants[i], -1, 1 + i % 3);
  sc.aggregate(-1, -1);
  sc.expect_consistent("late events of each, the whole-day pass");
  for (size_t i = 0; i < tenants.size(); ++i) sc.events(tenants[i], -1, 1 + i % 4);
  for (int64_t d : dirty_days(sc.c(), std::nullopt)) fold_day(sc.c(), d, (d + 2) * kDayMs);
  sc.expect_consistent("late events of each, folded");
}

// Migration 5 fills the table from the daily rows already there.
void migration_fills_from_daily_rows(Store& s, const std::vector<Migration>& migrations) {
  Scenario sc(s);
  sc.fresh();
  sc.events(kT1, -20, 7);
  sc.aggregate(-20, -20, kT1);
  sc.c().exec_script("DROP TABLE tenant_usage_cumulative; DROP INDEX tenant_agents_tenant_status");
  for (auto& m : migrations)
    if (m.version == 5) sc.c().exec_script(m.sql);
  sc.expect_consistent("after migration 5");
}

// Tenants whose stored counts differ from the counts of their rows.
Rows miscounted_tenants(Conn& c) {
  return c.query(
      "SELECT id FROM tenants t WHERE active_agents <> (SELECT count(*) FROM tenant_agents ta "
      "WHERE ta.tenant_id = t.id AND ta.status = 'active') OR user_count <> (SELECT count(*) "
      "FROM tenant_users tu WHERE tu.tenant_id = t.id)");
}

void tenant_counts_follow_their_rows(Store& s) {
  Conn& c = s.conn();
  const std::string now = "2026-03-10T00:00:00Z";
  auto tenant = [&](const std::string& id) {
    c.exec(
        "INSERT INTO tenants(id, name, name_search, segment, plan, status, created_at, "
        "updated_at) VALUES (?, ?, ?, 'outros', 'starter', 'active', ?, ?)",
        {id, "T " + id, "t " + id, now, now});
  };
  auto agent = [&](const std::string& id) {
    c.exec(
        "INSERT INTO agents(id, slug, name, segment, subnucleus, monthly_price_cents, "
        "created_at) VALUES (?, ?, ?, 'outros', 'hermes', 100, ?)",
        {id, "slug-" + id, "A " + id, now});
  };
  auto contract = [&](const std::string& id, const std::string& t, const std::string& a,
                      const char* status) {
    c.exec(
        "INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES "
        "(?, ?, ?, ?, ?)",
        {id, t, a, status, now});
  };
  auto user = [&](const std::string& id, const std::string& t) {
    c.exec("INSERT INTO users(id, email, full_name, groups, created_at) VALUES (?, ?, ?, ?, ?)",
           {id, id + "@x.com", "U", "TENANT_USER", now});
    c.exec("INSERT INTO tenant_users(tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
           {t, id, "TENANT_USER", now});
  };
  auto counts = [&](const std::string& t) {
    auto r = c.query("SELECT active_agents, user_count FROM tenants WHERE id = ?", {t}).at(0);
    return std::pair{r.i64(0), r.i64(1)};
  };
  const std::string t1 = kT1, t2 = kT2;
  tenant(t1);
  tenant(t2);
  agent(kA1);
  agent(kA2);
  const std::string c1 = "0b1c5a5e-0000-4000-8000-0000000000c1",
                    c2 = "0b1c5a5e-0000-4000-8000-0000000000c2",
                    c3 = "0b1c5a5e-0000-4000-8000-0000000000c3";
  contract(c1, t1, kA1, "active");
  contract(c2, t1, kA2, "inactive");
  contract(c3, t2, kA1, "active");
  EXPECT_EQ(counts(t1), std::pair(int64_t{1}, int64_t{0}));
  c.exec("UPDATE tenant_agents SET status = 'active' WHERE id = ?", {c2});  // resumed
  EXPECT_EQ(counts(t1).first, 2);
  c.exec("UPDATE tenant_agents SET status = 'inactive' WHERE id = ?", {c1});  // paused
  c.exec("UPDATE tenant_agents SET restart_count = 3 WHERE id = ?", {c2});    // not a status
  c.exec("UPDATE tenant_agents SET status = 'active' WHERE id = ?", {c2});    // unchanged
  EXPECT_EQ(counts(t1).first, 1);
  c.exec("DELETE FROM tenant_agents WHERE id = ?", {c3});
  EXPECT_EQ(counts(t2).first, 0);
  const std::string u1 = "0b1c5a5e-0000-4000-8000-0000000000b1",
                    u2 = "0b1c5a5e-0000-4000-8000-0000000000b2",
                    u3 = "0b1c5a5e-0000-4000-8000-0000000000b3";
  user(u1, t1);
  user(u2, t1);
  user(u3, t2);
  EXPECT_EQ(counts(t1).second, 2);
  c.exec("DELETE FROM users WHERE id = ?", {u1});  // cascades to tenant_users
  EXPECT_EQ(counts(t1), std::pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(counts(t2), std::pair(int64_t{0}, int64_t{1}));
  EXPECT_TRUE(miscounted_tenants(c).empty());
  // A bulk load that fired the triggers on pre-filled counts is put right by a recount.
  c.exec("UPDATE tenants SET active_agents = active_agents + 5, user_count = 7");
  EXPECT_EQ(miscounted_tenants(c).size(), 2u);
  recount_tenant_children(c);
  EXPECT_TRUE(miscounted_tenants(c).empty());
  EXPECT_EQ(counts(t1), std::pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(counts(t2), std::pair(int64_t{0}, int64_t{1}));
}

using UsageTotals = SqliteStoreTest;
using PgServerUsageTotals = PgStoreTest;

TEST_F(UsageTotals, FreshAggregation) { fresh_aggregation(*store_); }
TEST_F(UsageTotals, LateEvents) { late_events(*store_); }
TEST_F(UsageTotals, IdenticalReaggregationWritesNothing) {
  identical_reaggregation_writes_nothing(*store_);
}
TEST_F(UsageTotals, DayLosingAllRows) { day_losing_all_rows(*store_); }
TEST_F(UsageTotals, LateEventsOfManyTenants) { late_events_of_many_tenants(*store_); }
TEST_F(UsageTotals, TenantCountsFollowTheirRows) { tenant_counts_follow_their_rows(*store_); }
TEST_F(UsageTotals, MigrationFillsFromDailyRows) {
  migration_fills_from_daily_rows(*store_, sqlite_migrations());
}

TEST_F(PgServerUsageTotals, FreshAggregation) { fresh_aggregation(*store_); }
TEST_F(PgServerUsageTotals, LateEvents) { late_events(*store_); }
TEST_F(PgServerUsageTotals, IdenticalReaggregationWritesNothing) {
  identical_reaggregation_writes_nothing(*store_);
}
TEST_F(PgServerUsageTotals, DayLosingAllRows) { day_losing_all_rows(*store_); }
TEST_F(PgServerUsageTotals, LateEventsOfManyTenants) { late_events_of_many_tenants(*store_); }
TEST_F(PgServerUsageTotals, TenantCountsFollowTheirRows) {
  tenant_counts_follow_their_rows(*store_);
}
TEST_F(PgServerUsageTotals, MigrationFillsFromDailyRows) {
  migration_fills_from_daily_rows(*store_, postgres_migrations());
}

}  // namespace
}  // namespace painel::store
