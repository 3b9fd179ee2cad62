#pragma once
// Every metric family /metrics exposes, declared once (metric_catalog.cpp): name, type,
// help, label names and, where the set is small and fixed, the label values shown at 0
// from the start. Metrics renders in this order and refuses (counts, and asserts in a debug
// build) a name that is not here; tests/lint/check_metrics.py fails on a "painel_*" name in
// src/ that is not here. Renaming a family changes the contract for anyone scraping: list
// the rename in docs/operations.md ("Monitoring with Prometheus and Grafana").
#include <span>
#include <string_view>

namespace painel::obs {

enum class MetricType { Counter, Gauge, Histogram };

struct MetricFamily {
  std::string_view name;
  MetricType type;
  std::string_view help;
  // Label names, comma-separated; "" for an unlabelled family.
  std::string_view labels = "";
  // The values of a single-label family, '|'-separated, each series created at 0 with the
  // registry. "" when the set is open (routes) or known only above obs (command types: the
  // worker and the commands routes create theirs).
  std::string_view values = "";
  // An unlabelled family starts at 0 unless its 0 would say something false
  // (painel_redis_up without --redis: no Redis, not a Redis that is down).
  bool zero_at_start = true;
  // Exposed value = added value × scale (run time is added in ms and exposed in seconds).
  double scale = 1;
};

std::string_view type_name(MetricType t);
// The whole catalogue, in rendering order.
std::span<const MetricFamily> metric_catalog();
// nullptr when `name` is not a family of the catalogue.
const MetricFamily* find_family(std::string_view name);

}  // namespace painel::obs
