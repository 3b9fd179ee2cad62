#include "store/usage_reads.hpp"

#include "core/time.hpp"

namespace painel::store {
namespace {

constexpr const char* kSums =
    "coalesce(sum(total_requests),0), coalesce(sum(successful_requests),0), "
    "coalesce(sum(failed_requests),0), coalesce(sum(sum_response_time_ms),0), "
    "coalesce(sum(total_tokens),0), coalesce(sum(cost_cents),0)";

domain::UsageSums sums_at(const Row& r, size_t i) {
  return {r.i64(i), r.i64(i + 1), r.i64(i + 2), r.i64(i + 3), r.i64(i + 4), r.i64(i + 5)};
}

std::string agent_filter(const std::optional<std::string>& agent_id, Params& p) {
  if (!agent_id) return "";
  p.emplace_back(*agent_id);
  return " AND d.agent_id = ?";
}

}  // namespace

domain::UsageSums tenant_usage_sums(Conn& c, const auth::TenantScope& s, int64_t from_day,
                                    int64_t to_day, const std::optional<std::string>& agent_id) {
  Params p{s.tenant_id(), format_day(from_day), format_day(to_day)};
  std::string sql = std::string("SELECT ") + kSums +
                    " FROM tenant_usage_daily d WHERE d.tenant_id = ? AND d.day BETWEEN ? AND ?" +
                    agent_filter(agent_id, p);
  auto r = c.query(sql, p);
  return sums_at(r[0], 0);
}

std::map<std::string, domain::UsageSums> tenant_usage_by_day(
    Conn& c, const auth::TenantScope& s, int64_t from_day, int64_t to_day,
    const std::optional<std::string>& agent_id) {
  Params p{s.tenant_id(), format_day(from_day), format_day(to_day)};
  std::string sql = std::string("SELECT d.day, ") + kSums +
                    " FROM tenant_usage_daily d WHERE d.tenant_id = ? AND d.day BETWEEN ? AND ?" +
                    agent_filter(agent_id, p) + " GROUP BY d.day";
  std::map<std::string, domain::UsageSums> out;
  for (auto& r : c.query(sql, p)) out[r.str(0)] = sums_at(r, 1);
  return out;
}

std::vector<AgentUsage> tenant_usage_by_agent(Conn& c, const auth::TenantScope& s, int64_t from_day,
                                              int64_t to_day,
                                              const std::optional<std::string>& agent_id) {
  Params p{s.tenant_id(), format_day(from_day), format_day(to_day)};
  std::string sql = std::string("SELECT d.agent_id, a.name, ") + kSums +
                    ", max(d.last_request_at) FROM tenant_usage_daily d JOIN agents a ON a.id = "
                    "d.agent_id WHERE d.tenant_id = ? AND d.day BETWEEN ? AND ?" +
                    agent_filter(agent_id, p) +
                    " GROUP BY d.agent_id, a.name ORDER BY sum(d.total_requests) DESC, d.agent_id";
  std::vector<AgentUsage> out;
  for (auto& r : c.query(sql, p)) out.push_back({r.str(0), r.str(1), sums_at(r, 2), r.opt_str(8)});
  return out;
}

}  // namespace painel::store
