// UsageRetentionJob on a real SQLite store with a manual clock.
#include "jobs/usage_retention_job.hpp"

#include <gtest/gtest.h>

#include "jobs/job_test_support.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_ingest.hpp"

namespace painel::jobs {
namespace {

constexpr const char* kTenant = "0b1c5a5e-0000-4000-8000-000000000001";
constexpr const char* kAgent = "0b1c5a5e-0000-4000-8000-0000000000a1";

class UsageRetentionJobTest : public testing::TempStoreTest {
 protected:
  int64_t events() { return store_->conn().query("SELECT count(*) FROM usage_events")[0].i64(0); }
  testing::ManualClock clock_{*parse_rfc3339("2026-03-11T12:00:00Z")};
  obs::Metrics metrics_;
};

TEST_F(UsageRetentionJobTest, DeletesDaysPastTheRetentionInBatchesAndKeepsDailyRows) {
  const int64_t today = today_utc(clock_), noon = 15 * 3600000;  // noon in the default zone
  std::vector<std::string> ids;
  for (int i = 0; i < 12000; ++i) ids.push_back("old-" + std::to_string(i));
  std::vector<store::UsageEvent> batch;
  for (auto& id : ids)
    batch.push_back({id, kTenant, kAgent, (today - 31) * 86400000 + noon + 5, true, 100, 1, 1});
  batch.push_back({"recent", kTenant, kAgent, (today - 30) * 86400000 + noon, true, 100, 1, 1});
  batch.push_back({"today", kTenant, kAgent, today * 86400000 + noon, true, 100, 1, 1});
  store_->write([&](store::Conn& c) { store::insert_usage_events(c, batch, clock_.now_ms()); });
  store::aggregate_days(store_->conn(), today - 31, today, std::nullopt, clock_.now_ms());

  UsageRetentionJob off(*store_, metrics_, clock_, 0);
  EXPECT_EQ(off.tick().deleted, 0);
  UsageRetentionJob job(*store_, metrics_, clock_, 30);
  EXPECT_EQ(job.tick().deleted, 12000);  // three batches (5000, 5000, 2000)
  EXPECT_EQ(events(), 2);
  EXPECT_EQ(job.tick().deleted, 0);
  EXPECT_EQ(metrics_.counter("painel_usage_events_retention_deleted_total"), 12000u);
  EXPECT_EQ(store_->conn()
                .query("SELECT total_requests FROM tenant_usage_daily WHERE day = ?",
                       {format_day(today - 31)})[0]
                .i64(0),
            12000)
      << "daily rows are kept";
}

}  // namespace
}  // namespace painel::jobs
