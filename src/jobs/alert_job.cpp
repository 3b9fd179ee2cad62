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
#include "store/metric_history.hpp"

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
                                       const std::vector<domain::AlertRule>& rules,
                                       MetricHistoryJob* history)
    : metrics_(m), store_(s), clock_(clock), history_(history) {
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
  if (history_) {
    if (name != "painel_http_requests_total") return history_->window_sum(name, labels, seconds);
    domain::MetricLabels stored = labels;
    for (auto& [k, v] : stored)
      if (k == "status") k = "class";
    return history_->window_sum("http_requests", stored, seconds);
  }
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

std::map<std::string, double> ProcessAlertInputs::window_sums_by(std::string_view name,
                                                                 const domain::MetricLabels& labels,
                                                                 std::string_view by,
                                                                 int64_t seconds) {
  if (!history_) return {};
  return history_->window_sums_by(name, labels, by, seconds);
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
                   const Clock& clock, std::vector<domain::AlertRule> rules, AlertJobOptions o,
                   MetricHistoryJob* history)
    : store_(s),
      metrics_(m),
      cache_(cache),
      clock_(clock),
      rules_(std::move(rules)),
      opt_(std::move(o)),
      inputs_(m, s, clock, rules_, history),
      holder_(new_uuid()) {}

bool AlertJob::tick() {
  int64_t now = clock_.now_ms();
  Outcome out;
  try {
    inputs_.sample();
    // Taken and released around each run, like the audit checkpoint's: on PostgreSQL the
    // lease is a session lock that must not travel with a pooled connection, so this
    // thread's session is pinned from the lease to its release.
    store::PinnedSession pin(store_.conn());
    bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::acquire_lease(c, kLease, holder_, now, 3 * opt_.interval_ms + 1000);
    });
    if (!leased) return false;
    struct Release {
      AlertJob& job;
      ~Release() {
        try {
          job.store_.write(store::WriteLock::RowLevel,
                           [&](store::Conn& c) { store::release_lease(c, kLease, job.holder_); });
        } catch (const std::exception& e) {
          spdlog::warn("alerts: releasing the evaluation lease failed ({})", e.what());
        }
      }
    } release{*this};
    Values values = read_values();
    store_.write([&](store::Conn& c) {
      out = Outcome{};  // a retried transaction starts over
      evaluate(c, now, values, out);
    });
    metrics_.inc("painel_alert_evaluations_total");
  } catch (const std::exception& e) {
    metrics_.inc("painel_alert_evaluation_failures_total");
    spdlog::error("alerts: evaluation failed: {}", e.what());
    return false;
  }
  metrics_.set_gauge("painel_alerts_firing", out.firing);
  if (out.all_changed)
    cache_.invalidate_all();  // a global incident: every tenant sees it
  else
    for (auto& t : out.tenants) cache_.invalidate_tenant(t);
  return true;
}

AlertJob::Values AlertJob::read_values() {
  Values v;
  v.global.resize(rules_.size());
  v.by_tenant.resize(rules_.size());
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].scope == "tenant")
      v.by_tenant[i] = domain::alert_values_by_tenant(rules_[i], inputs_);
    else
      v.global[i] = domain::alert_value(rules_[i], inputs_);
  }
  return v;
}

void AlertJob::evaluate(store::Conn& c, int64_t now, const Values& in, Outcome& out) {
  // By rule, then scope ("" global, else a tenant id).
  std::map<std::string, std::map<std::string, store::AlertStateRow>> saved;
  for (auto& s : store::alert_states(c)) saved[s.rule][s.scope] = s;
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto& rule = rules_[i];
    auto& mine = saved[rule.name];
    if (rule.scope != "tenant") {
      auto it = mine.find("");
      step(c, rule, "", in.global[i], it == mine.end() ? nullptr : &it->second, now, out);
      continue;
    }
    // Per tenant: the tenants over the threshold now, and those whose state is not ok (to
    // move their hysteresis). A tenant under it and ok has nothing to step or save.
    const auto& values = in.by_tenant[i];
    std::vector<std::string> tenants;
    for (auto& [t, v] : values)
      if (v > rule.threshold) tenants.push_back(t);
    for (auto& [t, row] : mine)
      if (!t.empty() && row.phase != "ok" && !(values.contains(t) && values.at(t) > rule.threshold))
        tenants.push_back(t);
    // A tenant deleted since its requests gets no incident; one it had is let go (no value).
    std::map<std::string, std::string> exists;
    for (size_t at = 0; at < tenants.size(); at += 200) {
      std::vector<std::string> part(tenants.begin() + at,
                                    tenants.begin() + std::min(tenants.size(), at + 200));
      exists.merge(store::tenant_names(c, part));
    }
    for (auto& t : tenants) {
      auto it = mine.find(t);
      bool known = exists.contains(t);
      if (!known && it == mine.end()) continue;
      auto v = values.find(t);
      std::optional<double> value;
      if (known) value = v == values.end() ? 0.0 : v->second;
      step(c, rule, t, value, it == mine.end() ? nullptr : &it->second, now, out);
    }
  }
}

void AlertJob::step(store::Conn& c, const domain::AlertRule& rule, const std::string& scope,
                    std::optional<double> value, const store::AlertStateRow* saved, int64_t now,
                    Outcome& out) {
  bool condition = value && *value > rule.threshold;
  std::optional<std::string> tenant;
  if (!scope.empty()) tenant = scope;
  store::AlertStateRow row{rule.name, scope, "ok", now, now, value, std::nullopt};
  domain::AlertState st;
  if (saved) {
    row.incident_id = saved->incident_id;
    st.phase = domain::parse_phase(saved->phase).value_or(domain::AlertPhase::Ok);
    st.since_ms = saved->since_ms;
  }
  auto move = domain::step_alert(st, rule, condition, now);
  domain::AlertNotice notice{
      "", "", &rule, value, std::nullopt, format_rfc3339(now), opt_.public_url, tenant};
  auto changed = [&] {
    if (tenant)
      out.tenants.push_back(*tenant);
    else
      out.all_changed = true;
  };
  std::string who = tenant ? " (tenant " + *tenant + ")" : "";
  if (move == domain::AlertMove::Fire) {
    std::string text = rule.summary.empty() ? rule.name : rule.summary;
    row.incident_id =
        store::open_incident(c,
                             {tenant, rule.severity, "Alerta: " + rule.name,
                              fmt::format("{} — value {:g}, threshold {:g} (built-in alert {})",
                                          text, value.value_or(0), rule.threshold, rule.name),
                              "alert"},
                             now);
    changed();
    notice.event = "firing";
    notice.incident_id = row.incident_id;
    queue_alert_notices(c, opt_.webhooks, notice, rule.name, now);
    metrics_.inc("painel_alert_transitions_total", "to=\"firing\"");
    spdlog::warn("alerts: {}{} fired (value {:g} > {:g}), incident {}", rule.name, who,
                 value.value_or(0), rule.threshold, *row.incident_id);
  } else if (move == domain::AlertMove::Resolve) {
    if (row.incident_id) store::resolve_incident(c, *row.incident_id, "alert", now);
    changed();
    notice.event = "resolved";
    notice.incident_id = row.incident_id;
    queue_alert_notices(c, opt_.webhooks, notice, rule.name, now);
    row.incident_id.reset();
    metrics_.inc("painel_alert_transitions_total", "to=\"resolved\"");
    spdlog::info("alerts: {}{} resolved", rule.name, who);
  }
  row.phase = std::string(domain::phase_name(st.phase));
  row.since_ms = st.since_ms;
  if (st.phase == domain::AlertPhase::Firing || st.phase == domain::AlertPhase::Clearing)
    ++out.firing;
  store::save_alert_state(c, row);
}

}  // namespace painel::jobs
