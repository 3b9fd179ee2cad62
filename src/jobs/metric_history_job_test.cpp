// The metric history's writer: counters become per-minute increases (a second flush in the
// same minute rewrites the minute, never adds twice), a new minute holds only what came
// after, gauges and the heartbeat are written, callers are counted, and pruning keeps the
// retention.
#include "jobs/metric_history_job.hpp"

#include <gtest/gtest.h>

#include "jobs/job_test_support.hpp"
#include "store/metric_history.hpp"

namespace painel::jobs {
namespace {

using testing::ManualClock;
using testing::TempStoreTest;
using F = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z, a minute's start

class MetricHistoryJobTest : public TempStoreTest {
 protected:
  double sum(const std::string& name, const F& f, int64_t from_ms, int64_t to_ms) {
    return store::metric_window_sum(store_->conn(), name, f, from_ms / 1000, to_ms / 1000);
  }
};

TEST_F(MetricHistoryJobTest, CountersBecomeIncreasesPerMinute) {
  ManualClock clock(kT0 + 1000);
  obs::Metrics metrics;
  metrics.inc("painel_rate_limited_total", "", 5);  // before the job: not history
  MetricHistoryJob job(*store_, metrics, clock, {1000, 15, "inst-a"});
  metrics.inc("painel_rate_limited_total", "", 2);
  metrics.set_gauge("painel_commands_pending", 7);
  auto& route = metrics.route(0, "GET", "/tenant/agents");
  route.observe(200, 3000);
  route.observe(503, 300000);
  metrics.tenant_requests.add("t1");
  metrics.tenant_requests.add("t1");
  metrics.internal_user_requests.add("u1");
  EXPECT_GT(job.flush(), 0u);
  clock.advance(20000);
  metrics.inc("painel_rate_limited_total");
  job.flush();
  job.flush();  // nothing new: the minute is rewritten with the same values

  int64_t m0 = kT0, m1 = kT0 + 60000;
  EXPECT_DOUBLE_EQ(sum("painel_rate_limited_total", {}, m0, m1), 3);
  EXPECT_DOUBLE_EQ(sum("http_requests", F{{"class", "2xx"}, {"route", "/tenant/agents"}}, m0, m1),
                   1);
  EXPECT_DOUBLE_EQ(sum("http_requests", F{{"class", "5xx"}}, m0, m1), 1);
  EXPECT_DOUBLE_EQ(sum("http_latency_bucket", F{{"le", "0.005"}}, m0, m1), 1);
  EXPECT_DOUBLE_EQ(sum("http_latency_bucket", F{{"le", "0.5"}}, m0, m1), 1);
  EXPECT_DOUBLE_EQ(sum("tenant_requests", F{{"tenant", "t1"}}, m0, m1), 2);
  EXPECT_DOUBLE_EQ(sum("internal_user_requests", F{{"user", "u1"}}, m0, m1), 1);
  EXPECT_DOUBLE_EQ(sum("painel_commands_pending", {}, m0, m1), 7);
  EXPECT_DOUBLE_EQ(sum("instance_up", {}, m0, m1), 1);

  clock.set(m1 + 5000);  // the next minute: only what came after
  metrics.inc("painel_rate_limited_total", "", 4);
  job.flush();
  EXPECT_DOUBLE_EQ(sum("painel_rate_limited_total", {}, m0, m1), 3);
  EXPECT_DOUBLE_EQ(sum("painel_rate_limited_total", {}, m1, m1 + 60000), 4);
  EXPECT_DOUBLE_EQ(sum("tenant_requests", {}, m1, m1 + 60000), 0);
  auto inst = store::metric_instances(store_->conn(), m1 / 60000);
  ASSERT_EQ(inst.size(), 1u);
  EXPECT_EQ(inst[0].first, "inst-a");
}

TEST_F(MetricHistoryJobTest, AFailedWriteIsKeptForTheNextFlush) {
  ManualClock clock(kT0);
  obs::Metrics metrics;
  MetricHistoryJob job(*store_, metrics, clock, {1000, 15, "inst-a"});
  metrics.inc("painel_internal_errors_total", "", 2);
  store_->conn().exec_script("ALTER TABLE metric_points RENAME TO metric_points_away");
  EXPECT_EQ(job.flush(), 0u);
  store_->conn().exec_script("ALTER TABLE metric_points_away RENAME TO metric_points");
  clock.advance(61000);  // written in the next minute's flush, to its own minute
  metrics.inc("painel_internal_errors_total");
  EXPECT_GT(job.flush(), 0u);
  EXPECT_DOUBLE_EQ(sum("painel_internal_errors_total", {}, kT0, kT0 + 60000), 2);
  EXPECT_DOUBLE_EQ(sum("painel_internal_errors_total", {}, kT0 + 60000, kT0 + 120000), 1);
}

TEST_F(MetricHistoryJobTest, PruneKeepsTheRetention) {
  constexpr int64_t kDay = 86400000;
  ManualClock clock(kT0);
  obs::Metrics metrics;
  MetricHistoryJob job(*store_, metrics, clock, {1000, 2, "inst-a"});
  for (int d = 0; d < 4; ++d) {
    metrics.inc("painel_internal_errors_total");
    job.flush();
    clock.advance(kDay);
  }
  job.flush();
  // Now day 4: points of days 0 and 1 are older than 2 days.
  EXPECT_GT(job.prune(), 0);
  EXPECT_DOUBLE_EQ(sum("instance_up", {}, kT0, kT0 + 2 * kDay), 0);
  EXPECT_DOUBLE_EQ(sum("instance_up", {}, kT0 + 2 * kDay, kT0 + 5 * kDay), 3);
  EXPECT_EQ(job.prune(), 0);
}

TEST(CallerCounter, BoundedKeysOverflowToOther) {
  obs::CallerCounter c;
  for (size_t i = 0; i < obs::CallerCounter::kCap + 10; ++i) c.add("k" + std::to_string(i));
  c.add("k0");
  auto d = c.drain();
  EXPECT_EQ(d.size(), obs::CallerCounter::kCap + 1);
  EXPECT_EQ(d["other"], 10u);
  EXPECT_EQ(d["k0"], 2u);
  EXPECT_TRUE(c.drain().empty());
}

}  // namespace
}  // namespace painel::jobs
