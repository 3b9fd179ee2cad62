#include "domain/plans.hpp"

namespace painel::domain {

const PlanLimitsRow* shipped_plan(std::string_view name) {
  for (auto& p : kShippedPlans)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace painel::domain
