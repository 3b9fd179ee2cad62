#pragma once
// The metric history's writer (issue 17): every instance, every `interval_ms` (a minute in
// production), takes the registry's totals (obs::Metrics::history_samples), turns counters
// into increases since the last look, and writes this minute's points for this instance in
// one batch (store/metric_history.hpp). Off the request path: requests only bump the
// in-memory counters. A minute's points are kept in memory until the minute is over and
// written; a failed write is retried with the same values (the store replaces a minute's
// points, so a retry never counts twice). prune() deletes points past the retention in
// small batches, on one instance at a time (lease).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

struct MetricHistoryOptions {
  int64_t interval_ms = 60000;
  int retention_days = 15;
  std::string instance_id;  // empty: hostname, pid and start time
};

class MetricHistoryJob {
 public:
  MetricHistoryJob(store::Store& s, obs::Metrics& m, const Clock& clock, MetricHistoryOptions opts);
  // Records the increases since the last call and writes the minutes not yet written.
  // Returns the points written (0 when the store refused: they are kept for the next call).
  size_t flush();
  // Deletes points older than the retention (a few minutes per statement); rows deleted.
  int64_t prune();
  const std::string& instance_id() const { return opts_.instance_id; }

 private:
  using Key = std::pair<std::string, std::string>;  // name, labels
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  MetricHistoryOptions opts_;
  std::string holder_;
  std::mutex mu_;               // flush() runs on the job thread and at stop
  std::map<Key, double> last_;  // counters' totals at the last look
  struct Minute {
    std::map<Key, double> points;
    bool written = false;  // as it is now
  };
  std::map<int64_t, Minute> minutes_;  // minute → points not yet final
};

}  // namespace painel::jobs
