#pragma once
// Built-in alert rules (issue 17): what each rule measures, the shipped defaults (the
// seed's five CloudWatch alarms mapped to Painel, plus Painel's own; the same names and
// thresholds as deploy/prometheus/alerts.yml), the strict parser of `--alerts FILE`, the
// hysteresis that turns a series of evaluations into "fire" and "resolve" moments, and the
// webhook body. Pure: the values come through AlertInputs, time through the caller.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace painel::domain {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// What a rule measures. Window kinds count events over the rule's window; the others read
// a level now. A value > threshold is the condition.
enum class AlertExpr {
  HandlerErrors,       // 500s from handlers + store errors that are not "busy"  (window)
  Http5xx,             // HTTP answers 5xx                                        (window)
  StoreBusy,           // store busy/timeouts answered 503                        (window)
  IngestionFailures,   // 5xx answers of POST /ingest/usage                       (window)
  AuditChainFailures,  // failed audit checkpoint runs (chain not verifiable)     (window)
  Counter,             // any catalogue counter `metric` with `labels`            (window)
  RedisCpu,            // Redis CPU, fraction of one core over the window (with --redis)
  RedisMemory,         // Redis used_memory / maxmemory (with --redis and a maxmemory)
  ProcessRss,          // this process's resident memory, bytes
  QueueAge,            // age of the oldest PENDING operational command, seconds
  AggregationLag,      // seconds since the last usage aggregation run
  TenantRequests,      // requests answered to a tenant's users, per tenant  (window, scope tenant)
};

struct AlertRule {
  std::string name;  // [A-Za-z0-9_.-]{1,64}, unique
  AlertExpr expr = AlertExpr::Counter;
  std::string metric;   // Counter only: a counter family of the catalogue
  MetricLabels labels;  // Counter only: exact label values ("5xx" for a status class)
  double threshold = 0;
  int64_t window_s = 300;            // window kinds: the span summed; RedisCpu: the span averaged
  std::string severity = "warning";  // info|warning|error|critical (the incident's)
  int64_t for_s = 0;                 // the condition must hold this long before the rule fires
  int64_t clear_s = 0;               // and be false this long before it resolves
  std::string scope = "global";      // global: one incident every tenant sees; tenant: one per
                                     // tenant, that tenant's (expr tenant_requests only)
  std::string summary;               // one line for people
};

std::string_view expr_name(AlertExpr e);
std::optional<AlertExpr> parse_expr(std::string_view s);

// The shipped rules.
const std::vector<AlertRule>& default_alert_rules();

// `--alerts FILE`'s text: {"rules":[{...}]}. A rule named like a default replaces it,
// {"name":"X","enabled":false} drops one, any other name is added. Strict: unknown fields,
// wrong types, out-of-range numbers, duplicate names are refused with
// std::invalid_argument naming the rule and field. `is_counter(name)` says whether a
// Counter rule's metric is a counter family of the catalogue.
std::vector<AlertRule> parse_alert_rules(std::string_view json_text,
                                         const std::function<bool(std::string_view)>& is_counter);

// Where a rule's value comes from: the history of counters and the current levels. An
// implementation returns nullopt for what it cannot know (no Redis configured, ...).
struct AlertInputs {
  virtual ~AlertInputs() = default;
  // Sum of the increases of counter `name` (series matching `labels`) over the last
  // `seconds`, in the unit /metrics exposes (the catalogue's scale applied: seconds, not
  // ms), as the metric history stores them.
  virtual double window_sum(std::string_view name, const MetricLabels& labels, int64_t seconds) = 0;
  virtual std::optional<double> redis_memory_ratio() = 0;
  virtual bool redis_configured() = 0;
  virtual std::optional<double> rss_bytes() = 0;
  virtual std::optional<double> queue_oldest_age_s() = 0;
  virtual std::optional<double> aggregation_lag_s() = 0;
  // Like window_sum, per value of the label `by` (the series without it are left out): the
  // metric history's per-tenant series. Empty when the inputs have no such series.
  virtual std::map<std::string, double> window_sums_by(std::string_view /*name*/,
                                                       const MetricLabels& /*labels*/,
                                                       std::string_view /*by*/,
                                                       int64_t /*seconds*/) {
    return {};
  }
};

// The rule's value now; nullopt when the inputs cannot tell (the condition is then false).
// A tenant-scoped rule has no single value: nullopt.
std::optional<double> alert_value(const AlertRule& r, AlertInputs& in);
// A tenant-scoped rule's value per tenant id (tenants without a point in the window are
// absent: their value is 0); empty for a global rule.
std::map<std::string, double> alert_values_by_tenant(const AlertRule& r, AlertInputs& in);

// Hysteresis. ok → pending (condition true, waiting for for_s) → firing; firing →
// clearing (condition false, waiting for clear_s) → ok. A condition that flips back resets
// the wait, so a flapping metric neither fires nor resolves more than once per wait.
enum class AlertPhase { Ok, Pending, Firing, Clearing };
std::string_view phase_name(AlertPhase p);
std::optional<AlertPhase> parse_phase(std::string_view s);

struct AlertState {
  AlertPhase phase = AlertPhase::Ok;
  int64_t since_ms = 0;  // when `phase` was entered
};
enum class AlertMove { None, Fire, Resolve };
AlertMove step_alert(AlertState& s, const AlertRule& r, bool condition, int64_t now_ms);

// The webhook body: JSON with the event, the rule, the value, and a `text` line that Slack
// and Teams show as the message.
struct AlertNotice {
  std::string delivery_id;
  std::string event;                // firing|resolved|test
  const AlertRule* rule = nullptr;  // nullptr for a test
  std::optional<double> value;
  std::optional<std::string> incident_id;
  std::string at;                        // RFC 3339
  std::string public_url;                // links to the staff UI
  std::optional<std::string> tenant_id;  // a tenant-scoped rule's tenant
};
std::string alert_notice_body(const AlertNotice& n);

}  // namespace painel::domain
