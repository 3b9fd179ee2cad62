#pragma once
// Contracts (tenant_agents): a tenant's use of a catalog agent, set and ended by staff
// (PUT/DELETE /internal/tenants/{id}/agents/{agent_id}, `painel contracts set|end`).
// Every change recomputes the tenant's MRR (store::recompute_tenant_mrr) in the same
// transaction; tenants.active_agents is kept by triggers (migration 6).
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.hpp"

namespace painel::store {

// Whether a new or reactivated contract may name this catalog agent.
enum class Contractable { Yes, NoSuchAgent, Retired };
// Today: the agent exists. (The catalog's retired status is checked here once it exists:
// existing contracts keep working, no new activation.)
Contractable agent_contractable(Conn& c, const std::string& agent_id);

struct Contract {
  std::string id, status, config, activated_at;
  std::optional<std::string> deactivated_at;
};
// The tenant's contract for this catalog agent, of any status.
std::optional<Contract> find_contract(Conn& c, const std::string& tenant_id,
                                      const std::string& agent_id);

struct ContractChange {
  enum class Outcome { Created, Changed, Unchanged, LimitReached } outcome;
  std::optional<Contract> before;
  std::optional<Contract> after;
  int64_t max_agents = 0;  // the limit in force (for LimitReached's message)
};
// Creates or changes the tenant's contract: `active` sets its status (a reactivation
// starts a new activated_at), `config` (a JSON object's text) replaces the configuration
// when given. Activating past the tenant's effective max_agents changes nothing
// (LimitReached). The caller checked the tenant exists and the agent is contractable.
ContractChange set_contract(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                            bool active, const std::optional<std::string>& config, int64_t now_ms);
// Ends the contract (inactive, deactivated_at); usage history stays. The contract as it was,
// or nullopt when there is none.
std::optional<Contract> end_contract(Conn& c, const std::string& tenant_id,
                                     const std::string& agent_id, int64_t now_ms);

}  // namespace painel::store
