#pragma once
// Raw-event retention (issue 20 item 3, --raw-retention-days; 0 days: keep forever) and,
// on PostgreSQL, usage_events' day partitions. Daily rows (tenant_usage_daily) are kept.
// - SQLite: every run deletes the raw events of days (their local_day) more than
//   `retention_days` before today's UTC date, in small batches, each its own short write
//   transaction (store::delete_raw_events_before), so ingestion waits at most one batch.
// - PostgreSQL (store/usage_partitions.hpp), one instance at a time (a job lease): moves
//   the retention floor (store::close_raw_days_before: aggregation treats those days as
//   closed), drops each UTC-day partition once the day after it is below it too (its
//   events' local dates run to the next day; each detached, then dropped in a second
//   transaction, so usage_events is locked only for the detach) and deletes DEFAULT's
//   events below it in batches; then creates the partitions of today-2 .. today+7, and of days from
//   the floor on whose events landed in DEFAULT (at most kDefaultDaysPerRun a run), moving those
//   events out of DEFAULT. Runs at start-up, then every interval.
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

struct RetentionRun {
  int64_t deleted = 0;             // raw events deleted (PostgreSQL: from DEFAULT)
  int64_t partitions_dropped = 0;  // PostgreSQL
  int64_t partitions_created = 0;  // PostgreSQL
};

class UsageRetentionJob {
 public:
  static constexpr int64_t kBatch = 5000;                    // events per transaction
  static constexpr int64_t kMaxBatchesPerRun = 200;          // 1 M events per run at most
  static constexpr int64_t kDaysBehind = 2, kDaysAhead = 7;  // partitions kept ready
  static constexpr int64_t kDefaultDaysPerRun = 31;  // DEFAULT days given a partition per run
  UsageRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock, int retention_days,
                    int64_t interval_ms = 600000);
  RetentionRun tick();

 private:
  RetentionRun sqlite_run();
  RetentionRun postgres_run(int64_t today);
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  int retention_days_;
  int64_t interval_ms_;
  std::string holder_;  // this instance's lease holder id
};

}  // namespace painel::jobs
