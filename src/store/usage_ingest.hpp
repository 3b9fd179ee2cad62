#pragma once
// Raw usage ingestion: a validated batch stored in one transaction, idempotent on
// event_id, marking each (day, tenant) it touches dirty for the aggregation job.
#include <cstdint>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct UsageEvent {
  std::string event_id, tenant_id, agent_id;
  int64_t occurred_at_ms = 0;
  bool success = true;
  int64_t response_time_ms = 0, tokens_used = 0, cost_cents = 0;
};

struct IngestResult {
  int64_t accepted = 0, duplicates = 0;
  std::vector<std::string> tenants;  // tenants with new events
};

// Index of the first event whose (tenant, agent) is unknown or not contracted, and which
// one failed ("tenant_id" or "agent_id"); -1 if all are fine.
struct ReferenceCheck {
  int64_t index = -1;
  std::string field, detail;
};
ReferenceCheck check_event_references(Conn& c, const std::vector<UsageEvent>& events);
// Runs inside the caller's write transaction.
IngestResult insert_usage_events(Conn& c, const std::vector<UsageEvent>& events, int64_t now_ms);

}  // namespace painel::store
