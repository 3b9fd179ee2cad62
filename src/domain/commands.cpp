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
      // Without a tenant (the original's integration test posts none) every tenant's usage
      // is re-aggregated. queue_name, message_ids, max_messages and message_count are the
      // original console's: any queue name stands for the one queue Painel has (usage
      // events awaiting aggregation); the others are kept and reported, whole days being
      // what Painel reprocesses.
      {.type = "REPROCESS_QUEUE", .groups = kInternal, .tenant_required = false,
       .safe_to_retry = true, .timeout_ms = 120 * kSecond, .exactly_one_param = false,
       .params = {{"from", ParamKind::Day, false},
                  {"to", ParamKind::Day, false},
                  {"queue_name", ParamKind::Text, false},
                  {"message_ids", ParamKind::TextList, false},
                  {"max_messages", ParamKind::Count, false},
                  {"message_count", ParamKind::Count, false}},
       .summary = "re-aggregates usage (the tenant's, or every tenant's) for the given days, "
                  "or for the days with events not yet aggregated"},
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

bool valid_text(std::string_view v) {
  if (v.empty() || v.size() > kMaxParamText) return false;
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string compact_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

// One non-null parameter value against its kind.
std::variant<CommandParam, ParamError> check_value(const ParamSpec& ps, const rapidjson::Value& v) {
  std::string name(ps.name);
  auto error = [&](std::string_view what) {
    return ParamError{name, "parameter " + quoted(name) + " must be " + std::string(what)};
  };
  if (ps.kind == ParamKind::Count) {
    if (!v.IsInt64() || v.GetInt64() < 1 || v.GetInt64() > kMaxParamCount)
      return error("a whole number from 1 to " + std::to_string(kMaxParamCount));
    return CommandParam{name, std::to_string(v.GetInt64()), true};
  }
  if (ps.kind == ParamKind::TextList) {
    std::string what = "an array of at most " + std::to_string(kMaxParamListItems) +
                       " strings of 1 to " + std::to_string(kMaxParamText) + " characters";
    if (!v.IsArray() || v.Size() > kMaxParamListItems) return error(what);
    for (auto& e : v.GetArray())
      if (!e.IsString() || !valid_text({e.GetString(), e.GetStringLength()})) return error(what);
    return CommandParam{name, compact_json(v), true};
  }
  if (!v.IsString()) return error("a string");
  std::string s(v.GetString(), v.GetStringLength());
  switch (ps.kind) {
    case ParamKind::Uuid:
      if (!is_uuid(s)) return error("a UUID");
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      break;
    case ParamKind::Day:
      if (!parse_day(s)) return error("a day, YYYY-MM-DD");
      break;
    default:
      if (!valid_text(s))
        return error("1 to " + std::to_string(kMaxParamText) + " printable characters");
  }
  return CommandParam{name, std::move(s), false};
}

std::optional<std::string> lower_uuid(const rapidjson::Value& v) {
  if (!v.IsString()) return std::nullopt;
  std::string s(v.GetString(), v.GetStringLength());
  if (!is_uuid(s)) return std::nullopt;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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
  for (auto& p : values)
    if (p.name == name) return p.value;
  return std::nullopt;
}

std::string CommandParams::to_json() const {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  for (auto& p : values) {
    w.Key(p.name.data(), static_cast<rapidjson::SizeType>(p.name.size()));
    if (p.json)
      w.RawValue(p.value.data(), p.value.size(), rapidjson::kObjectType);
    else
      w.String(p.value.data(), static_cast<rapidjson::SizeType>(p.value.size()));
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
      auto checked = check_value(*ps, it->value);
      if (auto* e = std::get_if<ParamError>(&checked)) return std::move(*e);
      out.values.push_back(std::get<CommandParam>(std::move(checked)));
    }
  }
  std::sort(out.values.begin(), out.values.end(),
            [](const CommandParam& a, const CommandParam& b) { return a.name < b.name; });
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

std::variant<CommandRequest, ParamError> normalize_request(const CommandSpec& spec,
                                                           const rapidjson::Value& body) {
  CommandRequest out{&spec, std::nullopt, {}};
  auto top = body.FindMember("tenant_id");
  if (top != body.MemberEnd() && !top->value.IsNull()) {
    out.tenant_id = lower_uuid(top->value);
    if (!out.tenant_id) return ParamError{"tenant_id", "tenant_id must be a UUID"};
  }
  // parameters.tenant_id (the original console's RESET_TOKEN / RESTART_AGENT form) is taken
  // out of the parameters: it is the command's tenant, not a parameter of the type.
  const rapidjson::Value* params = nullptr;
  rapidjson::Document rest;
  if (auto p = body.FindMember("parameters"); p != body.MemberEnd()) {
    params = &p->value;
    auto inner = p->value.IsObject() ? p->value.FindMember("tenant_id")
                                     : rapidjson::Value::ConstMemberIterator();
    if (p->value.IsObject() && inner != p->value.MemberEnd()) {
      if (!inner->value.IsNull()) {
        auto t = lower_uuid(inner->value);
        if (!t) return ParamError{"tenant_id", "parameters.tenant_id must be a UUID"};
        if (out.tenant_id && *out.tenant_id != *t)
          return ParamError{"tenant_id", "tenant_id (" + *out.tenant_id +
                                             ") and parameters.tenant_id (" + *t +
                                             ") name different tenants; give one, or the same"};
        out.tenant_id = std::move(t);
      }
      rest.SetObject();
      for (auto m = p->value.MemberBegin(); m != p->value.MemberEnd(); ++m)
        if (m != inner)
          rest.AddMember(rapidjson::Value(m->name, rest.GetAllocator()),
                         rapidjson::Value(m->value, rest.GetAllocator()), rest.GetAllocator());
      params = &rest;
    }
  }
  if (!out.tenant_id && spec.tenant_required)
    return ParamError{"tenant_id", "tenant_id is required for " + std::string(spec.type) +
                                       " (at the top of the body or in parameters)"};
  auto checked = validate_parameters(spec, params);
  if (auto* e = std::get_if<ParamError>(&checked)) return std::move(*e);
  out.params = std::get<CommandParams>(std::move(checked));
  return out;
}

std::string CommandRequest::canonical() const {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("command_type");
  w.String(spec->type.data(), static_cast<rapidjson::SizeType>(spec->type.size()));
  w.Key("parameters");
  std::string p = params.to_json();
  w.RawValue(p.data(), p.size(), rapidjson::kObjectType);
  w.Key("tenant_id");
  if (tenant_id)
    w.String(tenant_id->data(), static_cast<rapidjson::SizeType>(tenant_id->size()));
  else
    w.Null();
  w.EndObject();
  return std::string(b.GetString(), b.GetSize());
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
