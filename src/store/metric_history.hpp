#pragma once
// The metric history (issue 17): every instance writes its own 1-minute points
// (jobs/metric_history_job) into metric_points(instance_id, minute, name, labels, value);
// readers sum the instances. A counter's point is its increase within that minute; a
// gauge's its last value in the minute; latency histograms are stored per bucket (not
// cumulative), so summing buckets over instances and minutes gives percentiles over any
// range. `labels` is Prometheus label text, `k="v",k2="v2"`. Writing a minute again
// replaces that instance's values for it: a retried batch is idempotent.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct MetricPoint {
  std::string name, labels;
  double value;
};

// Writes (replaces) `instance`'s points of `minute` (Unix minutes), in multi-row batches.
void write_metric_points(Conn& c, const std::string& instance, int64_t minute,
                         const std::vector<MetricPoint>& points);

// Deletes the points of at most `max_minutes` minutes older than `before_minute` (oldest
// first); returns the rows deleted. Small batches: call again while it returns > 0.
int64_t prune_metric_points(Conn& c, int64_t before_minute, int max_minutes);

// Sum of a counter's increases over [from, to) across all instances; labels_filter = exact
// label matches (every pair must be among the point's labels).
double metric_window_sum(Conn& c, std::string_view name,
                         const std::vector<std::pair<std::string, std::string>>& labels_filter,
                         int64_t from_unix_s, int64_t to_unix_s);

// The same sums per labels text (the series that match), for callers that add their own.
std::map<std::string, double> metric_window_totals(
    Conn& c, std::string_view name,
    const std::vector<std::pair<std::string, std::string>>& labels_filter, int64_t from_unix_s,
    int64_t to_unix_s);

// One (step, labels) cell of a series: `sum` over instances and minutes of the step, `max`
// the largest single point (for gauges: the peak of any instance).
struct MetricCell {
  int64_t step_index;  // (minute - from_minute) / step_minutes
  std::string labels;
  double sum, max;
};
// The points named `name` in [from_minute, to_minute), grouped by step and labels.
std::vector<MetricCell> metric_series(Conn& c, std::string_view name, int64_t from_minute,
                                      int64_t to_minute, int64_t step_minutes);
// Totals by labels over [from_minute, to_minute): sum over instances and minutes.
std::map<std::string, double> metric_totals(Conn& c, std::string_view name, int64_t from_minute,
                                            int64_t to_minute);

// Instances that wrote a point at or after `since_minute`, with the last minute each wrote.
std::vector<std::pair<std::string, int64_t>> metric_instances(Conn& c, int64_t since_minute);

// Display names for ids shown by the dashboards: tenants' names and users' e-mails
// (ids that are not found are left out).
std::map<std::string, std::string> tenant_names(Conn& c, const std::vector<std::string>& ids);
std::map<std::string, std::string> user_emails(Conn& c, const std::vector<std::string>& ids);

// `k="v",k2="v2"` → pairs (a value's \" and \\ unescaped); malformed text → what parsed.
std::vector<std::pair<std::string, std::string>> parse_labels(std::string_view text);

}  // namespace painel::store
