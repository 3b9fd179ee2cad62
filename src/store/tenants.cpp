#include "store/tenants.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "core/text.hpp"

namespace painel::store {

bool plan_exists(Conn& c, const std::string& plan) {
  return !c.query("SELECT 1 FROM plans WHERE name = ?", {plan}).empty();
}

std::string create_tenant(Conn& c, const NewTenant& t, int64_t now_ms) {
  std::string id = new_uuid();
  std::string now = format_rfc3339(now_ms);
  c.exec(
      "INSERT INTO tenants(id, name, name_search, cnpj, segment, plan, status, mrr_cents, "
      "created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)",
      {id, t.name, fold_for_search(t.name), opt(t.cnpj), t.segment, t.plan, t.status, now,
       now});
  int64_t mrr = recompute_tenant_mrr(c, id);
  c.exec(
      "INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, changed_at) "
      "VALUES (?,NULL,?,?,?)",
      {id, t.status, mrr, now});
  return id;
}

bool set_tenant_status(Conn& c, const std::string& tenant_id, const std::string& status,
                       int64_t now_ms) {
  auto old = tenant_status(c, tenant_id);
  if (!old) return false;
  std::string now = format_rfc3339(now_ms);
  c.exec("UPDATE tenants SET status = ?, updated_at = ? WHERE id = ?", {status, now, tenant_id});
  if (*old != status) {
    int64_t mrr = recompute_tenant_mrr(c, tenant_id);
    c.exec(
        "INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, "
        "changed_at) VALUES (?,?,?,?,?)",
        {tenant_id, *old, status, mrr, now});
  }
  return true;
}

void recount_tenant_children(Conn& c) {
  c.exec(
      "UPDATE tenants SET active_agents = (SELECT count(*) FROM tenant_agents ta WHERE "
      "ta.tenant_id = tenants.id AND ta.status = 'active'), user_count = (SELECT count(*) FROM "
      "tenant_users tu WHERE tu.tenant_id = tenants.id)");
}

int64_t recompute_tenant_mrr(Conn& c, const std::string& tenant_id) {
  auto r = c.query(
      "SELECT p.base_price_cents + coalesce((SELECT sum(a.monthly_price_cents) FROM tenant_agents "
      "ta JOIN agents a ON a.id = ta.agent_id WHERE ta.tenant_id = t.id AND ta.status = "
      "'active'), 0) FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?",
      {tenant_id});
  if (r.empty()) return 0;
  int64_t mrr = r[0].i64(0);
  auto cur = c.query("SELECT mrr_cents, status FROM tenants WHERE id = ?", {tenant_id});
  if (cur[0].i64(0) == mrr) return mrr;
  c.exec("UPDATE tenants SET mrr_cents = ? WHERE id = ?", {mrr, tenant_id});
  // Expansion/contraction is history too, so the revenue trend follows MRR exactly.
  if (!c.query("SELECT 1 FROM tenant_status_history WHERE tenant_id = ? LIMIT 1", {tenant_id})
           .empty())
    c.exec(
        "INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, "
        "changed_at) "
        "VALUES (?,?,?,?,?)",
        {tenant_id, cur[0].str(1), cur[0].str(1), mrr, format_rfc3339(wall_now_ms())});
  return mrr;
}

std::optional<std::string> tenant_status(Conn& c, const std::string& tenant_id) {
  auto r = c.query("SELECT status FROM tenants WHERE id = ?", {tenant_id});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

std::optional<std::string> status_before_suspension(Conn& c, const std::string& tenant_id) {
  auto r = c.query(
      "SELECT old_status FROM tenant_status_history WHERE tenant_id = ? AND new_status = "
      "'suspended' AND old_status IS NOT NULL AND old_status <> 'suspended' ORDER BY changed_at "
      "DESC, id DESC LIMIT 1",
      {tenant_id});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

std::string create_agent(Conn& c, const NewAgent& a, int64_t now_ms) {
  std::string id = new_uuid();
  c.exec(
      "INSERT INTO agents(id, slug, name, segment, subnucleus, description, monthly_price_cents, "
      "created_at) VALUES (?,?,?,?,?,?,?,?)",
      {id, a.slug, a.name, a.segment, a.subnucleus, a.description, a.monthly_price_cents,
       format_rfc3339(now_ms)});
  return id;
}

std::string contract_agent(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                           int64_t now_ms, const std::string& config_json) {
  std::string id = new_uuid();
  c.exec(
      "INSERT INTO tenant_agents(id, tenant_id, agent_id, status, config, activated_at) "
      "VALUES (?,?,?,'active',?,?)",
      {id, tenant_id, agent_id, config_json, format_rfc3339(now_ms)});
  recompute_tenant_mrr(c, tenant_id);
  return id;
}

}  // namespace painel::store
