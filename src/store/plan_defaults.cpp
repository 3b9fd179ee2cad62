#include "store/plan_defaults.hpp"

namespace painel::store {

// Migration 19 as released, frozen: a released migration's SQL never changes, so it is a
// literal, not built from domain::kShippedPlans (editing those constants must not rewrite
// history). It moved the plan rows still at migration 1's limits (starter 3/5/10 000,
// professional 10/25/100 000, enterprise 50/200/1 000 000) to the original system's; starter
// was already there. A later change of the shipped limits adds a new migration doing the
// same from these values (PlanDefaults.FreshStoreHoldsTheShippedPlans fails until it does).
std::string plan_defaults_migration_sql() {
  return R"SQL(-- The original system's plan limits (issue 21 item 7; domain/plans.hpp), on plan rows
-- still at the values migration 1 shipped.
UPDATE plans SET max_agents = 10, max_users = 20, max_requests_per_month = 50000 WHERE name = 'professional' AND max_agents = 10 AND max_users = 25 AND max_requests_per_month = 100000;
UPDATE plans SET max_agents = 50, max_users = 100, max_requests_per_month = 500000 WHERE name = 'enterprise' AND max_agents = 50 AND max_users = 200 AND max_requests_per_month = 1000000;
)SQL";
}

}  // namespace painel::store
