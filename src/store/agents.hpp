#pragma once
// The agents a tenant has contracted (tenant_agents joined with the catalog), with their
// usage over a period, for /tenant/agents and /internal/tenants/{id}[/agents].
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/usage_math.hpp"
#include "store/db.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct ContractedAgent {
  std::string id, name, segment, subnucleus;  // the catalog's agent
  std::string status, config, activated_at;   // the contract (config: JSON object text)
  std::optional<std::string> deactivated_at;
  int64_t restart_count = 0, monthly_price_cents = 0;
  // Over the requested days; only total, successful and sum_response_ms are read.
  domain::UsageSums usage;
  std::optional<std::string> last_request_at;
};

// The tenant's contracts whose status is `status` ("active", "inactive" or "all"), by
// agent name then id, each with its usage over [from_day, to_day]. One statement: the
// per-agent sums are grouped in the database and joined to the contracts.
std::vector<ContractedAgent> contracted_agents(Conn& c, const TenantScope& s,
                                               const std::string& status, int64_t from_day,
                                               int64_t to_day);

// Has the tenant a contract (of any status) for this agent?
bool tenant_has_agent(Conn& c, const TenantScope& s, const std::string& agent_id);

}  // namespace painel::store
