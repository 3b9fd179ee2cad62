#include "domain/commands.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "domain/roles.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::domain {
namespace {

constexpr int64_t kSecond = 1000;

const std::vector<CommandSpec>& table() {
  // RESTART_AGENT is the one type not safe to retry: restarting is an outside action
  // (and it counts restarts), so a run whose worker died is reported, not repeated.
  // clang-format off
  static const std::vector<CommandSpec> t = {
      {.type = "REPROCESS_QUEUE", .groups = kInternal, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 120 * kSecond, .exactly_one_param = false,
       .params = {{"from", ParamKind::Day, false}, {"to", ParamKind::Day, false}},
       .summary = "re-aggregates the tenant's usage for the given days, or for its days with "
                  "events not yet aggregated"},
      {.type = "RESET_TOKEN", .groups = kInternal, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = true,
       .params = {{"integration_id", ParamKind::Uuid, false}, {"user_id", ParamKind::Uuid, false}},
       .summary = "clears an integration's stored credential, or revokes all of a user's sessions"},
      {.type = "RESTART_AGENT", .groups = kInternal, .tenant_required = true,
       .safe_to_retry = false, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {{"agent_id", ParamKind::Uuid, true}},
       .summary = "puts the tenant's agent back to active and counts the restart"},
      {.type = "HEALTH_CHECK", .groups = kInternal, .tenant_required = false,
       .safe_to_retry = true, .timeout_ms = 60 * kSecond, .exactly_one_param = false,
       .params = {},
       .summary = "reports agents' error rates (24 h) and integrations' state; opens an "
                  "incident if degraded"},
      {.type = "RESOLVE_INCIDENT", .groups = kInternal, .tenant_required = false,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {{"incident_id", ParamKind::Uuid, true}},
       .summary = "resolves the incident"},
      {.type = "FLUSH_TENANT_CACHE", .groups = kInternal, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {},
       .summary = "drops the tenant's cached answers"},
      {.type = "SUSPEND_TENANT", .groups = kInternalAdmin, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {},
       .summary = "suspends the tenant: its users get 403 \"tenant suspended\""},
      {.type = "REACTIVATE_TENANT", .groups = kInternalAdmin, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {},
       .summary = "reactivates the tenant"},
      {.type = "PAUSE_AGENT", .groups = kInternalAdmin, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {{"agent_id", ParamKind::Uuid, true}},
       .summary = "sets the tenant's agent inactive"},
      {.type = "RESUME_AGENT", .groups = kInternalAdmin, .tenant_required = true,
       .safe_to_retry = true, .timeout_ms = 10 * kSecond, .exactly_one_param = false,
       .params = {{"agent_id", ParamKind::Uuid, true}},
       .summary = "sets the tenant's agent active"},
  };
  // clang-format on
  return t;
}

std::string quoted(std::string_view s) {
  std::string out;  // not "'" + s + "'": GCC 12 -O3 warns falsely (-Wrestrict) on that
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

std::string accepted_list(const CommandSpec& spec) {
  std::string out;
  for (auto& p : spec.params) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out.empty() ? "none" : out;
}

void write_canonical(const rapidjson::Value& v, rapidjson::Writer<rapidjson::StringBuffer>& w) {
  if (v.IsObject()) {
    std::vector<const rapidjson::Value::Member*> members;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) members.push_back(&*it);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) {
      return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
             std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    w.StartObject();
    for (auto* m : members) {
      w.Key(m->name.GetString(), m->name.GetStringLength());
      write_canonical(m->value, w);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (auto& e : v.GetArray()) write_canonical(e, w);
    w.EndArray();
  } else {
    v.Accept(w);
  }
}

}  // namespace

const std::vector<CommandSpec>& command_specs() { return table(); }

const CommandSpec* find_command(std::string_view type) {
  for (auto& s : table())
    if (s.type == type) return &s;
  return nullptr;
}

std::string command_type_list() {
  std::string out;
  for (auto& s : table()) out += (out.empty() ? "" : ", ") + std::string(s.type);
  return out;
}

std::optional<std::string> CommandParams::get(std::string_view name) const {
  for (auto& [k, v] : values)
    if (k == name) return v;
  return std::nullopt;
}

std::string CommandParams::to_json() const {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  for (auto& [k, v] : values) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return std::string(b.GetString(), b.GetSize());
}

std::variant<CommandParams, ParamError> validate_parameters(const CommandSpec& spec,
                                                            const rapidjson::Value* params) {
  CommandParams out;
  if (params && !params->IsNull()) {
    if (!params->IsObject()) return ParamError{"parameters", "parameters must be a JSON object"};
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      std::string name(it->name.GetString(), it->name.GetStringLength());
      auto ps = std::find_if(spec.params.begin(), spec.params.end(),
                             [&](const ParamSpec& p) { return p.name == name; });
      if (ps == spec.params.end())
        return ParamError{name, "unknown parameter " + quoted(name) + " for " +
                                    std::string(spec.type) + " (accepted: " + accepted_list(spec) +
                                    ")"};
      if (it->value.IsNull()) continue;  // same as absent
      if (!it->value.IsString())
        return ParamError{name, "parameter " + quoted(name) + " must be a string"};
      std::string v(it->value.GetString(), it->value.GetStringLength());
      if (ps->kind == ParamKind::Uuid) {
        if (!is_uuid(v)) return ParamError{name, "parameter " + quoted(name) + " must be a UUID"};
        for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (!parse_day(v)) {
        return ParamError{name, "parameter " + quoted(name) + " must be a day, YYYY-MM-DD"};
      }
      out.values.emplace_back(std::move(name), std::move(v));
    }
  }
  std::sort(out.values.begin(), out.values.end());
  for (auto& p : spec.params)
    if (p.required && !out.get(p.name))
      return ParamError{std::string(p.name), "parameter " + quoted(p.name) + " is required for " +
                                                 std::string(spec.type)};
  if (spec.exactly_one_param && out.values.size() != 1)
    return ParamError{
        std::string(spec.params.front().name),
        std::string(spec.type) + " needs exactly one of the parameters " + accepted_list(spec)};
  if (spec.type == "REPROCESS_QUEUE") {
    auto from = out.get("from"), to = out.get("to");
    if (to && !from) return ParamError{"from", "parameter 'to' needs parameter 'from'"};
    if (from && to) {
      int64_t f = *parse_day(*from), t = *parse_day(*to);
      if (f > t) return ParamError{"to", "parameter 'to' is before parameter 'from'"};
      if (t - f + 1 > kMaxReprocessDays)
        return ParamError{"to", "at most " + std::to_string(kMaxReprocessDays) +
                                    " days can be reprocessed at once (parameters 'from'..'to')"};
    }
  }
  return out;
}

std::vector<std::string> parse_approval_types(std::string_view csv) {
  std::vector<std::string> out;
  while (!csv.empty()) {
    size_t comma = csv.find(',');
    std::string_view item = csv.substr(0, comma);
    csv = comma == std::string_view::npos ? std::string_view() : csv.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    if (!find_command(item))
      throw std::invalid_argument("--require-approval: unknown command type '" +
                                  std::string(item.substr(0, 64)) +
                                  "' (one of: " + command_type_list() + ")");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
  }
  return out;
}

bool is_command_status(std::string_view s) {
  return std::find(std::begin(kCommandStatuses), std::end(kCommandStatuses), s) !=
         std::end(kCommandStatuses);
}

bool is_terminal_status(std::string_view s) {
  return s == "SUCCESS" || s == "ERROR" || s == "CANCELLED";
}

bool should_retry_after_lost_worker(const CommandSpec* spec, int64_t attempts) {
  return spec && spec->safe_to_retry && attempts < kMaxAttempts;
}

std::string lost_worker_message(const CommandSpec* spec, std::string_view type, int64_t attempts,
                                std::string_view worker_id) {
  std::string who = worker_id.empty() ? "its worker" : "worker " + std::string(worker_id);
  std::string base = "interrupted: " + who + " stopped while running it (lease expired)";
  if (!spec) return base + "; unknown command type " + std::string(type);
  if (!spec->safe_to_retry)
    return base + "; not retried because " + std::string(type) +
           " is not safe to run twice — check the target's state and create a new command if "
           "needed";
  return base + "; gave up after " + std::to_string(attempts) + " attempts";
}

std::string canonical_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  write_canonical(v, w);
  return std::string(b.GetString(), b.GetSize());
}

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace painel::domain
