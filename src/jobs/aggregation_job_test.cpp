// AggregationJob::tick() driven by a manual clock on a real SQLite store: the dirty-day
// pass every dirty_interval_ms, the cron pass for the previous day, and the lease that
// keeps it to one instance at a time.
#include "jobs/aggregation_job.hpp"

#include <gtest/gtest.h>

#include "jobs/job_test_support.hpp"
#include "store/leases.hpp"
#include "store/usage_ingest.hpp"

namespace painel::jobs {
namespace {

using testing::ManualClock;
using testing::RecordingCache;

constexpr const char* kTenant = "0b1c5a5e-0000-4000-8000-000000000001";
constexpr const char* kAgent = "0b1c5a5e-0000-4000-8000-0000000000a1";
constexpr const char* kLease = "usage_aggregation";

int64_t at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

class AggregationJobTest : public testing::TempStoreTest {
 protected:
  // An event through the ingestion path, which marks its day dirty.
  void ingest(const std::string& id, int64_t occurred_ms) {
    store_->write([&](store::Conn& c) {
      store::insert_usage_events(c, {{id, kTenant, kAgent, occurred_ms, true, 100, 10, 5}},
                                 clock_.now_ms());
    });
  }
  int64_t requests_on(const char* day) {
    auto r = store_->conn().query(
        "SELECT coalesce(sum(total_requests), 0) FROM tenant_usage_daily WHERE day = ?",
        {std::string(day)});
    return r[0].i64(0);
  }
  int64_t dirty_marks() {
    return store_->conn().query("SELECT count(*) FROM usage_dirty_days")[0].i64(0);
  }
  std::pair<std::string, int64_t> lease_row() {
    auto r = store_->conn().query("SELECT holder, until_ms FROM job_leases WHERE name = ?",
                                  {std::string(kLease)});
    if (r.empty()) return {"", -1};
    return {r[0].str(0), r[0].i64(1)};
  }
  AggregationJob job(int dirty_interval_ms = 10000) {
    return AggregationJob(*store_, cache_, metrics_, clock_, {"5 0 * * *", dirty_interval_ms});
  }
  ManualClock clock_{at("2026-03-11T12:00:00Z")};
  RecordingCache cache_;
  obs::Metrics metrics_;
};

TEST_F(AggregationJobTest, DirtyDaysAreReaggregatedOncePerInterval) {
  auto j = job(10000);
  ingest("e1", at("2026-03-10T08:00:00Z"));
  EXPECT_EQ(j.tick(), 1);  // the first tick is due at once
  EXPECT_EQ(requests_on("2026-03-10"), 1);
  EXPECT_EQ(dirty_marks(), 0);
  EXPECT_EQ(cache_.tenants(), std::vector<std::string>{kTenant});

  ingest("e2", at("2026-03-10T09:00:00Z"));
  EXPECT_EQ(j.tick(), 0);
  clock_.advance(9999);
  EXPECT_EQ(j.tick(), 0) << "ran before dirty_interval_ms had passed";
  EXPECT_EQ(requests_on("2026-03-10"), 1);
  EXPECT_EQ(dirty_marks(), 1);
  clock_.advance(1);
  EXPECT_EQ(j.tick(), 1);
  EXPECT_EQ(requests_on("2026-03-10"), 2);
  EXPECT_EQ(metrics_.counter("painel_aggregation_runs_total", "kind=\"dirty\""), 2u);
  EXPECT_EQ(metrics_.counter("painel_aggregation_runs_total", "kind=\"scheduled\""), 0u);
  EXPECT_EQ(cache_.all(), 0);
}

// Migration 28's backfill: daily rows without a platform rollup (marked incomplete) are
// rolled up by the dirty pass, 31 days per tick, and the rollup then marked complete.
TEST_F(AggregationJobTest, DirtyPassBackfillsThePlatformRollup) {
  auto j = job(10000);
  for (int d = 0; d < 40; ++d)  // daily rows of 40 days, written behind the aggregation's back
    store_->conn().exec(
        "INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, "
        "successful_requests, failed_requests, sum_response_time_ms, total_tokens, cost_cents, "
        "aggregated_at) VALUES (?, ?, ?, 3, 2, 1, 300, 0, 0, '2026-03-11T00:00:00Z')",
        {std::string(kTenant), std::string(kAgent), format_day(*parse_day("2026-01-01") + d)});
  store_->conn().exec("UPDATE usage_rollup_state SET complete = 0 WHERE id = 1");
  auto rolled_days = [&] {
    return store_->conn()
        .query("SELECT count(*) FROM platform_usage_daily WHERE agent_id = ''")[0]
        .i64(0);
  };
  auto complete = [&] {
    return store_->conn().query("SELECT complete FROM usage_rollup_state")[0].i64(0);
  };
  j.tick();
  EXPECT_EQ(rolled_days(), 31);
  EXPECT_EQ(complete(), 0);
  clock_.advance(10000);
  j.tick();
  EXPECT_EQ(rolled_days(), 40);
  EXPECT_EQ(complete(), 1);
  EXPECT_EQ(store_->conn()
                .query("SELECT sum(total_requests), sum(tenants) FROM platform_usage_daily "
                       "WHERE agent_id = ?",
                       {std::string(kAgent)})[0]
                .str(0),
            "120");
}

TEST_F(AggregationJobTest, ScheduledRunAggregatesYesterdayAtTheCronMinute) {
  // "Yesterday" is of the platform zone (America/Sao_Paulo, UTC-3): at 00:05 UTC on the
  // 11th it is still the 10th there, so the 9th is rebuilt; the event is at 23:00 there.
  clock_.set(at("2026-03-11T00:04:00Z"));
  ingest("e1", at("2026-03-10T02:00:00Z"));
  store_->write([](store::Conn& c) { c.exec("DELETE FROM usage_dirty_days", {}); });  // unmarked
  auto j = job(10000);
  EXPECT_EQ(j.next_scheduled_ms(), at("2026-03-11T00:05:00Z"));
  EXPECT_EQ(j.tick(), 0);  // only the (empty) dirty pass
  clock_.set(at("2026-03-11T00:04:59.999Z"));
  EXPECT_EQ(j.tick(), 0);
  EXPECT_EQ(requests_on("2026-03-09"), 0) << "aggregated before the cron minute";
  EXPECT_EQ(cache_.all(), 0);

  clock_.set(at("2026-03-11T00:05:00Z"));
  EXPECT_EQ(j.tick(), 1);
  EXPECT_EQ(requests_on("2026-03-09"), 1);
  EXPECT_EQ(cache_.all(), 1);
  EXPECT_EQ(j.next_scheduled_ms(), at("2026-03-12T00:05:00Z"));
  EXPECT_EQ(metrics_.counter("painel_aggregation_runs_total", "kind=\"scheduled\""), 1u);
  clock_.advance(60000);
  EXPECT_EQ(j.tick(), 0);
  EXPECT_EQ(cache_.all(), 1) << "the scheduled pass ran twice";
}

TEST_F(AggregationJobTest, AnotherHolderOfTheLeaseKeepsItFromRunningUntilItExpires) {
  int64_t taken = clock_.now_ms();
  ASSERT_TRUE(store_->write(
      [&](store::Conn& c) { return store::acquire_lease(c, kLease, "other", taken, 60000); }));
  ingest("e1", at("2026-03-10T08:00:00Z"));
  auto j = job(10000);
  EXPECT_EQ(j.tick(), 0);
  clock_.set(taken + 60000);  // until_ms itself still belongs to the holder
  EXPECT_EQ(j.tick(), 0);
  EXPECT_EQ(dirty_marks(), 1);
  EXPECT_EQ(lease_row().first, "other");

  clock_.set(taken + 70001);  // expired, and the refused tick put the next try 10 s on
  EXPECT_EQ(j.tick(), 1);
  EXPECT_EQ(requests_on("2026-03-10"), 1);
  auto [holder, until] = lease_row();
  EXPECT_NE(holder, "other");
  EXPECT_EQ(until, 0) << "the job did not release its lease after the run";
  // released: another instance takes it at once
  EXPECT_TRUE(store_->write([&](store::Conn& c) {
    return store::acquire_lease(c, kLease, "other", clock_.now_ms(), 60000);
  }));
}

TEST_F(AggregationJobTest, TheLeaseIsReleasedWhenARunFails) {
  ingest("e1", at("2026-03-10T08:00:00Z"));
  cache_.throw_on_invalidate = true;
  auto j = job(10000);
  EXPECT_THROW(j.tick(), std::runtime_error);
  EXPECT_EQ(lease_row().second, 0);
  EXPECT_TRUE(store_->write([&](store::Conn& c) {
    return store::acquire_lease(c, kLease, "other", clock_.now_ms(), 60000);
  })) << "a failed run kept the lease until it expired";
}

TEST_F(AggregationJobTest, ABadCronExpressionIsRefusedAtConstruction) {
  EXPECT_THROW(AggregationJob(*store_, cache_, metrics_, clock_, {"61 * * * *", 10000}),
               std::invalid_argument);
}

}  // namespace
}  // namespace painel::jobs
