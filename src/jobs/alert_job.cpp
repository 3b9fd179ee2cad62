#include "jobs/alert_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "cache/response_cache.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "obs/process_stats.hpp"
#include "store/alerts.hpp"
#include "store/commands.hpp"
#include "store/incidents.hpp"
#include "store/leases.hpp"

namespace painel::jobs {
namespace {

std::string series_key(std::string_view name, const domain::MetricLabels& labels) {
  std::string k(name);
  k += '|';
  for (auto& [a, b] : labels) k += a + "=" + b + ",";
  return k;
}

// Lists the series the rules read (alert_value asks for them) without reading anything.
struct SeriesCollector final : domain::AlertInputs {
  std::map<std::string, std::pair<std::string, domain::MetricLabels>> wanted;
  int64_t longest_s = 0;
  double window_sum(std::string_view name, const domain::MetricLabels& labels,
                    int64_t seconds) override {
    wanted.try_emplace(series_key(name, labels), std::string(name), labels);
    longest_s = std::max(longest_s, seconds);
    return 0;
  }
  std::optional<double> redis_memory_ratio() override { return std::nullopt; }
  bool redis_configured() override { return true; }  // so the Redis CPU series is listed
  std::optional<double> rss_bytes() override { return std::nullopt; }
  std::optional<double> queue_oldest_age_s() override { return std::nullopt; }
  std::optional<double> aggregation_lag_s() override { return std::nullopt; }
};

constexpr const char* kLease = "alerts";

}  // namespace

ProcessAlertInputs::ProcessAlertInputs(const obs::Metrics& m, store::Store& s, const Clock& clock,
                                       const std::vector<domain::AlertRule>& rules)
    : metrics_(m), store_(s), clock_(clock) {
  SeriesCollector col;
  for (auto& r : rules) domain::alert_value(r, col);
  for (auto& [k, v] : col.wanted) {
    const auto* f = obs::find_family(v.first);
    series_[k] = Series{v.first, v.second, f ? f->scale : 1.0, {}};
  }
  keep_ms_ = col.longest_s * 1000;
  sample();  // the baseline: what happened before the first tick counts too
}

void ProcessAlertInputs::sample() {
  int64_t now = clock_.now_ms();
  std::lock_guard lk(mu_);
  for (auto& [k, s] : series_) {
    s.samples.emplace_back(now, metrics_.counter_sum(s.name, s.labels) * s.scale);
    // Keep the newest sample at or before the longest window's start (the baseline), and
    // every later one.
    while (s.samples.size() > 2 && s.samples[1].first <= now - keep_ms_) s.samples.pop_front();
  }
}

double ProcessAlertInputs::window_sum(std::string_view name, const domain::MetricLabels& labels,
                                      int64_t seconds) {
  int64_t now = clock_.now_ms();
  std::lock_guard lk(mu_);
  auto it = series_.find(series_key(name, labels));
  if (it == series_.end() || it->second.samples.empty()) return 0;
  auto& smp = it->second.samples;
  double current = smp.back().second;
  // The newest sample at or before the window's start; the oldest one when the process is
  // younger than the window.
  double base = smp.front().second;
  for (auto& [t, v] : smp) {
    if (t > now - seconds * 1000) break;
    base = v;
  }
  return std::max(0.0, current - base);
}

bool ProcessAlertInputs::redis_configured() {
  return metrics_.gauge("painel_redis_up").has_value();
}

std::optional<double> ProcessAlertInputs::redis_memory_ratio() {
  auto used = metrics_.gauge("painel_redis_memory_used_bytes");
  auto max = metrics_.gauge("painel_redis_memory_max_bytes");
  if (!used || !max || *max <= 0) return std::nullopt;
  return *used / *max;
}

std::optional<double> ProcessAlertInputs::rss_bytes() {
  return obs::read_process_stats().resident_memory_bytes;
}

std::optional<double> ProcessAlertInputs::queue_oldest_age_s() {
  auto q = store::pending_queue(store_.conn());
  if (!q.oldest_ms) return 0.0;
  return std::max<int64_t>(0, clock_.now_ms() - *q.oldest_ms) / 1000.0;
}

std::optional<double> ProcessAlertInputs::aggregation_lag_s() {
  auto last = metrics_.gauge("painel_aggregation_last_run_timestamp_seconds");
  if (!last || *last <= 0) return std::nullopt;  // no run on this instance yet
  return std::max(0.0, clock_.now_ms() / 1000.0 - *last);
}

std::string webhook_target(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "(invalid)";
  auto host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string authority =
      url.substr(scheme_end + 3,
                 host_end == std::string::npos ? std::string::npos : host_end - scheme_end - 3);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  return url.substr(0, scheme_end + 3) + authority;
}

std::vector<std::string> queue_alert_notices(store::Conn& c, const std::vector<std::string>& urls,
                                             domain::AlertNotice notice, const std::string& rule,
                                             int64_t now_ms) {
  std::vector<std::string> ids;
  for (auto& url : urls) {
    notice.delivery_id = new_uuid();
    store::enqueue_alert_delivery(c,
                                  {notice.delivery_id, notice.event, rule, webhook_target(url),
                                   sha256_hex(url), domain::alert_notice_body(notice)},
                                  now_ms);
    ids.push_back(notice.delivery_id);
  }
  return ids;
}

AlertJob::AlertJob(store::Store& s, obs::Metrics& m, cache::ResponseCache& cache,
                   const Clock& clock, std::vector<domain::AlertRule> rules, AlertJobOptions o)
    : store_(s),
      metrics_(m),
      cache_(cache),
      clock_(clock),
      rules_(std::move(rules)),
      opt_(std::move(o)),
      inputs_(m, s, clock, rules_),
      holder_(new_uuid()) {}

bool AlertJob::tick() {
  int64_t now = clock_.now_ms();
  bool incidents_changed = false;
  try {
    inputs_.sample();
    // Taken and released around each run, like the audit checkpoint's: on PostgreSQL the
    // lease is a session lock that must not travel with a pooled connection.
    bool leased = store_.write([&](store::Conn& c) {
      return store::acquire_lease(c, kLease, holder_, now, 3 * opt_.interval_ms + 1000);
    });
    if (!leased) return false;
    struct Release {
      AlertJob& job;
      ~Release() {
        try {
          job.store_.write([&](store::Conn& c) { store::release_lease(c, kLease, job.holder_); });
        } catch (const std::exception& e) {
          spdlog::warn("alerts: releasing the evaluation lease failed ({})", e.what());
        }
      }
    } release{*this};
    store_.write([&](store::Conn& c) { evaluate(c, now, incidents_changed); });
    metrics_.inc("painel_alert_evaluations_total");
  } catch (const std::exception& e) {
    metrics_.inc("painel_alert_evaluation_failures_total");
    spdlog::error("alerts: evaluation failed: {}", e.what());
    return false;
  }
  if (incidents_changed) cache_.invalidate_all();  // a global incident: every tenant sees it
  return true;
}

void AlertJob::evaluate(store::Conn& c, int64_t now, bool& incidents_changed) {
  std::map<std::string, store::AlertStateRow> saved;
  for (auto& s : store::alert_states(c))
    if (s.scope.empty()) saved[s.rule] = s;
  int firing = 0;
  for (auto& rule : rules_) {
    auto value = domain::alert_value(rule, inputs_);
    bool condition = value && *value > rule.threshold;
    store::AlertStateRow row{rule.name, "", "ok", now, now, value, std::nullopt};
    domain::AlertState st;
    if (auto it = saved.find(rule.name); it != saved.end()) {
      row.incident_id = it->second.incident_id;
      st.phase = domain::parse_phase(it->second.phase).value_or(domain::AlertPhase::Ok);
      st.since_ms = it->second.since_ms;
    }
    auto move = domain::step_alert(st, rule, condition, now);
    domain::AlertNotice notice{
        "", "", &rule, value, std::nullopt, format_rfc3339(now), opt_.public_url};
    if (move == domain::AlertMove::Fire) {
      std::string text = rule.summary.empty() ? rule.name : rule.summary;
      row.incident_id =
          store::open_incident(c,
                               {std::nullopt, rule.severity, "Alerta: " + rule.name,
                                fmt::format("{} — value {:g}, threshold {:g} (built-in alert {})",
                                            text, value.value_or(0), rule.threshold, rule.name),
                                "alert"},
                               now);
      incidents_changed = true;
      notice.event = "firing";
      notice.incident_id = row.incident_id;
      queue_alert_notices(c, opt_.webhooks, notice, rule.name, now);
      metrics_.inc("painel_alert_transitions_total", "to=\"firing\"");
      spdlog::warn("alerts: {} fired (value {:g} > {:g}), incident {}", rule.name,
                   value.value_or(0), rule.threshold, *row.incident_id);
    } else if (move == domain::AlertMove::Resolve) {
      if (row.incident_id) store::resolve_incident(c, *row.incident_id, "alert", now);
      incidents_changed = true;
      notice.event = "resolved";
      notice.incident_id = row.incident_id;
      queue_alert_notices(c, opt_.webhooks, notice, rule.name, now);
      row.incident_id.reset();
      metrics_.inc("painel_alert_transitions_total", "to=\"resolved\"");
      spdlog::info("alerts: {} resolved", rule.name);
    }
    row.phase = std::string(domain::phase_name(st.phase));
    row.since_ms = st.since_ms;
    if (st.phase == domain::AlertPhase::Firing || st.phase == domain::AlertPhase::Clearing)
      ++firing;
    store::save_alert_state(c, row);
  }
  metrics_.set_gauge("painel_alerts_firing", firing);
}

}  // namespace painel::jobs
