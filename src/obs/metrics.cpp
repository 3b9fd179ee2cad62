#include "obs/metrics.hpp"

#include <fmt/format.h>

namespace painel::obs {

void RouteMetrics::observe(int status, int64_t micros) {
  if (status >= 0 && status < 600)
    by_status[static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  double s = static_cast<double>(micros) / 1e6;
  size_t b = 0;
  while (b < kLatencyBuckets.size() && s > kLatencyBuckets[b]) ++b;
  buckets[b].fetch_add(1, std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
  sum_us.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
}

RouteMetrics& Metrics::route(size_t index, const std::string& method, const std::string& route) {
  std::unique_lock lk(mu_);
  if (routes_.size() <= index) routes_.resize(index + 1);
  if (!routes_[index]) {
    routes_[index] = std::make_unique<RouteMetrics>();
    routes_[index]->method = method;
    routes_[index]->route = route;
  }
  return *routes_[index];
}

static std::string key_of(const std::string& name, const std::string& labels) {
  return labels.empty() ? name : name + "{" + labels + "}";
}

std::atomic<uint64_t>& Metrics::counter_ref(const std::string& name, const std::string& labels) {
  std::string key = key_of(name, labels);
  {
    std::shared_lock lk(mu_);
    if (auto it = counters_.find(key); it != counters_.end()) return it->second;
  }
  std::unique_lock lk(mu_);
  return counters_.try_emplace(std::move(key)).first->second;
}

void Metrics::inc(const std::string& name, const std::string& labels, uint64_t by) {
  counter_ref(name, labels).fetch_add(by, std::memory_order_relaxed);
}

void Metrics::set_gauge(const std::string& name, double value, const std::string& labels) {
  std::unique_lock lk(mu_);
  gauges_[key_of(name, labels)] = value;
}

uint64_t Metrics::counter(const std::string& name, const std::string& labels) const {
  std::shared_lock lk(mu_);
  auto it = counters_.find(key_of(name, labels));
  return it == counters_.end() ? 0 : it->second.load(std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::shared_lock lk(mu_);
  std::string out;
  out += "# HELP painel_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE painel_http_requests_total counter\n";
  for (auto& r : routes_) {
    if (!r) continue;
    for (size_t s = 0; s < r->by_status.size(); ++s) {
      uint64_t n = r->by_status[s].load(std::memory_order_relaxed);
      if (n)
        out += fmt::format(
            "painel_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", r->route,
            r->method, s, n);
    }
  }
  out += "# HELP painel_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE painel_http_request_duration_seconds histogram\n";
  for (auto& r : routes_) {
    if (!r || r->count.load() == 0) continue;
    uint64_t cum = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cum += r->buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kLatencyBuckets.size() ? fmt::format("{}", kLatencyBuckets[b]) : "+Inf";
      out += fmt::format(
          "painel_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"{}\"}} "
          "{}\n",
          r->route, r->method, le, cum);
    }
    out +=
        fmt::format("painel_http_request_duration_seconds_sum{{route=\"{}\",method=\"{}\"}} {}\n",
                    r->route, r->method, static_cast<double>(r->sum_us.load()) / 1e6);
    out +=
        fmt::format("painel_http_request_duration_seconds_count{{route=\"{}\",method=\"{}\"}} {}\n",
                    r->route, r->method, r->count.load());
  }
  std::string last;
  for (auto& [k, v] : counters_) {
    std::string name = k.substr(0, k.find('{'));
    if (name != last) out += "# TYPE " + name + " counter\n";
    last = name;
    out += fmt::format("{} {}\n", k, v.load(std::memory_order_relaxed));
  }
  last.clear();
  for (auto& [k, v] : gauges_) {
    std::string name = k.substr(0, k.find('{'));
    if (name != last) out += "# TYPE " + name + " gauge\n";
    last = name;
    out += fmt::format("{} {}\n", k, v);
  }
  return out;
}

}  // namespace painel::obs
