// /internal/monitoring/{overview,tenant-apis,internal-apis} (issue 17): the staff
// "Monitoramento" dashboards, read from the metric history (store/metric_history.hpp),
// summed across instances. Not cached: the dashboards refresh themselves.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "api/app.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "domain/monitoring.hpp"
#include "obs/metrics.hpp"
#include "store/metric_history.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

using store::Conn;
constexpr size_t kBuckets = obs::kLatencyBuckets.size() + 1;
using Hist = std::array<double, kBuckets>;

struct Window {
  domain::MonitoringRange range;
  int64_t from_minute, to_minute, steps;
  int64_t step_start_s(int64_t i) const { return (from_minute + i * range.step_minutes) * 60; }
  double step_seconds() const { return static_cast<double>(range.step_minutes) * 60; }
};

Window parse_window(const http::Request& req, const Clock& clock) {
  auto name = parse_enum(req, "range", {"1h", "6h", "24h", "7d"}, "1h");
  auto r = *domain::monitoring_range(name);
  // Whole steps ending with the current (partial) minute's step.
  int64_t now_minute = clock.now_ms() / 60000;
  int64_t to = (now_minute / r.step_minutes + 1) * r.step_minutes;
  return {r, to - r.minutes, to, r.minutes / r.step_minutes};
}

std::string label_of(std::string_view labels, std::string_view key) {
  for (auto& [k, v] : store::parse_labels(labels))
    if (k == key) return v;
  return "";
}

size_t bucket_index(std::string_view le) {
  for (size_t b = 0; b < obs::kLatencyBuckets.size(); ++b)
    if (le == fmt::format("{}", obs::kLatencyBuckets[b])) return b;
  return obs::kLatencyBuckets.size();  // +Inf
}

double quantile_ms(const Hist& h, double q) {
  return 1000 * domain::histogram_quantile(obs::kLatencyBuckets, h, q);
}

// A series of one family, dense over the window: per step, the sum (counters) or the peak
// (gauges) of the cells whose labels pass `keep`.
template <class Keep>
std::vector<double> dense(const std::vector<store::MetricCell>& cells, const Window& w, bool peak,
                          Keep keep) {
  std::vector<double> out(static_cast<size_t>(w.steps), 0.0);
  for (const auto& c : cells) {
    if (c.step_index < 0 || c.step_index >= w.steps || !keep(c.labels)) continue;
    double& v = out[static_cast<size_t>(c.step_index)];
    v = peak ? std::max(v, c.max) : v + c.sum;
  }
  return out;
}
std::vector<double> dense(const std::vector<store::MetricCell>& cells, const Window& w,
                          bool peak = false) {
  return dense(cells, w, peak, [](std::string_view) { return true; });
}

std::vector<store::MetricCell> series(Conn& c, std::string_view name, const Window& w) {
  return store::metric_series(c, name, w.from_minute, w.to_minute, w.range.step_minutes);
}

// Requests and latency of the routes whose pattern starts with one of `prefixes` (all
// routes when empty): per route over the window, and per step.
struct RouteStats {
  std::string method, route;
  double total = 0, c4 = 0, c5 = 0;
  Hist hist{};
};
struct TrafficView {
  std::vector<RouteStats> routes;  // by requests, most first
  std::vector<double> requests, errors5, errors4;
  std::vector<Hist> hist;  // per step
  Hist all{};
};

bool route_in(std::string_view route, std::initializer_list<std::string_view> prefixes) {
  if (prefixes.size() == 0) return true;
  for (auto p : prefixes)
    if (route.starts_with(p)) return true;
  return false;
}

TrafficView traffic(Conn& c, const Window& w, std::initializer_list<std::string_view> prefixes) {
  TrafficView t;
  auto n = static_cast<size_t>(w.steps);
  t.requests.assign(n, 0);
  t.errors5.assign(n, 0);
  t.errors4.assign(n, 0);
  t.hist.assign(n, Hist{});
  std::map<std::pair<std::string, std::string>, RouteStats> by_route;
  for (auto& cell : series(c, "http_requests", w)) {
    if (cell.step_index < 0 || cell.step_index >= w.steps) continue;
    auto route = label_of(cell.labels, "route");
    if (!route_in(route, prefixes)) continue;
    auto method = label_of(cell.labels, "method");
    auto cls = label_of(cell.labels, "class");
    auto& r = by_route[{route, method}];
    r.route = route;
    r.method = method;
    r.total += cell.sum;
    auto i = static_cast<size_t>(cell.step_index);
    t.requests[i] += cell.sum;
    if (cls == "5xx") {
      r.c5 += cell.sum;
      t.errors5[i] += cell.sum;
    } else if (cls == "4xx") {
      r.c4 += cell.sum;
      t.errors4[i] += cell.sum;
    }
  }
  for (auto& cell : series(c, "http_latency_bucket", w)) {
    if (cell.step_index < 0 || cell.step_index >= w.steps) continue;
    auto route = label_of(cell.labels, "route");
    if (!route_in(route, prefixes)) continue;
    size_t b = bucket_index(label_of(cell.labels, "le"));
    auto& r = by_route[{route, label_of(cell.labels, "method")}];
    if (r.route.empty()) {
      r.route = route;
      r.method = label_of(cell.labels, "method");
    }
    r.hist[b] += cell.sum;
    t.hist[static_cast<size_t>(cell.step_index)][b] += cell.sum;
    t.all[b] += cell.sum;
  }
  for (auto& [k, r] : by_route) t.routes.push_back(std::move(r));
  std::stable_sort(t.routes.begin(), t.routes.end(),
                   [](const RouteStats& a, const RouteStats& b) { return a.total > b.total; });
  return t;
}

double sum_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

double ratio(double part, double whole) { return whole > 0 ? part / whole : 0; }

void window_fields(JsonOut& j, const Window& w) {
  j.kv("range", w.range.name)
      .kv("step_seconds", w.range.step_minutes * 60)
      .kv("from", w.from_minute * 60)
      .kv("to", w.to_minute * 60);
}

void endpoints(JsonOut& j, const TrafficView& t, const Window& w, size_t limit) {
  double seconds = static_cast<double>(w.range.minutes) * 60;
  j.key("endpoints").begin_array();
  size_t n = 0;
  for (const auto& r : t.routes) {
    if (n++ == limit) break;
    j.begin_object()
        .kv("method", r.method)
        .kv("route", r.route)
        .kv("requests", static_cast<int64_t>(r.total))
        .kv("rate_per_s", r.total / seconds)
        .kv("errors_5xx", static_cast<int64_t>(r.c5))
        .kv("errors_4xx", static_cast<int64_t>(r.c4))
        .kv("error_rate", ratio(r.c5, r.total))
        .kv("client_error_rate", ratio(r.c4, r.total))
        .kv("p50_ms", quantile_ms(r.hist, 0.5))
        .kv("p95_ms", quantile_ms(r.hist, 0.95))
        .kv("p99_ms", quantile_ms(r.hist, 0.99))
        .end_object();
  }
  j.end_array();
}

// Totals by a single label's value over the window, largest first, at most `limit`.
std::vector<std::pair<std::string, double>> top_by(Conn& c, std::string_view name,
                                                   std::string_view label, const Window& w,
                                                   size_t limit) {
  std::map<std::string, double> by;
  for (auto& [labels, v] : store::metric_totals(c, name, w.from_minute, w.to_minute))
    by[label_of(labels, label)] += v;
  std::vector<std::pair<std::string, double>> out(by.begin(), by.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string render_overview(Conn& c, const Window& w, int64_t now_ms) {
  auto t = traffic(c, w, {});
  auto limited = dense(series(c, "painel_rate_limited_total", w), w);
  auto internal = dense(series(c, "painel_internal_errors_total", w), w);
  auto store_cells = series(c, "painel_store_errors_total", w);
  auto store_busy = dense(store_cells, w, false,
                          [](std::string_view l) { return label_of(l, "kind") == "busy"; });
  auto store_other = dense(store_cells, w, false,
                           [](std::string_view l) { return label_of(l, "kind") == "other"; });
  auto cache_cells = series(c, "painel_cache_requests_total", w);
  auto hits = dense(cache_cells, w, false,
                    [](std::string_view l) { return label_of(l, "result") == "hit"; });
  auto misses = dense(cache_cells, w, false,
                      [](std::string_view l) { return label_of(l, "result") == "miss"; });
  auto redis_errors = dense(series(c, "painel_redis_errors_total", w), w);
  auto rss = dense(series(c, "process_resident_memory_bytes", w), w, true);
  auto cpu = dense(series(c, "process_cpu_seconds_total", w), w);
  auto instances = store::metric_instances(c, now_ms / 60000 - 2);

  JsonOut j;
  window_fields(j.begin_object(), w);
  j.kv("instances_up", static_cast<int64_t>(instances.size())).key("instances").begin_array();
  for (auto& [id, minute] : instances)
    j.begin_object().kv("id", id).kv("last_minute", minute * 60).end_object();
  j.end_array();
  Hist all = t.all;
  double hit_total = sum_of(hits), miss_total = sum_of(misses);
  j.key("totals")
      .begin_object()
      .kv("requests", static_cast<int64_t>(sum_of(t.requests)))
      .kv("errors_5xx", static_cast<int64_t>(sum_of(t.errors5)))
      .kv("errors_4xx", static_cast<int64_t>(sum_of(t.errors4)))
      .kv("rate_limited", static_cast<int64_t>(sum_of(limited)))
      .kv("internal_errors", static_cast<int64_t>(sum_of(internal)))
      .kv("store_busy", static_cast<int64_t>(sum_of(store_busy)))
      .kv("store_errors", static_cast<int64_t>(sum_of(store_other)))
      .kv("cache_hits", static_cast<int64_t>(hit_total))
      .kv("cache_misses", static_cast<int64_t>(miss_total))
      .kv("cache_hit_ratio", ratio(hit_total, hit_total + miss_total))
      .kv("redis_errors", static_cast<int64_t>(sum_of(redis_errors)))
      .kv("p50_ms", quantile_ms(all, 0.5))
      .kv("p95_ms", quantile_ms(all, 0.95))
      .kv("p99_ms", quantile_ms(all, 0.99))
      .end_object();
  j.key("points").begin_array();
  for (size_t i = 0; i < static_cast<size_t>(w.steps); ++i) {
    auto ii = static_cast<int64_t>(i);
    j.begin_object()
        .kv("t", w.step_start_s(ii))
        .kv("requests_per_s", t.requests[i] / w.step_seconds())
        .kv("errors_5xx", static_cast<int64_t>(t.errors5[i]))
        .kv("errors_4xx", static_cast<int64_t>(t.errors4[i]))
        .kv("rate_limited", static_cast<int64_t>(limited[i]))
        .kv("p50_ms", quantile_ms(t.hist[i], 0.5))
        .kv("p95_ms", quantile_ms(t.hist[i], 0.95))
        .kv("p99_ms", quantile_ms(t.hist[i], 0.99))
        .kv("store_busy", static_cast<int64_t>(store_busy[i]))
        .kv("store_errors", static_cast<int64_t>(store_other[i]))
        .kv("cache_hit_ratio", ratio(hits[i], hits[i] + misses[i]))
        .kv("redis_errors", static_cast<int64_t>(redis_errors[i]))
        .kv("rss_bytes", rss[i])
        .kv("cpu_seconds_per_s", cpu[i] / w.step_seconds())
        .end_object();
  }
  j.end_array().end_object();
  return j.take();
}

std::string render_tenant_apis(Conn& c, const Window& w) {
  auto t = traffic(c, w, {"/tenant/", "/ingest/"});
  auto top = top_by(c, "tenant_requests", "tenant", w, 10);
  std::vector<std::string> ids;
  for (auto& [id, n] : top) ids.push_back(id);
  auto names = store::tenant_names(c, ids);
  double all_tenants = 0;
  for (auto& [labels, v] : store::metric_totals(c, "tenant_requests", w.from_minute, w.to_minute))
    all_tenants += v;
  JsonOut j;
  window_fields(j.begin_object(), w);
  j.key("points").begin_array();
  for (size_t i = 0; i < static_cast<size_t>(w.steps); ++i)
    j.begin_object()
        .kv("t", w.step_start_s(static_cast<int64_t>(i)))
        .kv("requests_per_s", t.requests[i] / w.step_seconds())
        .kv("errors_5xx", static_cast<int64_t>(t.errors5[i]))
        .kv("errors_4xx", static_cast<int64_t>(t.errors4[i]))
        .kv("error_rate", ratio(t.errors5[i], t.requests[i]))
        .kv("p50_ms", quantile_ms(t.hist[i], 0.5))
        .kv("p95_ms", quantile_ms(t.hist[i], 0.95))
        .kv("p99_ms", quantile_ms(t.hist[i], 0.99))
        .end_object();
  j.end_array();
  endpoints(j, t, w, 50);
  j.key("top_tenants").begin_array();
  for (auto& [id, n] : top) {
    auto name = names.find(id);
    j.begin_object().kv("tenant_id", id).key("tenant_name");
    if (name != names.end())
      j.str(name->second);
    else
      j.null();
    j.kv("requests", static_cast<int64_t>(n)).kv("share", ratio(n, all_tenants)).end_object();
  }
  j.end_array().end_object();
  return j.take();
}

std::string render_internal_apis(Conn& c, const Window& w) {
  auto t = traffic(c, w, {"/internal/"});
  auto users = top_by(c, "internal_user_requests", "user", w, 20);
  std::vector<std::string> ids;
  for (auto& [id, n] : users) ids.push_back(id);
  auto emails = store::user_emails(c, ids);
  auto pending = dense(series(c, "painel_commands_pending", w), w, true);
  auto age = dense(series(c, "painel_commands_oldest_pending_age_seconds", w), w, true);
  auto last_agg = dense(series(c, "painel_aggregation_last_run_timestamp_seconds", w), w, true);
  auto ingested = dense(series(c, "painel_usage_events_ingested_total", w), w);
  auto duplicates = dense(series(c, "painel_usage_events_duplicate_total", w), w);
  auto rejected = dense(series(c, "http_requests", w), w, false, [](std::string_view l) {
    return label_of(l, "route") == "/ingest/usage" && label_of(l, "class") == "4xx";
  });
  // Commands by type: created, and finished by status.
  std::map<std::string, std::pair<double, std::map<std::string, double>>> commands;
  for (auto& [labels, v] :
       store::metric_totals(c, "painel_commands_created_total", w.from_minute, w.to_minute))
    commands[label_of(labels, "type")].first += v;
  for (auto& [labels, v] :
       store::metric_totals(c, "painel_commands_finished_total", w.from_minute, w.to_minute))
    commands[label_of(labels, "type")].second[label_of(labels, "status")] += v;

  JsonOut j;
  window_fields(j.begin_object(), w);
  j.key("points").begin_array();
  for (size_t i = 0; i < static_cast<size_t>(w.steps); ++i) {
    int64_t t0 = w.step_start_s(static_cast<int64_t>(i));
    j.begin_object()
        .kv("t", t0)
        .kv("requests_per_s", t.requests[i] / w.step_seconds())
        .kv("errors_5xx", static_cast<int64_t>(t.errors5[i]))
        .kv("p95_ms", quantile_ms(t.hist[i], 0.95))
        .kv("queue_depth", pending[i])
        .kv("queue_age_s", age[i])
        .kv("ingested_per_s", ingested[i] / w.step_seconds())
        .kv("ingest_duplicates", static_cast<int64_t>(duplicates[i]))
        .kv("ingest_rejected", static_cast<int64_t>(rejected[i]))
        .key("aggregation_lag_s");
    if (last_agg[i] > 0)
      j.dbl(std::max(0.0, static_cast<double>(t0) + w.step_seconds() - last_agg[i]));
    else
      j.null();
    j.end_object();
  }
  j.end_array();
  endpoints(j, t, w, 50);
  j.key("users").begin_array();
  for (auto& [id, n] : users) {
    auto e = emails.find(id);
    j.begin_object().kv("user_id", id).key("email");
    if (e != emails.end())
      j.str(e->second);
    else
      j.null();
    j.kv("requests", static_cast<int64_t>(n)).end_object();
  }
  j.end_array().key("commands").begin_array();
  for (auto& [type, v] : commands) {
    j.begin_object().kv("type", type).kv("created", static_cast<int64_t>(v.first));
    j.key("finished").begin_object();
    for (auto& [status, n] : v.second) j.kv(status, static_cast<int64_t>(n));
    j.end_object().end_object();
  }
  j.end_array()
      .key("ingestion")
      .begin_object()
      .kv("ingested", static_cast<int64_t>(sum_of(ingested)))
      .kv("duplicates", static_cast<int64_t>(sum_of(duplicates)))
      .kv("rejected", static_cast<int64_t>(sum_of(rejected)))
      .end_object()
      .end_object();
  return j.take();
}

}  // namespace

void add_monitoring_routes(http::Router& router, const ReadDeps& d) {
  using http::Access;
  constexpr unsigned kStaff = auth::kInternal;
  constexpr size_t kNoBody = 16 * 1024;
  router.add({"GET",
              "/internal/monitoring/overview",
              Access::User,
              kStaff,
              kNoBody,
              {},
              [d](http::RouteContext& ctx) {
                auto w = parse_window(ctx.req, d.clock);
                int64_t now = d.clock.now_ms();
                return json_response(render_overview(d.store.conn(), w, now));
              }});
  router.add({"GET",
              "/internal/monitoring/tenant-apis",
              Access::User,
              kStaff,
              kNoBody,
              {},
              [d](http::RouteContext& ctx) {
                auto w = parse_window(ctx.req, d.clock);
                return json_response(render_tenant_apis(d.store.conn(), w));
              }});
  router.add({"GET",
              "/internal/monitoring/internal-apis",
              Access::User,
              kStaff,
              kNoBody,
              {},
              [d](http::RouteContext& ctx) {
                auto w = parse_window(ctx.req, d.clock);
                return json_response(render_internal_apis(d.store.conn(), w));
              }});
}

}  // namespace painel::api
