#include "store/contracts.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/tenants.hpp"
#include "store/catalog.hpp"
#include "store/tenants.hpp"

namespace painel::store {
namespace {

constexpr const char* kFindContract =
    "SELECT id, status, config, activated_at, deactivated_at FROM tenant_agents "
    "WHERE tenant_id = ? AND agent_id = ?";
constexpr const char* kActiveContracts = "SELECT active_agents FROM tenants WHERE id = ?";
constexpr const char* kInsertContract =
    "INSERT INTO tenant_agents(id, tenant_id, agent_id, status, config, activated_at, "
    "deactivated_at) VALUES (?,?,?,?,?,?,?)";
constexpr const char* kReactivate =
    "UPDATE tenant_agents SET status = 'active', activated_at = ?, deactivated_at = NULL "
    "WHERE id = ?";
constexpr const char* kSetConfig = "UPDATE tenant_agents SET config = ? WHERE id = ?";

}  // namespace

Contractable agent_contractable(Conn& c, const std::string& agent_id) {
  auto retired = agent_is_retired(c, agent_id);  // store/catalog: nullopt when unknown
  if (!retired) return Contractable::NoSuchAgent;
  return *retired ? Contractable::Retired : Contractable::Yes;
}

std::optional<Contract> find_contract(Conn& c, const std::string& tenant_id,
                                      const std::string& agent_id) {
  auto r = c.query(kFindContract, {tenant_id, agent_id});
  if (r.empty()) return std::nullopt;
  return Contract{r[0].str(0), r[0].str(1), r[0].str(2), r[0].str(3), r[0].opt_str(4)};
}

ContractChange set_contract(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                            bool active, const std::optional<std::string>& config,
                            int64_t now_ms) {
  ContractChange out{ContractChange::Outcome::Unchanged, find_contract(c, tenant_id, agent_id),
                     std::nullopt};
  const auto& before = out.before;
  bool activating = active && (!before || before->status != "active");
  if (activating) {
    out.max_agents = tenant_limits(c, tenant_id).value_or(domain::EffectiveLimits{}).max_agents;
    int64_t now_active = c.query(kActiveContracts, {tenant_id})[0].i64(0);
    if (domain::agent_limit_reached(now_active, out.max_agents)) {
      out.outcome = ContractChange::Outcome::LimitReached;
      return out;
    }
  }
  std::string now = format_rfc3339(now_ms);
  if (!before) {
    c.exec(kInsertContract, {new_uuid(), tenant_id, agent_id, active ? "active" : "inactive",
                             config.value_or("{}"), now, active ? Value(nullptr) : Value(now)});
    out.outcome = ContractChange::Outcome::Created;
  } else {
    if (activating) c.exec(kReactivate, {now, before->id});
    if (!active && before->status == "active") deactivate_contract(c, before->id, now_ms);
    if (config && *config != before->config) c.exec(kSetConfig, {*config, before->id});
  }
  recompute_tenant_mrr(c, tenant_id, now_ms);
  out.after = find_contract(c, tenant_id, agent_id);
  if (before && (out.after->status != before->status || out.after->config != before->config))
    out.outcome = ContractChange::Outcome::Changed;
  return out;
}

std::optional<Contract> end_contract(Conn& c, const std::string& tenant_id,
                                     const std::string& agent_id, int64_t now_ms) {
  auto before = find_contract(c, tenant_id, agent_id);
  if (!before) return std::nullopt;
  if (before->status == "active") {
    deactivate_contract(c, before->id, now_ms);
    recompute_tenant_mrr(c, tenant_id, now_ms);
  }
  return before;
}

}  // namespace painel::store
