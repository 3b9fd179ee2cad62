#pragma once
// The agent catalog (agents): the staff list, one agent, create and edit, and the question
// the contracts route asks (is this agent retired?). Agents are not tenant data: no scope.
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.hpp"
#include "store/page.hpp"

namespace painel::store {

struct CatalogAgent {
  std::string id, slug, name, segment, subnucleus, description, status;
  int64_t monthly_price_cents = 0;
  int64_t deployed_count = 0;  // active contracts (tenant_agents.status = 'active')
  std::string created_at, updated_at;  // updated_at: created_at until the first edit
};

struct CatalogQuery {
  std::optional<std::string> status;   // "active" | "retired"; nullopt: all
  std::optional<std::string> segment;  // exact
  std::optional<std::string> search;   // in the name, without case or accents
  PageRequest page;
};

// Ordered by name, then id. The catalog is small (tens of agents, not tenants' data), so
// the name search folds accents in C++ (core/text fold_for_search) over the filtered rows
// instead of keeping a folded copy of every name in the table.
PageOf<CatalogAgent> list_catalog(Conn& c, const CatalogQuery& q);
std::optional<CatalogAgent> find_catalog_agent(Conn& c, const std::string& id);

// The id of another agent whose name is the same as `name` for domain::agent_name_key.
std::optional<std::string> agent_with_same_name(Conn& c, const std::string& name,
                                                const std::string& except_id = "");

struct NewCatalogAgent {
  std::string name, segment, subnucleus, description;
  int64_t monthly_price_cents = 0;
};
// Inserts it with a unique slug derived from the name ("-2", "-3"… on a clash); returns
// the new id. The caller checked the name (agent_with_same_name) in the same transaction.
std::string create_catalog_agent(Conn& c, const NewCatalogAgent& a, int64_t now_ms);

// Writes every editable field of `a` (name, segment, subnucleus, description, price,
// status) and updated_at. A price change moves the MRR of the tenants that contract it.
void update_catalog_agent(Conn& c, const CatalogAgent& a, int64_t now_ms);

// For the contracts route: a retired agent takes no new contracts. nullopt: no such agent.
std::optional<bool> agent_is_retired(Conn& c, const std::string& agent_id);

}  // namespace painel::store
