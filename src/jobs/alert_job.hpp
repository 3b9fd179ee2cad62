#pragma once
// Built-in alerts (issue 17). Every instance samples its counters each interval
// (ProcessAlertInputs); one instance at a time (lease "alerts") evaluates the rules, moves
// their hysteresis (domain/alerts.hpp), opens an incident (source "alert", global) when a
// rule fires and resolves it when the rule clears, and queues one webhook delivery per
// --alert-webhook for each (jobs/alert_webhooks.hpp sends them). The state is in the store
// (alert_state), so a restart or a lease handover goes on without a second incident.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "domain/alerts.hpp"
#include "jobs/metric_history_job.hpp"
#include "obs/metrics.hpp"
#include "store/alerts.hpp"
#include "store/store.hpp"

namespace painel::cache {
class ResponseCache;
}

namespace painel::jobs {

// The rules' inputs. Window sums: with the metric history (`history` given) every
// instance's 1-minute points plus this process's not-yet-written ones
// (MetricHistoryJob::window_sum), so an evaluating instance sees the errors of all; there
// painel_http_requests_total is the series "http_requests" and a status class is the label
// class="5xx" (here: status="5xx"); other counters keep their names and labels. Without
// the history (--metrics-history-days 0): THIS process's counters, a sample of every series
// the rules read taken at each tick and kept for the longest window. Per-tenant sums
// (tenant_requests{tenant}) exist only in the history.
class ProcessAlertInputs final : public domain::AlertInputs {
 public:
  ProcessAlertInputs(const obs::Metrics& m, store::Store& s, const Clock& clock,
                     const std::vector<domain::AlertRule>& rules,
                     MetricHistoryJob* history = nullptr);
  void sample();  // before each evaluation

  double window_sum(std::string_view name, const domain::MetricLabels& labels,
                    int64_t seconds) override;
  std::optional<double> redis_memory_ratio() override;
  bool redis_configured() override;
  std::optional<double> rss_bytes() override;
  std::optional<double> queue_oldest_age_s() override;
  std::optional<double> aggregation_lag_s() override;
  // Per tenant: only from the metric history (empty without it).
  std::map<std::string, double> window_sums_by(std::string_view name,
                                               const domain::MetricLabels& labels,
                                               std::string_view by, int64_t seconds) override;

 private:
  struct Series {
    std::string name;
    domain::MetricLabels labels;
    double scale = 1;  // the catalogue's: counters added in ms are summed in seconds
    std::deque<std::pair<int64_t, double>> samples;  // (ms, counter value), oldest first
  };
  const obs::Metrics& metrics_;
  store::Store& store_;
  const Clock& clock_;
  MetricHistoryJob* history_;
  int64_t keep_ms_ = 0;
  std::mutex mu_;
  std::map<std::string, Series> series_;  // by "name|labels"
};

struct AlertJobOptions {
  int64_t interval_ms = 30000;
  std::vector<std::string> webhooks;  // --alert-webhook URLs
  std::string public_url;             // links in the notifications
};

// What GET /internal/alerts shows of a webhook URL: scheme://host[:port] (its path and
// query may be the secret, as Slack's and Teams' are).
std::string webhook_target(const std::string& url);

// Queues one delivery of a notice per webhook (in the caller's transaction); the notice's
// delivery_id is set per delivery. Returns the ids.
std::vector<std::string> queue_alert_notices(store::Conn& c, const std::vector<std::string>& urls,
                                             domain::AlertNotice notice, const std::string& rule,
                                             int64_t now_ms);

class AlertJob {
 public:
  // `history`: the metric history's writer when it is on (it must outlive the job).
  AlertJob(store::Store& s, obs::Metrics& m, cache::ResponseCache& cache, const Clock& clock,
           std::vector<domain::AlertRule> rules, AlertJobOptions o,
           MetricHistoryJob* history = nullptr);
  // One interval: sample, and evaluate when this instance holds the lease. Returns whether
  // it evaluated.
  bool tick();
  const std::vector<domain::AlertRule>& rules() const { return rules_; }

 private:
  // What one evaluation changed, for the cache and the firing gauge.
  struct Outcome {
    bool all_changed = false;          // a global incident opened or resolved
    std::vector<std::string> tenants;  // tenants whose incident opened or resolved
    int firing = 0;
  };
  // Each rule's value (global rules) or values by tenant (scope tenant), by rule index.
  struct Values {
    std::vector<std::optional<double>> global;
    std::vector<std::map<std::string, double>> by_tenant;
  };
  // Read before the write transaction opens: the inputs read the store and take the metric
  // history's lock, whose flush takes that lock and then the store's write lock, so reading
  // them inside the transaction would take the two locks in the opposite order (a deadlock
  // until SQLite's busy timeout, with every other writer, the CLI's too, refused meanwhile).
  Values read_values();
  void evaluate(store::Conn& c, int64_t now, const Values& values, Outcome& out);
  // One (rule, scope) step: hysteresis, incident, notices, state row. scope "" = global,
  // else the tenant id.
  void step(store::Conn& c, const domain::AlertRule& rule, const std::string& scope,
            std::optional<double> value, const store::AlertStateRow* saved, int64_t now,
            Outcome& out);

  store::Store& store_;
  obs::Metrics& metrics_;
  cache::ResponseCache& cache_;
  const Clock& clock_;
  std::vector<domain::AlertRule> rules_;
  AlertJobOptions opt_;
  ProcessAlertInputs inputs_;
  std::string holder_;
};

}  // namespace painel::jobs
