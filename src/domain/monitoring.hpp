#pragma once
// The Monitoring dashboards' arithmetic (issue 17), over the metric history's points
// (store/metric_history.hpp): ranges and their steps, and percentiles from histogram
// buckets summed across instances and minutes.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace painel::domain {

struct MonitoringRange {
  std::string_view name;  // 1h | 6h | 24h | 7d
  int64_t minutes;        // the whole range
  int64_t step_minutes;   // one point of a chart
};
// The four ranges the dashboards offer: 1 min, 5 min, 15 min and 1 h steps.
std::span<const MonitoringRange> monitoring_ranges();
std::optional<MonitoringRange> monitoring_range(std::string_view name);

// The q-quantile (0 < q < 1), in the bounds' unit, of a histogram given as per-bucket
// counts (not cumulative): counts[i] counts values <= bounds[i] (and above bounds[i-1]);
// counts[bounds.size()] counts those above the last bound. Linear within a bucket, as
// Prometheus's histogram_quantile; a rank in the last (open) bucket answers the last bound.
// 0 when there is no value.
double histogram_quantile(std::span<const double> bounds, std::span<const double> counts, double q);

}  // namespace painel::domain
