#include "store/plan_defaults.hpp"

#include <fmt/format.h>

#include "domain/plans.hpp"

namespace painel::store {
namespace {

// The limits migration 1 inserted (history: never change these). A later change of the
// shipped limits adds a migration that moves rows from domain::kShippedPlans' values of
// the time, as this one does from these.
constexpr domain::PlanLimitsRow kShippedInMigration1[] = {
    {"starter", 3, 5, 10'000},
    {"professional", 10, 25, 100'000},
    {"enterprise", 50, 200, 1'000'000},
};

constexpr const char* kMoveShippedPlan =
    "UPDATE plans SET max_agents = {}, max_users = {}, max_requests_per_month = {} "
    "WHERE name = '{}' AND max_agents = {} AND max_users = {} AND max_requests_per_month = {};\n";

}  // namespace

std::string plan_defaults_migration_sql() {
  std::string sql =
      "-- The original system's plan limits (issue 21 item 7; domain/plans.hpp), on plan rows\n"
      "-- still at the values migration 1 shipped.\n";
  for (auto& to : domain::kShippedPlans)
    for (auto& from : kShippedInMigration1)
      if (from.name == to.name &&
          (from.max_agents != to.max_agents || from.max_users != to.max_users ||
           from.max_requests_per_month != to.max_requests_per_month))
        sql += fmt::format(kMoveShippedPlan, to.max_agents, to.max_users, to.max_requests_per_month,
                           to.name, from.max_agents, from.max_users, from.max_requests_per_month);
  return sql;
}

}  // namespace painel::store
