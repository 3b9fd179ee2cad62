// The ingestion batch validator (api/ingest_batch): throws only ApiError 400, and every
// event it accepts is within the documented bounds and views the request body.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "api/ingest_batch.hpp"
#include "api/ingest_body.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "fuzz_check.hpp"

namespace {
constexpr int64_t kNowMs = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

bool inside(std::string_view view, const std::string& body) {
  return view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size();
}

bool is_lower(std::string_view s) {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return false;
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  rapidjson::Document doc;
  std::vector<painel::store::UsageEvent> events;
  try {
    events = painel::api::parse_batch(body, doc, {kNowMs, kNowMs - 400LL * 86400000});
  } catch (const painel::ApiError& e) {
    FUZZ_CHECK(e.status == 400);
    return 0;
  }
  FUZZ_CHECK(!events.empty() && events.size() <= painel::api::kIngestMaxEvents);
  std::unordered_set<std::string_view> ids;
  for (const auto& e : events) {
    FUZZ_CHECK(!e.event_id.empty() && e.event_id.size() <= 128);
    FUZZ_CHECK(ids.insert(e.event_id).second);
    FUZZ_CHECK(inside(e.event_id, body) && inside(e.tenant_id, body) && inside(e.agent_id, body));
    FUZZ_CHECK(painel::is_uuid(e.tenant_id) && is_lower(e.tenant_id));
    FUZZ_CHECK(painel::is_uuid(e.agent_id) && is_lower(e.agent_id));
    FUZZ_CHECK(e.occurred_at_ms >= 0 && e.occurred_at_ms <= kNowMs + 5 * 60 * 1000);
    FUZZ_CHECK(e.response_time_ms >= 0 && e.response_time_ms <= 1'000'000'000'000);
    FUZZ_CHECK(e.tokens_used >= 0 && e.tokens_used <= 1'000'000'000'000);
    FUZZ_CHECK(e.cost_cents >= 0 && e.cost_cents <= 100'000'000'000);
    FUZZ_CHECK(painel::fuzz::is_utf8(e.event_id));
  }
  return 0;
}
