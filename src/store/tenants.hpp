#pragma once
// Tenants, the agent catalog and contracts, integrations: writes used by the CLI, demo
// data and commands. Reads for the API live with their routes (api/*).
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct NewTenant {
  std::string name;
  std::optional<std::string> cnpj;  // 14 digits, validated by the caller
  std::string segment = "outros";
  std::string plan = "starter";
  std::string status = "trial";
};

bool plan_exists(Conn& c, const std::string& plan);
// Inserts the tenant and its first status-history row; returns the new id.
std::string create_tenant(Conn& c, const NewTenant& t, int64_t now_ms);
// Changes status (recording history). Returns false if the tenant does not exist.
bool set_tenant_status(Conn& c, const std::string& tenant_id, const std::string& status,
                       int64_t now_ms);
// Recomputes mrr_cents = plan base price + active contracted agents' prices.
// Sets every tenant's active_agents and user_count from its rows. Triggers keep them
// (migration 6); this is for a bulk load whose inserts fired them on pre-filled counts.
void recount_tenant_children(Conn& c);

int64_t recompute_tenant_mrr(Conn& c, const std::string& tenant_id);
std::optional<std::string> tenant_status(Conn& c, const std::string& tenant_id);
// The status the tenant had when it was last suspended (tenant_status_history), or nullopt
// when no suspension is recorded.
std::optional<std::string> status_before_suspension(Conn& c, const std::string& tenant_id);

struct NewAgent {
  std::string slug, name, segment, subnucleus, description;
  int64_t monthly_price_cents = 0;
};
std::string create_agent(Conn& c, const NewAgent& a, int64_t now_ms);
std::string contract_agent(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                           int64_t now_ms, const std::string& config_json = "{}");

}  // namespace painel::store
