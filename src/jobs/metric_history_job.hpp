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
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // The increase of counter `name` (named and labelled as stored: "http_requests" with
  // class="5xx") over the last `seconds`, summed across instances: every instance's points
  // of every minute the window touches (a 5-minute window counts 5 to 6 minutes; a
  // 5-second one the current minute, or the last two), plus what this
  // instance has not written yet (a minute whose write failed, and the increases since its
  // last flush). Under the flush's lock, so a flush between the two reads can neither count
  // a value twice nor hide it. Callers' counts (tenant_requests) since the last flush are
  // not seen before it (they are drained, not totals).
  double window_sum(std::string_view name,
                    const std::vector<std::pair<std::string, std::string>>& labels,
                    int64_t seconds);
  // The same per value of the label `by` (e.g. per tenant of tenant_requests{tenant}).
  std::map<std::string, double> window_sums_by(
      std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
      std::string_view by, int64_t seconds);
  const std::string& instance_id() const { return opts_.instance_id; }

 private:
  void each_in_window(std::string_view name,
                      const std::vector<std::pair<std::string, std::string>>& labels,
                      int64_t seconds, const std::function<void(const std::string&, double)>& f);
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
