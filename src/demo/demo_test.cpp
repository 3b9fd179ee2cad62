#include "demo/demo.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "auth/password.hpp"
#include "core/time.hpp"
#include "domain/cnpj.hpp"
#include "store/billing.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::demo {
namespace {

using store::Row;

const int64_t kNow = *parse_rfc3339("2026-03-18T15:30:00Z");

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-demo-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    stores_.clear();
    std::filesystem::remove_all(dir_);
  }
  store::Store& fresh() {
    auto path = dir_ / ("s" + std::to_string(stores_.size()) + ".db");
    stores_.push_back(store::Store::open("sqlite:" + path.string()));
    stores_.back()->migrate("");
    stores_.back()->set_audit_key(std::string(32, 'k'));
    return *stores_.back();
  }
  DemoSummary load(store::Store& s, DemoOptions o) {
    return load_demo(s, o, kNow, [](const std::string&) {});
  }
  std::vector<std::string> strings(store::Store& s, const std::string& sql) {
    std::vector<std::string> out;
    s.conn().each(sql, {}, [&](const Row& r) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) line += r.str(i) + "|";
      out.push_back(line);
    });
    return out;
  }
  int64_t scalar(store::Store& s, const std::string& sql) { return s.conn().query(sql)[0].i64(0); }

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<store::Store>> stores_;
};

TEST_F(DemoTest, SameSeedGivesSameData) {
  auto& a = fresh();
  auto& b = fresh();
  auto& other = fresh();
  DemoOptions o{3, 7, 42};
  auto sa = load(a, o);
  auto sb = load(b, o);
  load(other, {3, 7, 43});
  EXPECT_EQ(sa.events, sb.events);
  const std::string tenants = "SELECT id, name, cnpj, status, mrr_cents FROM tenants ORDER BY id";
  EXPECT_EQ(strings(a, tenants), strings(b, tenants));
  EXPECT_NE(strings(a, tenants), strings(other, tenants));
  for (const char* sql :
       {"SELECT id, email FROM users ORDER BY id",
        "SELECT id, agent_id FROM tenant_agents ORDER BY id",
        "SELECT count(*), min(event_id), max(event_id), sum(response_time_ms), sum(cost_cents) "
        "FROM usage_events",
        "SELECT id, title FROM incidents ORDER BY id",
        "SELECT id, command_type, status FROM operational_commands ORDER BY id"})
    EXPECT_EQ(strings(a, sql), strings(b, sql)) << sql;
}

TEST_F(DemoTest, SmallDemoIsFastAndConsistent) {
  auto& s = fresh();
  auto t0 = std::chrono::steady_clock::now();
  auto sum = load(s, {3, 7, 42});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 10.0);
  EXPECT_EQ(sum.tenants, 3);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM tenants"), 3);
  EXPECT_GT(sum.events, 0);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM usage_events"), sum.events);
  EXPECT_GE(scalar(s, "SELECT count(*) FROM agents"), 15);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT subnucleus) FROM agents"), 5);
  // The showcase tenant has a failing integration and an open incident about it.
  EXPECT_GE(scalar(s,
                   "SELECT count(*) FROM tenant_integrations WHERE status = 'error' AND "
                   "last_error <> '' AND last_sync_at IS NOT NULL"),
            1);
  EXPECT_GE(scalar(s, "SELECT count(*) FROM incidents WHERE status = 'open'"), 1);
  EXPECT_GE(scalar(s, "SELECT count(*) FROM operational_commands"), 1);
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM operational_commands WHERE status IN "
                   "('PENDING','RUNNING')"),
            0);
}

TEST_F(DemoTest, CnpjsAreValidAndUnique) {
  auto& s = fresh();
  load(s, {40, 2, 7});
  auto cnpjs = strings(s, "SELECT cnpj FROM tenants");
  ASSERT_EQ(cnpjs.size(), 40u);
  for (auto& c : cnpjs) EXPECT_TRUE(domain::cnpj_valid(c.substr(0, c.size() - 1))) << c;
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT cnpj) FROM tenants"), 40);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT name) FROM tenants"), 40);
}

TEST_F(DemoTest, EveryTenantHasUsersOfBothGroupsAndLoginsWork) {
  auto& s = fresh();
  auto sum = load(s, {20, 2, 42});
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM "
                   "tenant_users u WHERE u.tenant_id = t.id AND u.role = 'TENANT_ADMIN') OR "
                   "NOT EXISTS (SELECT 1 FROM tenant_users u WHERE u.tenant_id = t.id AND "
                   "u.role = 'TENANT_USER')"),
            0);
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM users u JOIN tenant_users tu ON tu.user_id = u.id "
                   "WHERE u.groups <> tu.role"),
            0);
  ASSERT_EQ(sum.logins.size(), 4u);
  EXPECT_EQ(sum.logins[0].email, "admin@alquimista.ai");
  EXPECT_EQ(sum.logins[0].group, "INTERNAL_ADMIN");
  EXPECT_EQ(sum.logins[1].email, "suporte@alquimista.ai");
  EXPECT_EQ(sum.logins[1].group, "INTERNAL_SUPPORT");
  EXPECT_EQ(sum.logins[2].group, "TENANT_ADMIN");
  EXPECT_EQ(sum.logins[3].group, "TENANT_USER");
  EXPECT_EQ(sum.logins[2].email.substr(0, 6), "admin@");
  EXPECT_EQ(sum.logins[3].email.substr(0, 8), "usuario@");
  for (auto& l : sum.logins) {
    auto r = s.conn().query(
        "SELECT u.password_hash, coalesce(t.name, '') FROM users u LEFT JOIN tenant_users tu ON "
        "tu.user_id = u.id LEFT JOIN tenants t ON t.id = tu.tenant_id WHERE u.email = ?",
        {l.email});
    ASSERT_EQ(r.size(), 1u) << l.email;
    EXPECT_TRUE(auth::verify_password(r[0].str(0), l.password)) << l.email;
    EXPECT_EQ(r[0].str(1), l.tenant_name);
  }
  // The printed tenant is a live one, with agents and usage.
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenants t JOIN tenant_users tu ON tu.tenant_id = t.id "
                   "JOIN users u ON u.id = tu.user_id WHERE u.email = '" +
                       sum.logins[2].email + "' AND t.status = 'active'"),
            1);
}

TEST_F(DemoTest, DailyAggregatesEqualRawEvents) {
  auto& s = fresh();
  auto sum = load(s, {12, 21, 5});
  EXPECT_EQ(scalar(s, "SELECT sum(total_requests) FROM tenant_usage_daily"), sum.events);
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenant_usage_daily WHERE successful_requests + "
                   "failed_requests <> total_requests"),
            0);
  // Per (tenant, agent, day), every figure matches a direct count of the raw events. The
  // days are the demo tenants' local dates (America/Sao_Paulo: UTC-3 without DST since 2019).
  const std::string raw =
      "SELECT tenant_id, agent_id, strftime('%Y-%m-%d', occurred_at_ms / 1000, 'unixepoch', "
      "'-3 hours') AS "
      "day, count(*) AS n, sum(success) AS ok, sum(response_time_ms) AS rt, sum(tokens_used) AS "
      "tk, sum(cost_cents) AS cost FROM usage_events GROUP BY 1, 2, 3";
  EXPECT_EQ(
      scalar(s, "SELECT count(*) FROM (" + raw +
                    ") r LEFT JOIN tenant_usage_daily d ON "
                    "d.tenant_id = r.tenant_id AND d.agent_id = r.agent_id AND d.day = r.day "
                    "WHERE d.total_requests IS NOT r.n OR d.successful_requests IS NOT r.ok OR "
                    "d.sum_response_time_ms IS NOT r.rt OR d.total_tokens IS NOT r.tk OR "
                    "d.cost_cents IS NOT r.cost"),
      0);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM tenant_usage_daily"),
            scalar(s, "SELECT count(*) FROM (" + raw + ")"));
  EXPECT_EQ(
      scalar(s, "SELECT count(*) FROM usage_events WHERE occurred_at_ms > " + std::to_string(kNow)),
      0);
  // Usage only for contracted agents.
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenant_usage_daily d WHERE NOT EXISTS (SELECT 1 FROM "
                   "tenant_agents ta WHERE ta.tenant_id = d.tenant_id AND ta.agent_id = "
                   "d.agent_id)"),
            0);
}

TEST_F(DemoTest, PlansLimitsAndHistoryAreRespected) {
  auto& s = fresh();
  load(s, {60, 3, 11});
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenants t JOIN plans p ON p.name = t.plan WHERE "
                   "(SELECT count(*) FROM tenant_agents ta WHERE ta.tenant_id = t.id) NOT "
                   "BETWEEN 1 AND min(p.max_agents, 6)"),
            0);
  // The last history row of each tenant is its current status.
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenants t WHERE t.status <> (SELECT h.new_status "
                   "FROM tenant_status_history h WHERE h.tenant_id = t.id ORDER BY "
                   "h.changed_at DESC, h.id DESC LIMIT 1)"),
            0);
  EXPECT_GT(scalar(s, "SELECT count(*) FROM tenant_status_history WHERE new_status = 'active'"), 0);
  EXPECT_GT(scalar(s, "SELECT count(DISTINCT status) FROM tenants"), 2);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT segment) FROM tenants") > 4, true);
}

// One source of MRR: each tenant's latest history row holds its current MRR (contract
// starts and ends are recorded), so the billing trend's last point is the active MRR.
TEST_F(DemoTest, StatusHistoryEndsAtEachTenantsMrr) {
  auto& s = fresh();
  load(s, {60, 3, 11});
  EXPECT_EQ(scalar(s,
                   "SELECT count(*) FROM tenants t WHERE t.mrr_cents <> (SELECT h.mrr_cents "
                   "FROM tenant_status_history h WHERE h.tenant_id = t.id ORDER BY "
                   "h.changed_at DESC, h.id DESC LIMIT 1)"),
            0);
}

TEST_F(DemoTest, UsageHasDailyAndWeeklyRhythm) {
  auto& s = fresh();
  load(s, {10, 28, 3});
  // Brasília business hours (12–20 UTC) against the night (03–09 UTC).
  int64_t day_hours = scalar(s,
                             "SELECT count(*) FROM usage_events WHERE (occurred_at_ms / "
                             "3600000) % 24 BETWEEN 12 AND 19");
  int64_t night_hours = scalar(s,
                               "SELECT count(*) FROM usage_events WHERE (occurred_at_ms / "
                               "3600000) % 24 BETWEEN 3 AND 10");
  EXPECT_GT(day_hours, 4 * night_hours);
  // Weekdays (Mon–Fri) carry several times a weekend day's load.
  int64_t weekend = scalar(s,
                           "SELECT count(*) FROM usage_events WHERE strftime('%w', "
                           "occurred_at_ms / 1000, 'unixepoch') IN ('0','6')");
  int64_t weekday = scalar(s, "SELECT count(*) FROM usage_events") - weekend;
  EXPECT_GT(weekday / 5, 2 * weekend / 2);
}

TEST_F(DemoTest, RefusesAStoreWithTenants) {
  auto& s = fresh();
  load(s, {2, 1, 1});
  EXPECT_THROW(load(s, {2, 1, 1}), std::runtime_error);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM tenants"), 2);
}

// On PostgreSQL the demo writes the status history with migration 30's trigger off and fills
// billing_mrr_hours once at the end (store::bulk_load_status_history; SQLite keeps its
// triggers): on both stores the hours must be what a rebuild from the history gives, every
// one of them (the triggers would have written the same rows, zero ones included), and the
// triggers must work afterwards: a tenant suspended through the store's writer moves its hour.
std::vector<std::vector<int64_t>> billing_hours(store::Conn& c) {
  std::vector<std::vector<int64_t>> out;
  for (auto& r : c.query(
           "SELECT hour, mrr_delta_cents, activations, churns, new_mrr_cents, churned_mrr_cents "
           "FROM billing_mrr_hours ORDER BY hour"))
    out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5)});
  return out;
}
std::vector<std::vector<int64_t>> rebuilt_hours(store::Conn& c) {
  store::Tx tx(c, true);  // rolled back: the table stays as the demo left it
  store::rebuild_billing_hours(c);
  return billing_hours(c);
}

void demo_billing_hours(store::Store& s) {
  load_demo(s, {60, 3, 11}, kNow, [](const std::string&) {});
  store::Conn& c = s.conn();
  auto loaded = billing_hours(c);
  ASSERT_GT(loaded.size(), 60u);
  EXPECT_EQ(loaded, rebuilt_hours(c));
  EXPECT_EQ(billing_hours(c), loaded);

  auto active = c.query(
      "SELECT id, mrr_cents FROM tenants WHERE status = 'active' AND "
      "mrr_cents > 0 ORDER BY id LIMIT 1");
  ASSERT_EQ(active.size(), 1u);
  const int64_t at = kNow + 2 * 3600 * 1000, hour = at / (3600 * 1000), mrr = active[0].i64(1);
  ASSERT_TRUE(store::set_tenant_status(c, active[0].str(0), "suspended", at));
  auto after = billing_hours(c);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back(), (std::vector<int64_t>{hour, -mrr, 0, 1, 0, mrr}));
  EXPECT_EQ(after.size(), loaded.size() + 1);
  EXPECT_EQ(after, rebuilt_hours(c));
}

TEST_F(DemoTest, BillingHoursAreTheHistorysAndTheTriggersAreBack) { demo_billing_hours(fresh()); }

class PgServerDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = store::pg_test_cluster_url_or_skip();
    if (base.empty()) return;
    db_ = std::make_unique<store::PgTestDatabase>(base, "pgdemo");
    store_ = store::Store::open(db_->url());
    store_->migrate("");
    store_->set_audit_key(std::string(32, 'k'));
  }
  void TearDown() override { store_.reset(); }  // closes its connections before the drop
  std::unique_ptr<store::PgTestDatabase> db_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(PgServerDemo, BillingHoursAreTheHistorysAndTheTriggersAreBack) {
  demo_billing_hours(*store_);
}

}  // namespace
}  // namespace painel::demo
