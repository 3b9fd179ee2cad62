#include "domain/tenants.hpp"

namespace painel::domain {

std::optional<int64_t>& LimitOverrides::at(size_t i) {
  return i == 0 ? max_agents : i == 1 ? max_users : max_requests_per_month;
}
const std::optional<int64_t>& LimitOverrides::at(size_t i) const {
  return i == 0 ? max_agents : i == 1 ? max_users : max_requests_per_month;
}

EffectiveLimits effective_limits(const LimitOverrides& o, const EffectiveLimits& plan) {
  return {o.max_agents.value_or(plan.max_agents), o.max_users.value_or(plan.max_users),
          o.max_requests_per_month.value_or(plan.max_requests_per_month)};
}

bool valid_initial_status(std::string_view s) { return s == "trial" || s == "active"; }

bool valid_tenant_name(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || s.size() > kTenantNameMax) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

bool agent_limit_reached(int64_t active_now, int64_t max_agents) {
  return active_now >= max_agents;
}

}  // namespace painel::domain
