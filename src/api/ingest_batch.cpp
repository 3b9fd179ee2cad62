#include "api/ingest_batch.hpp"

#include <cmath>
#include <string_view>
#include <unordered_set>

#include "api/ingest_body.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

namespace painel::api {
namespace {

[[noreturn]] void bad_event(size_t i, const char* field, const std::string& why) {
  throw bad_request("events[" + std::to_string(i) + "]." + field + ": " + why);
}

int64_t nonneg_int(const rapidjson::Value& e, size_t i, const char* field) {
  auto it = e.FindMember(field);
  if (it == e.MemberEnd()) bad_event(i, field, "is required");
  if (!it->value.IsInt64()) bad_event(i, field, "must be an integer");
  if (it->value.GetInt64() < 0) bad_event(i, field, "must not be negative");
  if (it->value.GetInt64() > 1'000'000'000'000LL) bad_event(i, field, "is too large");
  return it->value.GetInt64();
}

// The field's text, viewing the request document.
std::string_view str_field(const rapidjson::Value& e, size_t i, const char* field, size_t max) {
  auto it = e.FindMember(field);
  if (it == e.MemberEnd()) bad_event(i, field, "is required");
  if (!it->value.IsString()) bad_event(i, field, "must be a string");
  std::string_view s(it->value.GetString(), it->value.GetStringLength());
  if (s.empty() || s.size() > max)
    bad_event(i, field, "must be 1.." + std::to_string(max) + " characters");
  return s;
}

// Lower-cases a UUID where it lies: a view into the request body, parsed in place.
std::string_view lower_in_place(std::string_view s) {
  auto* p = const_cast<char*>(s.data());
  for (size_t k = 0; k < s.size(); ++k)
    if (p[k] >= 'A' && p[k] <= 'Z') p[k] = static_cast<char>(p[k] - 'A' + 'a');
  return s;
}

}  // namespace

// The events view `body`, which is parsed in place into `d`: both must outlive them (no
// string is copied per event).
std::vector<store::UsageEvent> parse_batch(std::string& body, rapidjson::Document& d,
                                           const TimeBounds& when) {
  parse_ingest_document(body, d);
  auto it = d.FindMember("events");
  if (it == d.MemberEnd() || !it->value.IsArray())
    throw bad_request("field 'events' must be an array");
  auto& arr = it->value;
  if (arr.Size() == 0) throw bad_request("'events' is empty");
  // (at most kIngestMaxEvents: parse_ingest_document refused more)
  std::vector<store::UsageEvent> out;
  out.reserve(arr.Size());
  std::unordered_set<std::string_view> ids;  // views into the document
  ids.reserve(arr.Size());
  for (rapidjson::SizeType k = 0; k < arr.Size(); ++k) {
    size_t i = k;
    auto& e = arr[k];
    if (!e.IsObject()) bad_event(i, "", "must be an object");
    store::UsageEvent ev;
    auto event_id = str_field(e, i, "event_id", 128);
    if (!ids.insert(event_id).second) bad_event(i, "event_id", "duplicate inside the batch");
    ev.event_id = event_id;
    auto tenant = str_field(e, i, "tenant_id", 36);
    if (!is_uuid(tenant)) bad_event(i, "tenant_id", "not a UUID");
    ev.tenant_id = lower_in_place(tenant);
    auto agent = str_field(e, i, "agent_id", 36);
    if (!is_uuid(agent)) bad_event(i, "agent_id", "not a UUID");
    ev.agent_id = lower_in_place(agent);
    auto at = parse_rfc3339(str_field(e, i, "occurred_at", 40));
    if (!at) bad_event(i, "occurred_at", "must be an RFC 3339 time");
    if (*at < 0) bad_event(i, "occurred_at", "must not be before 1970-01-01");
    if (*at > when.now_ms + 5 * 60 * 1000)
      bad_event(i, "occurred_at", "more than 5 minutes in the future");
    if (*at < when.oldest_ms) bad_event(i, "occurred_at", "older than the ingest window");
    ev.occurred_at_ms = *at;
    auto status = str_field(e, i, "status", 16);
    if (status != "success" && status != "error")
      bad_event(i, "status", "must be success or error");
    ev.success = status == "success";
    ev.response_time_ms = nonneg_int(e, i, "response_time_ms");
    ev.tokens_used = nonneg_int(e, i, "tokens_used");
    auto c = e.FindMember("cost");
    if (c == e.MemberEnd()) bad_event(i, "cost", "is required");
    if (!c->value.IsNumber()) bad_event(i, "cost", "must be a number (BRL)");
    double cost = c->value.GetDouble();
    if (!std::isfinite(cost) || cost < 0) bad_event(i, "cost", "must not be negative");
    if (cost > 1e9) bad_event(i, "cost", "is too large");
    double cents = cost * 100.0;
    if (std::fabs(cents - std::round(cents)) > 1e-6) bad_event(i, "cost", "at most two decimals");
    ev.cost_cents = static_cast<int64_t>(std::llround(cents));
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace painel::api
