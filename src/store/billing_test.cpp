// The billing overview's figures from billing_mrr_hours (migration 30's triggers) against
// the fold of the whole tenant_status_history (domain::revenue_trend over status_changes,
// the computation the overview did before), on SQLite (a real file) and PostgreSQL
// (PgServer*: skipped unless PAINEL_TEST_PG_URL(_FILE) is set).
#include "store/billing.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/time.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

constexpr int64_t kHour = 3600 * 1000, kDay = 24 * kHour;
const int64_t kFrom = *parse_day("2026-03-10");  // the period: 10th to 12th of March

TimeZone zone(const char* name) { return *TimeZone::find(name); }

std::string tenant(Conn& c, const std::string& name, int64_t created_ms) {
  return create_tenant(c, {name, std::nullopt, "varejo", "starter", "inactive"}, created_ms);
}

void add(Conn& c, const std::string& t, const char* old_status, const char* new_status, int64_t mrr,
         int64_t ms) {
  c.exec(
      "INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, "
      "changed_at) VALUES (?,?,?,?,?)",
      {t, old_status ? Value(std::string(old_status)) : Value(nullptr), new_status, mrr,
       format_rfc3339(ms)});
}

// The figures from the hours equal the fold of every row, day by day.
void expect_same_as_fold(Conn& c, const TimeZone& z, int64_t from, int64_t to,
                         const std::string& what) {
  SCOPED_TRACE(what + " " + z.name() + " " + format_day(from) + ".." + format_day(to));
  auto days = billing_days(c, z, from, to);
  ASSERT_TRUE(days.has_value());
  auto changes = status_changes(c, z);
  auto want = domain::revenue_trend(changes, from, to);
  auto got = domain::revenue_trend(days->opening_mrr_cents, days->days, from, to);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].day, want[i].day);
    EXPECT_EQ(got[i].mrr_cents, want[i].mrr_cents) << format_day(want[i].day);
    EXPECT_EQ(got[i].new_tenants, want[i].new_tenants) << format_day(want[i].day);
    EXPECT_EQ(got[i].churned_tenants, want[i].churned_tenants) << format_day(want[i].day);
  }
  auto mv_want = domain::period_movement(changes, from, to);
  auto mv_got = domain::period_movement(days->days);
  EXPECT_EQ(mv_got.new_mrr_cents, mv_want.new_mrr_cents);
  EXPECT_EQ(mv_got.churned_mrr_cents, mv_want.churned_mrr_cents);
}

// The hours the triggers kept equal the ones rebuilt from the rows (hours left at zero by
// deletions aside).
void expect_hours_as_rebuilt(Conn& c) {
  const char* q =
      "SELECT hour, mrr_delta_cents, activations, churns, new_mrr_cents, churned_mrr_cents "
      "FROM billing_mrr_hours WHERE mrr_delta_cents <> 0 OR activations <> 0 OR churns <> 0 "
      "OR new_mrr_cents <> 0 OR churned_mrr_cents <> 0 ORDER BY hour";
  auto rows = [&] {
    std::vector<std::vector<int64_t>> out;
    for (auto& r : c.query(q))
      out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5)});
    return out;
  };
  auto kept = rows();
  rebuild_billing_hours(c);
  EXPECT_EQ(kept, rows());
}

// Tenants activated and cancelled before, during and after the period, at its edges (the
// first and last instants of its days in São Paulo), one row written back-dated after a
// later one: the figures against ones worked out by hand.
void period_edges(Store& s) {
  Conn& c = s.conn();
  const auto sp = zone("America/Sao_Paulo");
  const int64_t t0 = sp.day_start_ms(kFrom);      // 2026-03-10T03:00:00Z
  const int64_t t1 = sp.day_start_ms(kFrom + 3);  // the end of the period (exclusive)
  ASSERT_EQ(t0, *parse_rfc3339("2026-03-10T03:00:00Z"));
  const int64_t long_ago = t0 - 30 * kDay;
  auto a = tenant(c, "A", long_ago), b = tenant(c, "B", long_ago), cc = tenant(c, "C", long_ago),
       e = tenant(c, "E", long_ago), f = tenant(c, "F", long_ago), g = tenant(c, "G", long_ago);
  add(c, a, "inactive", "active", 10000, t0 - 1);          // the last instant before: opening
  add(c, b, "inactive", "active", 20000, t0);              // the first instant: new on the 10th
  add(c, cc, "inactive", "active", 40000, t0 - 5 * kDay);  // opening
  add(c, cc, "active", "suspended", 40000, t0 + kDay + kHour);  // churn on the 11th
  add(c, e, "inactive", "active", 80000, t1);                   // after the period: nowhere
  add(c, f, "inactive", "trial", 0, t0 - 10 * kDay);
  add(c, f, "trial", "active", 1000, t1 - 1);                // the last instant: new on the 12th
  add(c, g, "active", "suspended", 160000, t0 + 2 * kHour);  // churn on the 10th…
  add(c, g, "inactive", "active", 160000, t0 - 2 * kDay);    // …of an activation written later

  auto days = billing_days(c, sp, kFrom, kFrom + 2);
  ASSERT_TRUE(days.has_value());
  EXPECT_EQ(days->opening_mrr_cents, 10000 + 40000 + 160000);
  auto trend = domain::revenue_trend(days->opening_mrr_cents, days->days, kFrom, kFrom + 2);
  ASSERT_EQ(trend.size(), 3u);
  EXPECT_EQ(trend[0].mrr_cents, 210000 + 20000 - 160000);
  EXPECT_EQ(trend[0].new_tenants, 1);
  EXPECT_EQ(trend[0].churned_tenants, 1);
  EXPECT_EQ(trend[1].mrr_cents, 70000 - 40000);
  EXPECT_EQ(trend[1].new_tenants, 0);
  EXPECT_EQ(trend[1].churned_tenants, 1);
  EXPECT_EQ(trend[2].mrr_cents, 30000 + 1000);
  EXPECT_EQ(trend[2].new_tenants, 1);
  EXPECT_EQ(trend[2].churned_tenants, 0);
  auto mv = domain::period_movement(days->days);
  EXPECT_EQ(mv.new_mrr_cents, 21000);
  EXPECT_EQ(mv.churned_mrr_cents, 200000);

  for (int64_t from = kFrom - 3; from <= kFrom + 3; ++from)
    for (auto* name : {"America/Sao_Paulo", "UTC", "Asia/Tokyo"})
      expect_same_as_fold(c, zone(name), from, from + 2, "edges");
  expect_hours_as_rebuilt(c);

  // A zone whose days start on the half hour: the caller folds the rows instead.
  EXPECT_FALSE(billing_days(c, zone("Asia/Kolkata"), kFrom, kFrom + 2).has_value());
  // After the period, every tenant's last row counts: the MRR of the tenants active now.
  auto later = billing_days(c, sp, kFrom + 40, kFrom + 40);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->opening_mrr_cents, 10000 + 20000 + 80000 + 1000);
}

// The store's own writers (creation, status changes, contracts) feed the hours too.
void store_writers(Store& s) {
  Conn& c = s.conn();
  const auto sp = zone("America/Sao_Paulo");
  const int64_t t0 = sp.day_start_ms(kFrom);
  auto a = create_tenant(c, {"Padaria", std::nullopt, "varejo", "starter", "active"}, t0 - kDay);
  auto b =
      create_tenant(c, {"Oficina", std::nullopt, "servicos", "professional", "trial"}, t0 + kHour);
  ASSERT_TRUE(set_tenant_status(c, b, "active", t0 + 3 * kHour));
  ASSERT_TRUE(set_tenant_status(c, a, "suspended", t0 + kDay + 5 * kHour));
  ASSERT_TRUE(set_tenant_status(c, a, "active", t0 + 2 * kDay + 5 * kHour));
  auto settings = tenant_settings(c, b);
  settings->plan = "enterprise";
  ASSERT_TRUE(update_tenant(c, b, *settings, t0 + 2 * kDay + 6 * kHour));  // expansion
  for (int64_t from = kFrom - 2; from <= kFrom + 3; ++from)
    expect_same_as_fold(c, sp, from, from + 1, "writers");
  // The last day's MRR is the active tenants' MRR now.
  auto days = billing_days(c, sp, kFrom + 2, kFrom + 2);
  auto trend = domain::revenue_trend(days->opening_mrr_cents, days->days, kFrom + 2, kFrom + 2);
  EXPECT_EQ(trend[0].mrr_cents, active_mrr(c).mrr_cents);
  expect_hours_as_rebuilt(c);
}

// Random rows (statuses, MRR, instants around the period with ties, back-dated writes),
// deleted rows, updated rows and deleted tenants: after each step the hours give what the
// fold of every row gives, for periods across the whole range and three zones.
void random_sequences(Store& s) {
  Conn& c = s.conn();
  const int64_t base = zone("America/Sao_Paulo").day_start_ms(kFrom);
  std::mt19937_64 rng(20261207);
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  const char* statuses[] = {"active", "trial", "suspended", "inactive"};
  std::vector<std::string> tenants;
  for (int i = 0; i < 6; ++i)
    tenants.push_back(tenant(c, "T" + std::to_string(i), base - 9 * kDay));
  auto instant = [&] {  // whole hours ± a little, often the same instant as another row
    int64_t ms = base + (pick(9 * 24) - 4 * 24) * kHour;
    if (pick(3) == 0) ms += pick(3) - 1;
    return ms;
  };
  for (int step = 0; step < 40; ++step) {
    for (int k = 0; k < 6; ++k) {
      const char* old_s = pick(5) == 0 ? nullptr : statuses[pick(4)];
      add(c, tenants[pick(static_cast<int64_t>(tenants.size()))], old_s, statuses[pick(4)],
          1000 * (1 + pick(20)), instant());
    }
    if (step % 4 == 1)
      c.exec(
          "DELETE FROM tenant_status_history WHERE id = (SELECT min(id) + ? FROM "
          "tenant_status_history)",
          {pick(10)});
    if (step % 5 == 2)
      c.exec(
          "UPDATE tenant_status_history SET mrr_cents = mrr_cents + 500, changed_at = ? "
          "WHERE id = (SELECT max(id) - ? FROM tenant_status_history)",
          {format_rfc3339(instant()), pick(5)});
    if (step == 25) {  // a whole tenant goes: its rows with it (ON DELETE CASCADE)
      c.exec("DELETE FROM tenants WHERE id = ?", {tenants.back()});
      tenants.pop_back();
    }
    if (step % 8 != 7) continue;
    for (int64_t from = kFrom - 6; from <= kFrom + 5; from += 2)
      for (auto* name : {"America/Sao_Paulo", "UTC", "Asia/Tokyo"})
        expect_same_as_fold(c, zone(name), from, from + pick(4), "step " + std::to_string(step));
  }
  expect_hours_as_rebuilt(c);
}

// Migration 30 fills the hours from the history already there.
class BillingUpgrade : public SqliteStoreTest {
  bool migrates() const override { return false; }
};
class PgServerBillingUpgrade : public PgStoreTest {
  bool migrates() const override { return false; }
};

void upgrade_fills_hours(Store& s) {
  s.migrate_to("", 28);
  Conn& c = s.conn();
  const int64_t t0 = zone("America/Sao_Paulo").day_start_ms(kFrom);
  auto a = tenant(c, "A", t0 - 5 * kDay), b = tenant(c, "B", t0 - 5 * kDay);
  add(c, a, "inactive", "active", 7000, t0 - kDay);
  add(c, b, "inactive", "active", 9000, t0 + kHour);
  add(c, a, "active", "inactive", 7000, t0 + kDay);
  add(c, b, "active", "active", 9500, t0 - 2 * kDay);  // back-dated
  s.migrate("");
  expect_same_as_fold(c, zone("America/Sao_Paulo"), kFrom - 1, kFrom + 2, "upgrade");
  expect_same_as_fold(c, zone("UTC"), kFrom, kFrom + 1, "upgrade");
}

using BillingHours = SqliteStoreTest;
using PgServerBillingHours = PgStoreTest;

TEST_F(BillingHours, PeriodEdges) { period_edges(*store_); }
TEST_F(BillingHours, StoreWriters) { store_writers(*store_); }
TEST_F(BillingHours, RandomSequencesMatchTheFold) { random_sequences(*store_); }
TEST_F(BillingUpgrade, MigrationFillsTheHours) { upgrade_fills_hours(*store_); }

TEST_F(PgServerBillingHours, PeriodEdges) { period_edges(*store_); }
TEST_F(PgServerBillingHours, StoreWriters) { store_writers(*store_); }
TEST_F(PgServerBillingHours, RandomSequencesMatchTheFold) { random_sequences(*store_); }
TEST_F(PgServerBillingUpgrade, MigrationFillsTheHours) { upgrade_fills_hours(*store_); }

}  // namespace
}  // namespace painel::store
