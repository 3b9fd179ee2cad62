#include "obs/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "obs/process_stats.hpp"

namespace painel::obs {
namespace {

// name → value of each sample line (the whole text before the value: name{labels}).
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

TEST(MetricCatalog, NamesFollowThePrometheusConventions) {
  std::regex name("[a-zA-Z_:][a-zA-Z0-9_:]*"), label("[a-zA-Z_][a-zA-Z0-9_]*");
  std::set<std::string_view> seen;
  for (const auto& f : metric_catalog()) {
    SCOPED_TRACE(std::string(f.name));
    EXPECT_TRUE(std::regex_match(std::string(f.name), name));
    EXPECT_TRUE(seen.insert(f.name).second) << "declared twice";
    EXPECT_FALSE(f.help.empty());
    EXPECT_EQ(f.help.find('\n'), std::string_view::npos);
    EXPECT_TRUE(f.name.starts_with("painel_") || f.name.starts_with("process_"));
    // Base units: seconds and bytes, never milliseconds.
    EXPECT_EQ(f.name.find("millis"), std::string_view::npos);
    EXPECT_EQ(f.name.find("_ms"), std::string_view::npos);
    EXPECT_EQ(f.type == MetricType::Counter, f.name.ends_with("_total"));
    if (f.type == MetricType::Histogram) {
      EXPECT_TRUE(f.name.ends_with("_seconds"));
    }
    std::istringstream labels{std::string(f.labels)};
    for (std::string l; std::getline(labels, l, ',');) {
      EXPECT_TRUE(std::regex_match(l, label)) << l;
      EXPECT_NE(l, "le");
    }
    if (!f.values.empty()) {
      EXPECT_EQ(f.labels.find(','), std::string_view::npos);
    }
  }
  EXPECT_EQ(find_family("painel_nope_total"), nullptr);
  EXPECT_NE(find_family("painel_http_requests_total"), nullptr);
}

TEST(Metrics, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  Metrics m;
  m.route(0, "GET", "/healthz").observe(200, 1500);
  std::string text = m.render();
  for (const auto& f : metric_catalog()) {
    std::string n(f.name);
    EXPECT_NE(text.find("# HELP " + n + " "), std::string::npos) << n;
    EXPECT_NE(text.find("# TYPE " + n + " " + std::string(type_name(f.type)) + "\n"),
              std::string::npos)
        << n;
  }
  // Each sample belongs to the family whose # TYPE came last.
  std::istringstream in(text);
  std::string family;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
    } else if (!line.empty() && line[0] != '#') {
      std::string name = line.substr(0, line.find_first_of("{ "));
      EXPECT_TRUE(name == family || name == family + "_bucket" || name == family + "_sum" ||
                  name == family + "_count")
          << line << " under " << family;
    }
  }
}

TEST(Metrics, EveryFamilyIsPresentFromTheStartAtZero) {
  Metrics m;
  auto s = samples(m.render());
  for (const auto& f : metric_catalog()) {
    if (f.type == MetricType::Histogram || f.name.starts_with("process_")) continue;
    std::string n(f.name);
    if (f.labels.empty()) {
      if (f.zero_at_start)
        EXPECT_EQ(s.count(n), 1u) << n;
      else
        EXPECT_EQ(s.count(n), 0u) << n;
      if (s.count(n)) {
        EXPECT_EQ(s[n], 0) << n;
      }
      continue;
    }
    std::istringstream values{std::string(f.values)};
    for (std::string v; std::getline(values, v, '|');) {
      std::string key = n + "{" + std::string(f.labels) + "=\"" + v + "\"}";
      ASSERT_EQ(s.count(key), 1u) << key;
      EXPECT_EQ(s[key], 0) << key;
    }
  }
  EXPECT_EQ(s.count("painel_redis_up"), 0u);  // absent without --redis, not "down"
}

TEST(Metrics, RunTimeIsAddedInMillisecondsAndShownInSeconds) {
  Metrics m;
  m.inc("painel_command_run_seconds_total", "type=\"FLUSH_TENANT_CACHE\"", 1500);
  auto s = samples(m.render());
  EXPECT_DOUBLE_EQ(s["painel_command_run_seconds_total{type=\"FLUSH_TENANT_CACHE\"}"], 1.5);
}

TEST(Metrics, AFamilyOutsideTheCatalogueIsCountedAndStillShown) {
  Metrics m;
#ifdef NDEBUG
  m.inc("painel_not_declared_total");
  m.set_gauge("painel_not_declared", 2);
  m.set_gauge("painel_cache_requests_total", 1);  // declared, but a counter
  auto s = samples(m.render());
  EXPECT_EQ(s["painel_metrics_unknown_total"], 3);
  EXPECT_EQ(s["painel_not_declared_total"], 1);
  EXPECT_EQ(s["painel_not_declared"], 2);
#else
  EXPECT_DEATH(m.inc("painel_not_declared_total"), "catalogue");
#endif
  Metrics ok;
  ok.inc("painel_rate_limited_total");
  ok.set_gauge("painel_commands_pending", 3);
  auto s2 = samples(ok.render());
  EXPECT_EQ(s2["painel_metrics_unknown_total"], 0);
  EXPECT_EQ(s2["painel_rate_limited_total"], 1);
  EXPECT_EQ(s2["painel_commands_pending"], 3);
}

TEST(Metrics, ProcessFamiliesAreReadAtEachScrape) {
  Metrics m;
  auto s = samples(m.render());
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(s["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GE(s["process_virtual_memory_bytes"], s["process_resident_memory_bytes"]);
  EXPECT_GT(s["process_open_fds"], 2);
  EXPECT_GE(s["process_max_fds"], s["process_open_fds"]);
  EXPECT_GE(s["process_cpu_seconds_total"], 0);
  EXPECT_LE(s["process_start_time_seconds"], now + 1);
  EXPECT_GT(s["process_start_time_seconds"], now - 86400 * 365);
  auto before = read_process_stats().cpu_seconds;
  volatile double x = 0;
  for (int i = 0; i < 50'000'000; ++i) x = x + i;  // some CPU time
  EXPECT_GT(read_process_stats().cpu_seconds, before);
}

TEST(Metrics, RoutesAreRenderedAsCountsAndHistograms) {
  Metrics m;
  m.route(0, "GET", "static").observe(200, 300);
  m.route(0, "GET", "static").observe(404, 2'000'000);
  auto s = samples(m.render());
  EXPECT_EQ(s["painel_http_requests_total{route=\"static\",method=\"GET\",status=\"200\"}"], 1);
  EXPECT_EQ(s["painel_http_requests_total{route=\"static\",method=\"GET\",status=\"404\"}"], 1);
  EXPECT_EQ(s["painel_http_request_duration_seconds_bucket{route=\"static\",method=\"GET\",le="
              "\"0.0005\"}"],
            1);
  EXPECT_EQ(
      s["painel_http_request_duration_seconds_bucket{route=\"static\",method=\"GET\",le=\"+Inf\"}"],
      2);
  EXPECT_EQ(s["painel_http_request_duration_seconds_count{route=\"static\",method=\"GET\"}"], 2);
}

TEST(Metrics, AggregationDurationIsAHistogramByKind) {
  Metrics m;
  std::string text = m.render();
  for (const char* kind : {"incremental", "full"})
    EXPECT_NE(text.find(std::string("painel_aggregation_duration_seconds_count{kind=\"") + kind +
                        "\"} 0\n"),
              std::string::npos)
        << kind << " is not shown at 0 from the start\n"
        << text;
  m.observe("painel_aggregation_duration_seconds", "kind=\"incremental\"", 0.00390625);
  m.observe("painel_aggregation_duration_seconds", "kind=\"incremental\"", 0.25);
  m.observe("painel_aggregation_duration_seconds", "kind=\"full\"", 100);
  text = m.render();
  for (const char* line :
       {"painel_aggregation_duration_seconds_bucket{kind=\"incremental\",le=\"0.001\"} 0\n",
        "painel_aggregation_duration_seconds_bucket{kind=\"incremental\",le=\"0.005\"} 1\n",
        "painel_aggregation_duration_seconds_bucket{kind=\"incremental\",le=\"0.25\"} 2\n",
        "painel_aggregation_duration_seconds_bucket{kind=\"incremental\",le=\"+Inf\"} 2\n",
        "painel_aggregation_duration_seconds_sum{kind=\"incremental\"} 0.25390625\n",
        "painel_aggregation_duration_seconds_count{kind=\"incremental\"} 2\n",
        "painel_aggregation_duration_seconds_bucket{kind=\"full\",le=\"60\"} 0\n",
        "painel_aggregation_duration_seconds_bucket{kind=\"full\",le=\"+Inf\"} 1\n",
        "painel_aggregation_duration_seconds_count{kind=\"full\"} 1\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  EXPECT_EQ(m.counter("painel_metrics_unknown_total"), 0u);
}

}  // namespace
}  // namespace painel::obs

namespace painel::obs {
namespace {

TEST(MetricsCounterSum, FiltersByLabelsAndStatusClass) {
  Metrics m;
  m.inc("painel_store_errors_total", "kind=\"busy\"", 3);
  m.inc("painel_store_errors_total", "kind=\"other\"", 2);
  EXPECT_EQ(m.counter_sum("painel_store_errors_total", {}), 5);
  EXPECT_EQ(m.counter_sum("painel_store_errors_total", {{"kind", "busy"}}), 3);
  EXPECT_EQ(m.counter_sum("painel_store_errors_total", {{"kind", "nope"}}), 0);
  auto& r = m.route(0, "POST", "/ingest/usage");
  r.observe(503, 10);
  r.observe(500, 10);
  r.observe(200, 10);
  m.route(1, "GET", "/tenant/agents").observe(502, 10);
  EXPECT_EQ(m.counter_sum("painel_http_requests_total", {{"status", "5xx"}}), 3);
  EXPECT_EQ(
      m.counter_sum("painel_http_requests_total", {{"route", "/ingest/usage"}, {"status", "5xx"}}),
      2);
  EXPECT_EQ(m.counter_sum("painel_http_requests_total", {{"status", "200"}}), 1);
  EXPECT_EQ(m.counter_sum("painel_http_requests_total", {{"tenant", "x"}}), 0);
  EXPECT_EQ(m.gauge("painel_redis_memory_used_bytes"), std::nullopt);
  m.set_gauge("painel_redis_memory_used_bytes", 42);
  EXPECT_EQ(m.gauge("painel_redis_memory_used_bytes"), 42.0);
}

}  // namespace
}  // namespace painel::obs
