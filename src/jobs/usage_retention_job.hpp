#pragma once
// Raw-event retention on SQLite (issue 20 item 3, --raw-retention-days): every interval,
// deletes the raw usage events of UTC days more than `retention_days` before today, in
// small batches, each its own short write transaction (store::delete_raw_events_before),
// so ingestion waits at most one batch. Daily rows are kept. 0 days: keep forever. On
// PostgreSQL it does nothing yet (its retention is to drop day partitions, not built).
#include <cstdint>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

class UsageRetentionJob {
 public:
  static constexpr int64_t kBatch = 5000;            // events per transaction
  static constexpr int64_t kMaxBatchesPerRun = 200;  // 1 M events per run at most
  UsageRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock, int retention_days);
  // One run; the number of events deleted.
  int64_t tick();

 private:
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  int retention_days_;
};

}  // namespace painel::jobs
