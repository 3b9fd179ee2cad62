#pragma once
// Daily usage aggregation: usage_events (raw) → tenant_usage_daily, one row per
// (tenant, agent, UTC day). Shared by the scheduled job, `painel aggregate`, the
// REPROCESS_QUEUE command and the demo loader, so they all produce the same rows.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// The UTC day of a raw event as SQL, exactly the expression usage_events is indexed by
// (migration 4): a query written any other way is not served by the index.
#define PAINEL_USAGE_EVENT_DAY "occurred_at_ms / 86400000"

struct AggregateStats {
  int64_t days = 0;    // days processed
  int64_t events = 0;  // raw events folded into the rows written
  int64_t rows = 0;    // tenant_usage_daily rows written
};

// Rebuilds tenant_usage_daily for every UTC day in [from_day, to_day] (days since the
// epoch; day d covers occurred_at_ms in [d*86400000, (d+1)*86400000)), for one tenant or
// all. Each day is replaced whole in its own write transaction (or inside the caller's,
// if one is open) and its usage_dirty_days marks are cleared, so re-running gives
// identical rows apart from aggregated_at. p95_response_time_ms is exact (nearest rank).
// Memory: 4 bytes per event of the largest day, plus one small entry per row. Time: one
// scan of each day's events, even for one tenant (usage_events is indexed by day only).
AggregateStats aggregate_days(Conn& c, int64_t from_day, int64_t to_day,
                              const std::optional<std::string>& tenant_id, int64_t now_ms);

// Rebuilds one day for the given tenants only (the dirty-day pass): one scan of the day's
// events whatever the number of tenants, so a day's late events cost one scan per tick.
AggregateStats aggregate_day_of_tenants(Conn& c, int64_t day,
                                        const std::vector<std::string>& tenant_ids, int64_t now_ms);

// Days (since the epoch, ascending, distinct) marked dirty by late events, for one
// tenant or all.
std::vector<int64_t> dirty_days(Conn& c, const std::optional<std::string>& tenant_id);

// --- Issue 14: statements moved here from jobs/aggregation_job and jobs/command_effects ---

// Tenant-days marked dirty, by day then tenant, at most `limit` (the dirty-day pass takes
// them a batch at a time). Marks whose day does not parse are skipped.
struct DirtyMark {
  int64_t day = 0;
  std::string tenant_id;
};
std::vector<DirtyMark> dirty_marks(Conn& c, int64_t limit);

// Raw events with occurred_at_ms in [from_ms, to_ms] counted per tenant and agent, for one
// tenant or all: one scan of the days the range covers through the day index (there is no
// per-tenant index, see migration 4), so all tenants cost one scan.
struct AgentRequests {
  std::string tenant_id, agent_id;
  int64_t requests = 0, errors = 0;
};
void each_agent_requests(Conn& c, int64_t from_ms, int64_t to_ms,
                         const std::optional<std::string>& tenant_id,
                         const std::function<void(const AgentRequests&)>& fn);

}  // namespace painel::store
