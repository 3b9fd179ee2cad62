#include "domain/command_output.hpp"

#include <rapidjson/document.h>

namespace painel::domain {
namespace {

using rapidjson::Value;

// Field readers that tolerate the demo's and older shapes (absent or other-typed fields).
std::optional<std::string> text(const Value& o, const char* k) {
  auto m = o.FindMember(k);
  if (m == o.MemberEnd() || !m->value.IsString()) return std::nullopt;
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

std::optional<int64_t> number(const Value& o, const char* k) {
  auto m = o.FindMember(k);
  if (m == o.MemberEnd() || !m->value.IsInt64()) return std::nullopt;
  return m->value.GetInt64();
}

std::optional<int64_t> number(const Value& o, const char* k, const char* alt) {
  auto n = number(o, k);
  return n ? n : number(o, alt);
}

bool flag(const Value& o, const char* k) {
  auto m = o.FindMember(k);
  return m != o.MemberEnd() && m->value.IsBool() && m->value.GetBool();
}

size_t count(const Value& o, const char* k) {
  auto m = o.FindMember(k);
  return m != o.MemberEnd() && m->value.IsArray() ? m->value.Size() : 0;
}

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string reprocess(const Value& o) {
  auto days = number(o, "days_processed", "days").value_or(0);
  auto events = number(o, "events").value_or(0);
  auto rows = number(o, "rows_written", "rows").value_or(0);
  auto queue = text(o, "queue_name");
  std::string head = queue ? "Queue '" + *queue + "' reprocessed as " : "Reprocessed ";
  head += text(o, "scope") == std::optional<std::string>("all_tenants") ? "every tenant's usage"
                                                                         : "the tenant's usage";
  std::string out;
  if (days == 0) {
    out = head + ": no days with events awaiting aggregation";
  } else {
    auto from = text(o, "from"), to = text(o, "to");
    out = head + ": " + plural(days, "day", "days") + " re-aggregated";
    if (from && to) out += " (" + (*from == *to ? *from : *from + " to " + *to) + ")";
    out += ", " + plural(events, "event", "events") + ", " + plural(rows, "row", "rows") +
           " written";
  }
  if (auto ignored = text(o, "not_applied")) out += "; " + *ignored;
  return out;
}

std::string reset_token(const Value& o) {
  if (auto user = text(o, "user_id"))
    return "Sessions of user " + *user + " revoked: " +
           std::to_string(number(o, "sessions_revoked").value_or(0));
  auto id = text(o, "integration_id").value_or("?");
  auto name = text(o, "name");
  std::string who = name ? *name + " (" + text(o, "type").value_or("?") + ", " + id + ")" : id;
  return "Token reset for integration " + who + ": " +
         (flag(o, "credential_cleared") ? "credential cleared, " : "") +
         "status inactive, reconnect required";
}

std::string agent(std::string_view type, const Value& o) {
  auto id = text(o, "agent_id").value_or("?");
  auto name = text(o, "name");
  std::string who = "Agent " + (name ? *name + " (" + id + ")" : id);
  auto status = text(o, "status").value_or("?");
  if (type == "RESTART_AGENT") {
    auto n = number(o, "restart_count");
    return who + " restarted" + (n ? " (restart #" + std::to_string(*n) + ")" : "") +
           ", status " + status;
  }
  auto before = text(o, "previous_status");
  return who + (type == "PAUSE_AGENT" ? " paused" : " resumed") + ": status " +
         (before && *before != status ? *before + " -> " : "") + status;
}

std::string health(const Value& o) {
  if (auto checked = number(o, "tenants_checked")) {
    return "Health check of " + plural(*checked, "tenant", "tenants") + ": " +
           std::to_string(number(o, "tenants_degraded").value_or(0)) + " degraded, " +
           plural(number(o, "incidents_opened").value_or(0), "incident", "incidents") + " opened";
  }
  if (!o.HasMember("healthy"))  // the demo's summary shape
    return "Health check: " +
           plural(number(o, "agents_checked").value_or(0), "agent", "agents") + " checked, " +
           std::to_string(number(o, "agents_degraded").value_or(0)) + " degraded" +
           (flag(o, "incident_opened") ? ", incident opened" : "");
  std::string checked = plural(static_cast<int64_t>(count(o, "agents")), "agent", "agents") +
                        " and " +
                        plural(static_cast<int64_t>(count(o, "integrations")), "integration",
                               "integrations") +
                        " checked";
  if (flag(o, "healthy")) return "Health check: healthy (" + checked + ")";
  auto incident = text(o, "incident_id");
  return "Health check: degraded, " +
         plural(static_cast<int64_t>(count(o, "problems")), "problem", "problems") + " (" +
         checked + ")" +
         (incident ? "; incident " + *incident +
                         (flag(o, "incident_opened") ? " opened" : " already open")
                   : "");
}

std::string summarize(std::string_view type, const Value& o) {
  if (type == "REPROCESS_QUEUE") return reprocess(o);
  if (type == "RESET_TOKEN") return reset_token(o);
  if (type == "RESTART_AGENT" || type == "PAUSE_AGENT" || type == "RESUME_AGENT")
    return agent(type, o);
  if (type == "HEALTH_CHECK") return health(o);
  if (type == "RESOLVE_INCIDENT") {
    auto id = text(o, "incident_id").value_or("?");
    auto before = text(o, "previous_status");
    return "Incident " + id +
           (before && *before == "resolved" ? " was already resolved" : " resolved");
  }
  if (type == "FLUSH_TENANT_CACHE") {
    auto n = number(o, "entries_removed", "keys_dropped");
    return "Tenant cache flushed" +
           (n ? ": " + plural(*n, "entry", "entries") + " removed" : std::string());
  }
  if (type == "SUSPEND_TENANT" || type == "REACTIVATE_TENANT") {
    auto status = text(o, "status").value_or("?");
    auto before = text(o, "previous_status");
    return std::string(type == "SUSPEND_TENANT" ? "Tenant suspended" : "Tenant reactivated") +
           ": status " + (before && *before != status ? *before + " -> " : "") + status;
  }
  return std::string(type) + " completed";
}

}  // namespace

std::optional<std::string> command_output(std::string_view type, std::string_view status,
                                          const std::optional<std::string>& stored) {
  if (status != "SUCCESS") return std::nullopt;
  if (!stored) return std::string(type) + " completed";
  rapidjson::Document d;
  d.Parse(stored->data(), stored->size());
  if (d.HasParseError() || !d.IsObject()) return *stored;
  return summarize(type, d);
}

std::optional<std::string> command_result(const std::optional<std::string>& stored) {
  if (!stored) return std::nullopt;
  rapidjson::Document d;
  d.Parse(stored->data(), stored->size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  return stored;
}

}  // namespace painel::domain
