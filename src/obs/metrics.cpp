#include "obs/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cctype>

#include "obs/process_stats.hpp"

namespace painel::obs {
namespace {

std::string key_of(std::string_view name, std::string_view labels) {
  return labels.empty() ? std::string(name) : fmt::format("{}{{{}}}", name, labels);
}

// The keys of `map` ("name" or "name{labels}") that belong to the family `name`.
template <class Map, class Fn>
void for_family(const Map& map, std::string_view name, Fn fn) {
  for (auto it = map.lower_bound(std::string(name)); it != map.end(); ++it) {
    std::string_view k = it->first;
    if (k.substr(0, name.size()) != name) break;
    if (k.size() == name.size() || k[name.size()] == '{') fn(k, it->second);
  }
}

std::string family_of(std::string_view key) { return std::string(key.substr(0, key.find('{'))); }

void header(std::string& out, std::string_view name, std::string_view help, MetricType type) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                 type_name(type));
}

}  // namespace

Metrics::Metrics() {
  for (const auto& f : metric_catalog()) {
    if (f.type == MetricType::Histogram && !f.values.empty()) {  // e.g. kind="incremental"
      for (std::string_view vs = f.values; !vs.empty();) {
        auto bar = vs.find('|');
        auto v = vs.substr(0, bar);
        vs = bar == std::string_view::npos ? "" : vs.substr(bar + 1);
        histograms_.try_emplace(key_of(f.name, fmt::format("{}=\"{}\"", f.labels, v)));
      }
      continue;
    }
    if (f.name.starts_with("process_") || f.type == MetricType::Histogram) continue;
    if (f.labels.empty()) {
      if (!f.zero_at_start) continue;
      if (f.type == MetricType::Counter)
        counters_.try_emplace(std::string(f.name));
      else
        gauges_.try_emplace(std::string(f.name), 0.0);
      continue;
    }
    for (std::string_view vs = f.values; !vs.empty();) {
      auto bar = vs.find('|');
      auto v = vs.substr(0, bar);
      vs = bar == std::string_view::npos ? "" : vs.substr(bar + 1);
      auto key = key_of(f.name, fmt::format("{}=\"{}\"", f.labels, v));
      if (f.type == MetricType::Counter)
        counters_.try_emplace(std::move(key));
      else
        gauges_.try_emplace(std::move(key), 0.0);
    }
  }
}

void RouteMetrics::observe(int status, int64_t micros, uint64_t store_statements) {
  if (store_statements) statements.fetch_add(store_statements, std::memory_order_relaxed);
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

// Only when a series is first created: the hot paths never get here twice.
void Metrics::check_family(const std::string& name, MetricType type) const {
  const MetricFamily* f = find_family(name);
  if (f && f->type == type && !f->name.starts_with("process_")) return;
  unknown_.fetch_add(1, std::memory_order_relaxed);
  assert(!"metric family not in the catalogue (obs/metric_catalog.cpp), or of another type");
}

std::atomic<uint64_t>& Metrics::counter_ref(const std::string& name, const std::string& labels) {
  std::string key = key_of(name, labels);
  {
    std::shared_lock lk(mu_);
    if (auto it = counters_.find(key); it != counters_.end()) return it->second;
  }
  check_family(name, MetricType::Counter);
  std::unique_lock lk(mu_);
  return counters_.try_emplace(std::move(key)).first->second;
}

void Metrics::inc(const std::string& name, const std::string& labels, uint64_t by) {
  counter_ref(name, labels).fetch_add(by, std::memory_order_relaxed);
}

void Metrics::set_gauge(const std::string& name, double value, const std::string& labels) {
  std::string key = key_of(name, labels);
  std::unique_lock lk(mu_);
  auto [it, added] = gauges_.try_emplace(std::move(key), value);
  if (added)
    check_family(name, MetricType::Gauge);
  else
    it->second = value;
}

void Metrics::observe(const std::string& name, const std::string& labels, double seconds) {
  std::string key = key_of(name, labels);
  std::unique_lock lk(mu_);
  auto [it, added] = histograms_.try_emplace(std::move(key));
  if (added) check_family(name, MetricType::Histogram);
  Hist& h = it->second;
  size_t b = 0;
  while (b < kJobDurationBuckets.size() && seconds > kJobDurationBuckets[b]) ++b;
  h.buckets[b] += 1;
  h.count += 1;
  h.sum += seconds;
}

uint64_t Metrics::counter(const std::string& name, const std::string& labels) const {
  std::shared_lock lk(mu_);
  auto it = counters_.find(key_of(name, labels));
  return it == counters_.end() ? 0 : it->second.load(std::memory_order_relaxed);
}

double Metrics::counter_sum(const std::string& name,
                            const std::vector<std::pair<std::string, std::string>>& filter) const {
  std::shared_lock lk(mu_);
  double sum = 0;
  if (name == "painel_http_requests_total") {
    for (auto& r : routes_) {
      if (!r) continue;
      int cls = -1, exact = -1;
      bool match = true;
      for (auto& [k, v] : filter) {
        if (k == "route")
          match = match && r->route == v;
        else if (k == "method")
          match = match && r->method == v;
        else if (k == "status" && v.size() == 3 && v[0] >= '1' && v[0] <= '5' && v[1] == 'x' &&
                 v[2] == 'x')
          cls = v[0] - '0';
        else if (k == "status" && v.size() == 3 && std::all_of(v.begin(), v.end(), ::isdigit))
          exact = std::stoi(v);
        else
          match = false;  // a label the family does not have
      }
      if (!match) continue;
      for (size_t s = 0; s < r->by_status.size(); ++s) {
        if (cls >= 0 && static_cast<int>(s) / 100 != cls) continue;
        if (exact >= 0 && static_cast<int>(s) != exact) continue;
        sum += static_cast<double>(r->by_status[s].load(std::memory_order_relaxed));
      }
    }
    return sum;
  }
  if (name == "painel_metrics_unknown_total")
    return filter.empty() ? static_cast<double>(unknown_.load(std::memory_order_relaxed)) : 0;
  for_family(counters_, name, [&](std::string_view k, const std::atomic<uint64_t>& v) {
    for (auto& [ln, lv] : filter)
      if (k.find(fmt::format("{{{}=\"{}\"", ln, lv)) == std::string_view::npos &&
          k.find(fmt::format(",{}=\"{}\"", ln, lv)) == std::string_view::npos)
        return;
    sum += static_cast<double>(v.load(std::memory_order_relaxed));
  });
  return sum;
}

std::optional<double> Metrics::gauge(const std::string& name) const {
  std::shared_lock lk(mu_);
  auto it = gauges_.find(name);
  if (it == gauges_.end()) return std::nullopt;
  return it->second;
}

std::string Metrics::render() const {
  ProcessStats proc = read_process_stats();  // before the lock: it reads /proc
  std::shared_lock lk(mu_);
  std::string out;
  out.reserve(64 * 1024);
  auto app = std::back_inserter(out);
  for (const auto& f : metric_catalog()) {
    header(out, f.name, f.help, f.type);
    if (f.name == "painel_http_requests_total") {
      render_requests(out);
    } else if (f.name == "painel_http_request_duration_seconds") {
      render_latency(out);
    } else if (f.name == "painel_http_store_statements_total") {
      render_statements(out);
    } else if (auto v = process_value(proc, f.name)) {
      fmt::format_to(app, "{} {}\n", f.name, *v);
    } else if (f.name == "painel_metrics_unknown_total") {
      fmt::format_to(app, "{} {}\n", f.name, unknown_.load(std::memory_order_relaxed));
    } else if (f.type == MetricType::Histogram) {
      for_family(histograms_, f.name, [&](std::string_view k, const Hist& h) {
        // "name{labels}" → name_bucket{labels,le="…"}, name_sum{labels}, name_count{labels}
        std::string_view labels = k.size() > f.name.size() ? k.substr(f.name.size() + 1) : "";
        if (!labels.empty()) labels.remove_suffix(1);
        std::string sep = labels.empty() ? "" : std::string(labels) + ",";
        uint64_t cum = 0;
        for (size_t b = 0; b <= kJobDurationBuckets.size(); ++b) {
          cum += h.buckets[b];
          std::string le =
              b < kJobDurationBuckets.size() ? fmt::format("{}", kJobDurationBuckets[b]) : "+Inf";
          fmt::format_to(app, "{}_bucket{{{}le=\"{}\"}} {}\n", f.name, sep, le, cum);
        }
        std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
        fmt::format_to(app, "{}_sum{} {}\n", f.name, braces, h.sum);
        fmt::format_to(app, "{}_count{} {}\n", f.name, braces, h.count);
      });
    } else if (f.type == MetricType::Counter) {
      for_family(counters_, f.name, [&](std::string_view k, const std::atomic<uint64_t>& v) {
        uint64_t n = v.load(std::memory_order_relaxed);
        if (f.scale == 1)
          fmt::format_to(app, "{} {}\n", k, n);
        else
          fmt::format_to(app, "{} {}\n", k, static_cast<double>(n) * f.scale);
      });
    } else {
      for_family(gauges_, f.name,
                 [&](std::string_view k, double v) { fmt::format_to(app, "{} {}\n", k, v); });
    }
  }
  // Not in the catalogue (a bug, counted above): still shown, so nothing is lost.
  std::string last;
  for (auto& [k, v] : counters_) {
    std::string name = family_of(k);
    if (find_family(name)) continue;
    if (name != last) header(out, name, "(not in the catalogue)", MetricType::Counter);
    last = name;
    fmt::format_to(app, "{} {}\n", k, v.load(std::memory_order_relaxed));
  }
  for (auto& [k, v] : gauges_) {
    std::string name = family_of(k);
    if (find_family(name)) continue;
    if (name != last) header(out, name, "(not in the catalogue)", MetricType::Gauge);
    last = name;
    fmt::format_to(app, "{} {}\n", k, v);
  }
  return out;
}

void CallerCounter::add(std::string_view key) {
  Shard& sh = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard lk(sh.mu);
  if (auto it = sh.counts.find(key); it != sh.counts.end()) {
    ++it->second;
    return;
  }
  if (keys_.fetch_add(1, std::memory_order_relaxed) >= kCap) {
    keys_.fetch_sub(1, std::memory_order_relaxed);
    ++sh.counts["other"];
    return;
  }
  sh.counts.emplace(std::string(key), 1);
}

std::map<std::string, uint64_t> CallerCounter::drain() {
  std::map<std::string, uint64_t> out;
  for (auto& sh : shards_) {
    std::map<std::string, uint64_t, std::less<>> taken;
    {
      std::lock_guard lk(sh.mu);
      taken.swap(sh.counts);
    }
    for (auto& [k, v] : taken) out[k] += v;
  }
  keys_.store(0, std::memory_order_relaxed);
  return out;
}

std::vector<HistorySample> Metrics::history_samples() const {
  ProcessStats proc = read_process_stats();
  std::vector<HistorySample> out;
  out.push_back({"process_cpu_seconds_total", "", proc.cpu_seconds, true});
  out.push_back({"process_resident_memory_bytes", "", proc.resident_memory_bytes, false});
  out.push_back({"process_open_fds", "", proc.open_fds, false});
  std::shared_lock lk(mu_);
  for (auto& r : routes_) {
    if (!r || r->count.load(std::memory_order_relaxed) == 0) continue;
    std::string route = fmt::format("route=\"{}\",method=\"{}\"", r->route, r->method);
    std::array<uint64_t, 6> by_class{};
    for (size_t s = 0; s < r->by_status.size(); ++s)
      by_class[s / 100] += r->by_status[s].load(std::memory_order_relaxed);
    for (size_t c = 1; c < by_class.size(); ++c)
      if (by_class[c])
        out.push_back({"http_requests", fmt::format("{},class=\"{}xx\"", route, c),
                       static_cast<double>(by_class[c]), true});
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      uint64_t n = r->buckets[b].load(std::memory_order_relaxed);
      if (!n) continue;
      std::string le = b < kLatencyBuckets.size() ? fmt::format("{}", kLatencyBuckets[b]) : "+Inf";
      out.push_back({"http_latency_bucket", fmt::format("{},le=\"{}\"", route, le),
                     static_cast<double>(n), true});
    }
  }
  for (auto& [k, v] : counters_) {
    std::string name = family_of(k);
    const MetricFamily* f = find_family(name);
    double scale = f ? f->scale : 1;
    auto brace = k.find('{');
    std::string labels =
        brace == std::string::npos ? "" : k.substr(brace + 1, k.size() - brace - 2);
    out.push_back({std::move(name), std::move(labels),
                   static_cast<double>(v.load(std::memory_order_relaxed)) * scale, true});
  }
  for (auto& [k, v] : gauges_) {
    std::string name = family_of(k);
    if (name == "painel_build_info") continue;  // labels only, the same every minute
    auto brace = k.find('{');
    std::string labels =
        brace == std::string::npos ? "" : k.substr(brace + 1, k.size() - brace - 2);
    out.push_back({std::move(name), std::move(labels), v, false});
  }
  return out;
}

void Metrics::render_requests(std::string& out) const {
  auto app = std::back_inserter(out);
  for (auto& r : routes_) {
    if (!r) continue;
    for (size_t s = 0; s < r->by_status.size(); ++s) {
      uint64_t n = r->by_status[s].load(std::memory_order_relaxed);
      if (n)
        fmt::format_to(
            app, "painel_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
            r->route, r->method, s, n);
    }
  }
}

void Metrics::render_latency(std::string& out) const {
  auto app = std::back_inserter(out);
  for (auto& r : routes_) {
    if (!r || r->count.load() == 0) continue;
    uint64_t cum = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cum += r->buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kLatencyBuckets.size() ? fmt::format("{}", kLatencyBuckets[b]) : "+Inf";
      fmt::format_to(
          app,
          "painel_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"{}\"}} "
          "{}\n",
          r->route, r->method, le, cum);
    }
    fmt::format_to(app,
                   "painel_http_request_duration_seconds_sum{{route=\"{}\",method=\"{}\"}} {}\n",
                   r->route, r->method, static_cast<double>(r->sum_us.load()) / 1e6);
    fmt::format_to(app,
                   "painel_http_request_duration_seconds_count{{route=\"{}\",method=\"{}\"}} {}\n",
                   r->route, r->method, r->count.load());
  }
}

// Per route with answers: their store statements, 0 included (divided by the requests'
// count, the statements per request: a rise is a query per row slipping in).
void Metrics::render_statements(std::string& out) const {
  auto app = std::back_inserter(out);
  for (auto& r : routes_) {
    if (!r || r->count.load() == 0) continue;
    fmt::format_to(app, "painel_http_store_statements_total{{route=\"{}\",method=\"{}\"}} {}\n",
                   r->route, r->method, r->statements.load(std::memory_order_relaxed));
  }
}

}  // namespace painel::obs
