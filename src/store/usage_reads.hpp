#pragma once
// Reads of aggregated usage (tenant_usage_daily). Every tenant-scoped read takes the
// TenantScope, so no caller can ask for a tenant it was not granted.
#include <optional>
#include <string>
#include <vector>

#include "domain/usage_math.hpp"
#include "store/db.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

// Sums for one tenant over [from_day, to_day], optionally one agent.
domain::UsageSums tenant_usage_sums(Conn& c, const store::TenantScope& s, int64_t from_day,
                                    int64_t to_day,
                                    const std::optional<std::string>& agent_id = {});
struct AgentUsage {
  std::string agent_id, agent_name;
  domain::UsageSums sums;
  std::optional<std::string> last_request_at;
};

// Everything /tenant/usage shows, from one pass over the tenant's daily rows (one index
// range scan instead of three grouped queries).
struct UsageReport {
  domain::UsageSums total;
  std::vector<domain::UsageSums> by_day;  // [0] is from_day; days without rows are zero
  std::vector<AgentUsage> by_agent;       // by requests desc, then agent id
};
// Cross-tenant figures for /internal/usage/overview, from one pass over the day-range
// covering index (tenant_usage_daily_day_cover) instead of one grouped query per figure.
struct UsageOverview {
  struct Day {
    int64_t total = 0, successful = 0, active_tenants = 0;
  };
  struct Ranked {
    std::string id, name;
    int64_t total = 0, successful = 0;
    int64_t tenant_count = 0;    // tenants that used it in the period
    int64_t deployed_count = 0;  // agents: tenants with an active contract for it, now
  };
  int64_t total = 0, successful = 0, sum_response_ms = 0;
  std::vector<Day> by_day;                      // [0] is from_day
  std::vector<Ranked> top_tenants, top_agents;  // by requests desc, then id; at most `top`
};
// From the platform rollup (store/usage_rollup.hpp) once it is complete: the period's day
// rows, its agents' rows (tenant_count from their tenant bitmaps) and the tenants' running
// totals (the top ones' successful requests from their daily rows); otherwise
// usage_overview_scan. Both give the same figures.
UsageOverview usage_overview(Conn& c, int64_t from_day, int64_t to_day, size_t top);
// One pass over the period's daily rows of every tenant (the reference of the tests).
UsageOverview usage_overview_scan(Conn& c, int64_t from_day, int64_t to_day, size_t top);

UsageReport tenant_usage_report(Conn& c, const store::TenantScope& s, int64_t from_day,
                                int64_t to_day, const std::optional<std::string>& agent_id = {});

}  // namespace painel::store
