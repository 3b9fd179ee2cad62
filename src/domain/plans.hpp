#pragma once
// The plans Painel ships and their limits: the original system's (its GET /tenant/me
// handler's table: starter 3 agents / 5 users / 10 000 requests a month, professional
// 10 / 20 / 50 000, enterprise 50 / 100 / 500 000; docs/compatibility.md). Requests read
// the `plans` table; a fresh store gets these values through migration 19, which also
// moves a store still at the limits shipped before. Changing a value here needs a new
// migration that does the same from these values (as store/plan_defaults.cpp does for 19).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace painel::domain {

struct PlanLimitsRow {
  std::string_view name;
  int64_t max_agents, max_users, max_requests_per_month;
};

inline constexpr PlanLimitsRow kShippedPlans[] = {
    {"starter", 3, 5, 10'000},
    {"professional", 10, 20, 50'000},
    {"enterprise", 50, 100, 500'000},
};

// A plan name as a filter or a body field may give it: the original's `plans.name` is a
// VARCHAR(50); an unknown name is no error for a filter (it matches no tenant).
constexpr size_t kPlanNameMax = 50;

// The shipped plan of that name, or nullptr.
const PlanLimitsRow* shipped_plan(std::string_view name);

}  // namespace painel::domain
