#include "jobs/usage_retention_job.hpp"

#include <spdlog/spdlog.h>

#include "store/usage_aggregate.hpp"

namespace painel::jobs {

UsageRetentionJob::UsageRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock,
                                     int retention_days)
    : store_(s), metrics_(m), clock_(clock), retention_days_(retention_days) {}

int64_t UsageRetentionJob::tick() {
  if (retention_days_ <= 0 || store_.conn().dialect() != store::Dialect::Sqlite) return 0;
  const int64_t before_day = today_utc(clock_) - retention_days_;
  int64_t deleted = 0;
  try {
    for (int64_t i = 0; i < kMaxBatchesPerRun; ++i) {
      int64_t n = store_.write(
          [&](store::Conn& c) { return store::delete_raw_events_before(c, before_day, kBatch); });
      deleted += n;
      if (n < kBatch) break;
    }
  } catch (const std::exception& e) {
    spdlog::error("usage: raw-event retention failed: {}", e.what());
  }
  if (deleted > 0) {
    metrics_.inc("painel_usage_events_retention_deleted_total", "", static_cast<uint64_t>(deleted));
    spdlog::info("usage: deleted {} raw event(s) of days before {} (--raw-retention-days {})",
                 deleted, format_day(before_day), retention_days_);
  }
  return deleted;
}

}  // namespace painel::jobs
