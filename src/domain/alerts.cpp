#include "domain/alerts.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/json.hpp"

namespace painel::domain {
namespace {

using enum AlertExpr;

constexpr std::array<std::pair<AlertExpr, std::string_view>, 12> kExprNames{{
    {HandlerErrors, "handler_errors"},
    {Http5xx, "http_5xx"},
    {StoreBusy, "store_busy"},
    {IngestionFailures, "ingestion_failures"},
    {AuditChainFailures, "audit_chain_failures"},
    {Counter, "counter"},
    {RedisCpu, "redis_cpu"},
    {RedisMemory, "redis_memory"},
    {ProcessRss, "rss_bytes"},
    {QueueAge, "queue_age_seconds"},
    {AggregationLag, "aggregation_lag_seconds"},
    {TenantRequests, "tenant_requests"},
}};

AlertRule rule(std::string name, AlertExpr e, double threshold, int64_t window_s,
               std::string severity, int64_t for_s, int64_t clear_s, std::string summary) {
  AlertRule r;
  r.name = std::move(name);
  r.expr = e;
  r.threshold = threshold;
  r.window_s = window_s;
  r.severity = std::move(severity);
  r.for_s = for_s;
  r.clear_s = clear_s;
  r.summary = std::move(summary);
  return r;
}

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw std::invalid_argument("--alerts: " + where + ": " + why);
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

bool valid_label_name(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

std::string text_field(const rapidjson::Value& o, const char* f, const std::string& where,
                       size_t max) {
  const auto& v = o[f];
  if (!v.IsString()) refuse(where, std::string(f) + " must be a string");
  std::string s(v.GetString(), v.GetStringLength());
  if (s.size() > max) refuse(where, std::string(f) + " is longer than " + std::to_string(max));
  for (unsigned char c : s)
    if (c < 0x20) refuse(where, std::string(f) + " has a control character");
  return s;
}

int64_t int_field(const rapidjson::Value& o, const char* f, const std::string& where, int64_t lo,
                  int64_t hi) {
  const auto& v = o[f];
  if (!v.IsInt64() || v.GetInt64() < lo || v.GetInt64() > hi)
    refuse(where, fmt::format("{} must be a whole number from {} to {}", f, lo, hi));
  return v.GetInt64();
}

AlertRule parse_rule(const rapidjson::Value& o, const std::string& where,
                     const std::function<bool(std::string_view)>& is_counter) {
  static const std::set<std::string_view> kFields = {
      "name",     "expr",  "metric",  "labels", "threshold", "window_s",
      "severity", "for_s", "clear_s", "scope",  "summary",   "enabled"};
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (!kFields.contains(k)) refuse(where, "unknown field \"" + std::string(k) + "\"");
  }
  AlertRule r;
  r.name = text_field(o, "name", where, 64);
  for (const char* f : {"expr", "threshold", "severity"})
    if (!o.HasMember(f)) refuse(where, std::string(f) + " is required");
  auto e = parse_expr(text_field(o, "expr", where, 64));
  if (!e) refuse(where, "expr must be one of the kinds in docs/operations.md (\"Alerts\")");
  r.expr = *e;
  const auto& t = o["threshold"];
  if (!t.IsNumber() || !std::isfinite(t.GetDouble()) || std::fabs(t.GetDouble()) > 1e15)
    refuse(where, "threshold must be a finite number");
  r.threshold = t.GetDouble();
  r.severity = text_field(o, "severity", where, 16);
  if (r.severity != "info" && r.severity != "warning" && r.severity != "error" &&
      r.severity != "critical")
    refuse(where, "severity must be info, warning, error or critical");
  r.window_s = o.HasMember("window_s") ? int_field(o, "window_s", where, 5, 86400) : 300;
  r.for_s = o.HasMember("for_s") ? int_field(o, "for_s", where, 0, 86400) : 0;
  r.clear_s = o.HasMember("clear_s") ? int_field(o, "clear_s", where, 0, 86400) : 0;
  if (o.HasMember("scope")) {
    r.scope = text_field(o, "scope", where, 16);
    if (r.scope != "global" && r.scope != "tenant")
      refuse(where, "scope must be \"global\" or \"tenant\"");
  }
  // The only series with a tenant label is the history's tenant_requests{tenant}.
  if ((r.scope == "tenant") != (r.expr == TenantRequests))
    refuse(where, "scope \"tenant\" goes with expr \"tenant_requests\", and only with it");
  if (o.HasMember("summary")) r.summary = text_field(o, "summary", where, 200);
  if (r.expr == Counter) {
    if (!o.HasMember("metric")) refuse(where, "metric is required for expr \"counter\"");
    r.metric = text_field(o, "metric", where, 100);
    if (!is_counter(r.metric)) refuse(where, "metric \"" + r.metric + "\" is not a counter");
    if (o.HasMember("labels")) {
      const auto& l = o["labels"];
      if (!l.IsObject() || l.MemberCount() > 8)
        refuse(where, "labels must be an object of at most 8 name: value strings");
      for (auto it = l.MemberBegin(); it != l.MemberEnd(); ++it) {
        std::string k(it->name.GetString(), it->name.GetStringLength());
        if (!valid_label_name(k)) refuse(where, "label name \"" + k + "\" is not [a-z_]+");
        if (!it->value.IsString() || it->value.GetStringLength() > 128)
          refuse(where, "label \"" + k + "\" must be a string of at most 128 characters");
        r.labels.emplace_back(k, std::string(it->value.GetString(), it->value.GetStringLength()));
      }
    }
  } else if (o.HasMember("metric") || o.HasMember("labels")) {
    refuse(where, "metric and labels are only for expr \"counter\"");
  }
  return r;
}

}  // namespace

std::string_view expr_name(AlertExpr e) {
  for (auto& [k, n] : kExprNames)
    if (k == e) return n;
  return "counter";
}

std::optional<AlertExpr> parse_expr(std::string_view s) {
  for (auto& [k, n] : kExprNames)
    if (n == s) return k;
  return std::nullopt;
}

const std::vector<AlertRule>& default_alert_rules() {
  // Names, thresholds and windows as deploy/prometheus/alerts.yml; clear_s keeps a rule
  // firing through a quiet minute so a burst that pauses does not resolve and reopen.
  static const std::vector<AlertRule> rules = {
      rule("PainelHandlerErrors", HandlerErrors, 5, 300, "critical", 0, 120,
           "Handlers failed more than 5 times in 5 minutes (500s and store errors)"),
      rule("PainelHttp5xx", Http5xx, 10, 300, "critical", 0, 120,
           "More than 10 answers 5xx in 5 minutes"),
      rule("PainelStoreBusy", StoreBusy, 0, 300, "warning", 0, 120,
           "The store was busy (503 + Retry-After) in the last 5 minutes"),
      rule("PainelRedisCpuHigh", RedisCpu, 0.8, 300, "warning", 300, 120,
           "Redis uses more than 80 % of a CPU"),
      rule("PainelRedisMemoryHigh", RedisMemory, 0.9, 300, "warning", 300, 120,
           "Redis memory is over 90 % of maxmemory"),
      rule("PainelMemoryHigh", ProcessRss, 2.0 * 1024 * 1024 * 1024, 300, "warning", 600, 120,
           "The Painel process uses more than 2 GiB of memory"),
      rule("PainelCommandQueueStuck", QueueAge, 300, 300, "warning", 300, 60,
           "The oldest pending operational command has waited more than 5 minutes"),
      rule("PainelAggregationLagging", AggregationLag, 1800, 300, "warning", 300, 60,
           "Usage aggregation has not run for more than 30 minutes"),
      rule("PainelIngestionFailing", IngestionFailures, 0, 300, "critical", 0, 120,
           "Usage ingestion answered 5xx in the last 5 minutes"),
      rule("PainelAuditChainFailing", AuditChainFailures, 0, 900, "critical", 0, 60,
           "The audit chain could not be checkpointed: verify it (GET /internal/audit/verify)"),
  };
  return rules;
}

std::vector<AlertRule> parse_alert_rules(std::string_view json_text,
                                         const std::function<bool(std::string_view)>& is_counter) {
  if (json_text.size() > 1 << 20) refuse("the file", "is larger than 1 MiB");
  rapidjson::Document d;
  if (const char* why = parse_json(json_text, d))
    refuse("the file", std::string("not JSON: ") + why);
  if (!d.IsObject() || !d.HasMember("rules") || !d["rules"].IsArray() || d.MemberCount() != 1)
    refuse("the file", "must be an object {\"rules\": [ ... ]}");
  const auto& arr = d["rules"];
  if (arr.Size() > 100) refuse("the file", "has more than 100 rules");
  std::vector<AlertRule> out = default_alert_rules();
  std::set<std::string> seen;
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    std::string where = fmt::format("rule {}", i + 1);
    const auto& o = arr[i];
    if (!o.IsObject()) refuse(where, "must be an object");
    if (!o.HasMember("name") || !o["name"].IsString()) refuse(where, "name is required");
    std::string name(o["name"].GetString(), o["name"].GetStringLength());
    if (!valid_name(name)) refuse(where, "name must be 1-64 of [A-Za-z0-9_.-]");
    where = "rule \"" + name + "\"";
    if (!seen.insert(name).second) refuse(where, "is named twice");
    auto same = std::find_if(out.begin(), out.end(), [&](auto& r) { return r.name == name; });
    if (o.HasMember("enabled")) {
      if (!o["enabled"].IsBool()) refuse(where, "enabled must be true or false");
      if (!o["enabled"].GetBool()) {
        if (o.MemberCount() != 2) refuse(where, "a disabled rule has only name and enabled");
        if (same == out.end()) refuse(where, "disables no shipped rule");
        out.erase(same);
        continue;
      }
    }
    AlertRule r = parse_rule(o, where, is_counter);
    if (same != out.end())
      *same = std::move(r);
    else
      out.push_back(std::move(r));
  }
  return out;
}

std::optional<double> alert_value(const AlertRule& r, AlertInputs& in) {
  const int64_t w = r.window_s;
  switch (r.expr) {
    case HandlerErrors:
      return in.window_sum("painel_internal_errors_total", {}, w) +
             in.window_sum("painel_store_errors_total", {{"kind", "other"}}, w);
    case Http5xx:
      return in.window_sum("painel_http_requests_total", {{"status", "5xx"}}, w);
    case StoreBusy:
      return in.window_sum("painel_store_errors_total", {{"kind", "busy"}}, w);
    case IngestionFailures:
      return in.window_sum("painel_http_requests_total",
                           {{"route", "/ingest/usage"}, {"status", "5xx"}}, w);
    case AuditChainFailures:
      return in.window_sum("painel_audit_checkpoint_failures_total", {}, w);
    case Counter:
      return in.window_sum(r.metric, r.labels, w);
    case RedisCpu:
      // CPU seconds over the window's seconds: the fraction of one core.
      if (!in.redis_configured()) return std::nullopt;
      return in.window_sum("painel_redis_cpu_seconds_total", {}, w) / double(w);
    case RedisMemory:
      return in.redis_memory_ratio();
    case ProcessRss:
      return in.rss_bytes();
    case QueueAge:
      return in.queue_oldest_age_s();
    case AggregationLag:
      return in.aggregation_lag_s();
    case TenantRequests:
      return std::nullopt;
  }
  return std::nullopt;
}

std::map<std::string, double> alert_values_by_tenant(const AlertRule& r, AlertInputs& in) {
  if (r.expr != TenantRequests) return {};
  return in.window_sums_by("tenant_requests", {}, "tenant", r.window_s);
}

std::string_view phase_name(AlertPhase p) {
  switch (p) {
    case AlertPhase::Ok:
      return "ok";
    case AlertPhase::Pending:
      return "pending";
    case AlertPhase::Firing:
      return "firing";
    case AlertPhase::Clearing:
      return "clearing";
  }
  return "ok";
}

std::optional<AlertPhase> parse_phase(std::string_view s) {
  for (auto p : {AlertPhase::Ok, AlertPhase::Pending, AlertPhase::Firing, AlertPhase::Clearing})
    if (phase_name(p) == s) return p;
  return std::nullopt;
}

AlertMove step_alert(AlertState& s, const AlertRule& r, bool condition, int64_t now_ms) {
  auto enter = [&](AlertPhase p) {
    s.phase = p;
    s.since_ms = now_ms;
  };
  switch (s.phase) {
    case AlertPhase::Ok:
      if (!condition) return AlertMove::None;
      if (r.for_s > 0) {
        enter(AlertPhase::Pending);
        return AlertMove::None;
      }
      enter(AlertPhase::Firing);
      return AlertMove::Fire;
    case AlertPhase::Pending:
      if (!condition) {
        enter(AlertPhase::Ok);
        return AlertMove::None;
      }
      if (now_ms - s.since_ms < r.for_s * 1000) return AlertMove::None;
      enter(AlertPhase::Firing);
      return AlertMove::Fire;
    case AlertPhase::Firing:
      if (condition) return AlertMove::None;
      if (r.clear_s > 0) {
        enter(AlertPhase::Clearing);
        return AlertMove::None;
      }
      enter(AlertPhase::Ok);
      return AlertMove::Resolve;
    case AlertPhase::Clearing:
      if (condition) {
        s.phase = AlertPhase::Firing;  // still the same firing: keeps no new since
        return AlertMove::None;
      }
      if (now_ms - s.since_ms < r.clear_s * 1000) return AlertMove::None;
      enter(AlertPhase::Ok);
      return AlertMove::Resolve;
  }
  return AlertMove::None;
}

std::string alert_notice_body(const AlertNotice& n) {
  std::string text;
  if (!n.rule) {
    text = "[TEST] Painel: test notification (webhook configured correctly)";
  } else {
    std::string value = n.value ? fmt::format("{:g}", *n.value) : "unknown";
    text = fmt::format("[{}] {} ({}): {} (value {}, threshold {:g})",
                       n.event == "firing" ? "FIRING" : "RESOLVED", n.rule->name, n.rule->severity,
                       n.rule->summary, value, n.rule->threshold);
    if (n.tenant_id) text += " — tenant " + *n.tenant_id;
  }
  if (n.incident_id && !n.public_url.empty()) text += " " + n.public_url + "/app/company/incidents";
  JsonOut j;
  j.begin_object().kv("delivery_id", n.delivery_id).kv("event", n.event).kv("at", n.at);
  if (n.rule) {
    j.key("alert").begin_object();
    j.kv("name", n.rule->name).kv("expr", expr_name(n.rule->expr)).kv("severity", n.rule->severity);
    j.kv("summary", n.rule->summary).key("threshold").dbl(n.rule->threshold);
    j.kv("window_s", n.rule->window_s).kv("scope", n.rule->scope).end_object();
    j.key("value");
    if (n.value)
      j.dbl(*n.value);
    else
      j.null();
    j.key("incident_id").str_or_null(n.incident_id);
    if (n.tenant_id) j.kv("tenant_id", *n.tenant_id);
  }
  j.kv("text", text).end_object();
  return j.take();
}

}  // namespace painel::domain
