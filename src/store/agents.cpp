#include "store/agents.hpp"

#include "core/time.hpp"

namespace painel::store {
namespace {

// Parameters: tenant, from day, to day (the usage); tenant, status, status (the contracts).
constexpr const char* kContractedAgents =
    "SELECT a.id, a.name, a.segment, a.subnucleus, ta.status, ta.config, ta.activated_at, "
    "ta.deactivated_at, ta.restart_count, a.monthly_price_cents, u.total, u.successful, "
    "u.sum_ms, u.last_request_at "
    "FROM tenant_agents ta JOIN agents a ON a.id = ta.agent_id "
    "LEFT JOIN (SELECT agent_id, sum(total_requests) AS total, "
    "  sum(successful_requests) AS successful, sum(sum_response_time_ms) AS sum_ms, "
    "  max(last_request_at) AS last_request_at FROM tenant_usage_daily "
    "  WHERE tenant_id = ? AND day BETWEEN ? AND ? GROUP BY agent_id) u "
    "ON u.agent_id = ta.agent_id "
    "WHERE ta.tenant_id = ? AND (? = 'all' OR ta.status = ?) ORDER BY a.name_sort, a.name, a.id";

constexpr const char* kHasAgent =
    "SELECT 1 FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?";

}  // namespace

std::vector<ContractedAgent> contracted_agents(Conn& c, const TenantScope& s,
                                               const std::string& status, int64_t from_day,
                                               int64_t to_day) {
  std::vector<ContractedAgent> out;
  for (auto& r : c.query(kContractedAgents, {s.tenant_id(), format_day(from_day),
                                             format_day(to_day), s.tenant_id(), status, status})) {
    ContractedAgent a{r.str(0), r.str(1),     r.str(2), r.str(3), r.str(4), r.str(5),
                      r.str(6), r.opt_str(7), r.i64(8), r.i64(9), {},       r.opt_str(13)};
    a.usage.total = r.i64(10);  // NULL (no usage in the period) → 0
    a.usage.successful = r.i64(11);
    a.usage.sum_response_ms = r.i64(12);
    out.push_back(std::move(a));
  }
  return out;
}

bool tenant_has_agent(Conn& c, const TenantScope& s, const std::string& agent_id) {
  return !c.query(kHasAgent, {s.tenant_id(), agent_id}).empty();
}

}  // namespace painel::store
