#pragma once
// Prometheus metrics without a client library (prometheus-cpp is not in Debian 12):
// per-route request counters by status and latency histograms with lock-free atomics,
// plus named counters/gauges of the families declared in metric_catalog.cpp. Rendered in
// the text exposition format, in catalogue order, each family with # HELP and # TYPE.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "obs/metric_catalog.hpp"

namespace painel::obs {

inline constexpr std::array<double, 12> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

// Buckets (seconds) of the job-duration histograms (observe()): from a 1 ms incremental
// aggregation pass to a minute-long rebuild of a large day.
inline constexpr std::array<double, 14> kJobDurationBuckets = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0};

struct RouteMetrics {
  std::string method, route;
  std::array<std::atomic<uint64_t>, 600> by_status{};
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_us{0};
  std::atomic<uint64_t> statements{0};  // store statements sent while answering
  void observe(int status, int64_t micros, uint64_t store_statements = 0);
};

// Requests per caller (tenant id, or an internal user's id) for the metric history's
// "top tenants" and "use per internal user": at most `cap` keys between two drains (later
// new keys count under "other"), sharded so request threads rarely meet on a lock.
class CallerCounter {
 public:
  static constexpr size_t kCap = 2000;
  void add(std::string_view key);
  // The counts since the last drain, and zero.
  std::map<std::string, uint64_t> drain();

 private:
  struct Shard {
    std::mutex mu;
    std::map<std::string, uint64_t, std::less<>> counts;
  };
  std::array<Shard, 8> shards_;
  std::atomic<size_t> keys_{0};
};

// One value of the metric history (jobs/metric_history_job): a counter's total so far or
// a gauge's value now, named and labelled as stored (store/metric_history.hpp).
struct HistorySample {
  std::string name, labels;
  double value;
  bool counter;
};

class Metrics {
 public:
  // Every unlabelled family of the catalogue at 0, and every known label value at 0.
  Metrics();
  // Route slots are created at start-up (one per route table entry, plus "static" for the
  // web UI and "unmatched").
  RouteMetrics& route(size_t index, const std::string& method, const std::string& route);
  // A named counter (monotonic) or gauge; label text like `reason="timeout"` is optional.
  // The name must be a family of the catalogue with that type: another is a bug, counted in
  // painel_metrics_unknown_total (and an assertion in a debug build), and still rendered.
  void inc(const std::string& name, const std::string& labels = "", uint64_t by = 1);
  // The counter itself, for hot paths: look it up once, then add without a lock.
  std::atomic<uint64_t>& counter_ref(const std::string& name, const std::string& labels = "");
  void set_gauge(const std::string& name, double value, const std::string& labels = "");
  uint64_t counter(const std::string& name, const std::string& labels = "") const;
  // One observation of a histogram family of the catalogue (other than the HTTP latency
  // one), in seconds, into kJobDurationBuckets.
  void observe(const std::string& name, const std::string& labels, double seconds);
  // The sum of every series of counter family `name` whose labels include each (name,
  // value) of `filter`, as added (before the catalogue's scale). For
  // painel_http_requests_total, `status` may be a class ("5xx") and `route`/`method` match
  // the route slots. What the built-in alerts (jobs/alert_job.hpp) sample.
  double counter_sum(const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& filter) const;
  // A gauge's value (unlabelled series), nullopt when it was never set.
  std::optional<double> gauge(const std::string& name) const;
  std::string render() const;
  // Every counter and gauge of the registry, the route table's requests by status class
  // and latency buckets (per bucket, not cumulative), and the process's CPU, RSS and fds:
  // what the metric history records each interval. Totals since start; the job takes
  // differences.
  std::vector<HistorySample> history_samples() const;
  // Requests by tenant and by internal user (the chain counts them; the history drains).
  CallerCounter tenant_requests, internal_user_requests;

 private:
  void check_family(const std::string& name, MetricType type) const;
  void render_requests(std::string& out) const;
  void render_latency(std::string& out) const;
  void render_statements(std::string& out) const;

  mutable std::shared_mutex mu_;  // guards the maps' shape; counter values are atomics
  std::vector<std::unique_ptr<RouteMetrics>> routes_;
  std::map<std::string, std::atomic<uint64_t>> counters_;  // "name{labels}"; nodes are stable
  std::map<std::string, double> gauges_;
  struct Hist {
    std::array<uint64_t, kJobDurationBuckets.size() + 1> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::string, Hist> histograms_;    // "name{labels}"; changed under mu_ (rare)
  mutable std::atomic<uint64_t> unknown_{0};  // painel_metrics_unknown_total
};

}  // namespace painel::obs
