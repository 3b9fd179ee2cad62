#pragma once
// Tenant administration rules (API.md, "Administration — the write side"), pure: what a
// tenant's name, status and limits may be, and when a contract would pass max_agents.
// Shared by the API (routes_admin_tenants.cpp) and the command line.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel::domain {

constexpr size_t kTenantNameMax = 200;
constexpr size_t kTenantSegmentMax = 50;

// A limit a tenant may override: its JSON/CLI name and the largest value accepted.
struct LimitSpec {
  const char* name;
  int64_t max;
};
inline constexpr LimitSpec kTenantLimits[] = {
    {"max_agents", 10'000}, {"max_users", 100'000}, {"max_requests_per_month", 1'000'000'000'000}};

// Per-tenant overrides; nullopt: the plan's limit applies.
struct LimitOverrides {
  std::optional<int64_t> max_agents, max_users, max_requests_per_month;
  std::optional<int64_t>& at(size_t i);
  const std::optional<int64_t>& at(size_t i) const;
};

// The limits in force (override, else the plan's).
struct EffectiveLimits {
  int64_t max_agents = 0, max_users = 0, max_requests_per_month = 0;
};
EffectiveLimits effective_limits(const LimitOverrides& o, const EffectiveLimits& plan);

// A new tenant starts in trial or active; suspension and reactivation are commands.
bool valid_initial_status(std::string_view s);
// 1..200 bytes once trimmed, no control characters.
bool valid_tenant_name(std::string_view s);

// Activating one more contract when `active_now` are active: refused past max_agents.
bool agent_limit_reached(int64_t active_now, int64_t max_agents);

}  // namespace painel::domain
