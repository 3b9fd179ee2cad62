#pragma once
// Reads of aggregated usage (tenant_usage_daily). Every tenant-scoped read takes the
// TenantScope, so no caller can ask for a tenant it was not granted.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.hpp"
#include "domain/usage_math.hpp"
#include "store/db.hpp"

namespace painel::store {

// Sums for one tenant over [from_day, to_day], optionally one agent.
domain::UsageSums tenant_usage_sums(Conn& c, const auth::TenantScope& s, int64_t from_day,
                                    int64_t to_day,
                                    const std::optional<std::string>& agent_id = {});
// Per day (YYYY-MM-DD → sums), only days with rows.
std::map<std::string, domain::UsageSums> tenant_usage_by_day(
    Conn& c, const auth::TenantScope& s, int64_t from_day, int64_t to_day,
    const std::optional<std::string>& agent_id);
struct AgentUsage {
  std::string agent_id, agent_name;
  domain::UsageSums sums;
  std::optional<std::string> last_request_at;
};
std::vector<AgentUsage> tenant_usage_by_agent(Conn& c, const auth::TenantScope& s, int64_t from_day,
                                              int64_t to_day,
                                              const std::optional<std::string>& agent_id = {});

}  // namespace painel::store
