#include "store/tenants.hpp"

#include "core/ids.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domain/cnpj.hpp"
#include "store/usage_totals.hpp"

namespace painel::store {

namespace {
Value opt_int(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
std::optional<int64_t> opt_i64(const Row& r, size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.i64(i);
}

constexpr const char* kTenantLimits =
    "SELECT t.max_agents, t.max_users, t.max_requests_per_month, p.max_agents, p.max_users, "
    "p.max_requests_per_month FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?";
constexpr const char* kTenantSettings =
    "SELECT name, segment, plan, status, max_agents, max_users, max_requests_per_month, cnpj, "
    "mrr_cents, time_zone FROM tenants WHERE id = ?";
constexpr const char* kUpdateTenant =
    "UPDATE tenants SET name = ?, name_search = ?, segment = ?, plan = ?, max_agents = ?, "
    "max_users = ?, max_requests_per_month = ?, time_zone = ?, updated_at = ? WHERE id = ?";
}  // namespace

std::optional<domain::EffectiveLimits> tenant_limits(Conn& c, const std::string& tenant_id) {
  auto r = c.query(kTenantLimits, {tenant_id});
  if (r.empty()) return std::nullopt;
  domain::LimitOverrides o{opt_i64(r[0], 0), opt_i64(r[0], 1), opt_i64(r[0], 2)};
  return domain::effective_limits(o, {r[0].i64(3), r[0].i64(4), r[0].i64(5)});
}

std::optional<TenantSettings> tenant_settings(Conn& c, const std::string& tenant_id) {
  auto r = c.query(kTenantSettings, {tenant_id});
  if (r.empty()) return std::nullopt;
  return TenantSettings{r[0].str(0),
                        r[0].str(1),
                        r[0].str(2),
                        r[0].str(3),
                        {opt_i64(r[0], 4), opt_i64(r[0], 5), opt_i64(r[0], 6)},
                        r[0].str(9),
                        r[0].opt_str(7),
                        r[0].i64(8)};
}

bool update_tenant(Conn& c, const std::string& tenant_id, const TenantSettings& s, int64_t now_ms) {
  auto before = tenant_settings(c, tenant_id);
  if (!before) return false;
  c.exec(kUpdateTenant,
         {s.name, name_sort_key(s.name), s.segment, s.plan, opt_int(s.limits.max_agents),
          opt_int(s.limits.max_users), opt_int(s.limits.max_requests_per_month), s.time_zone,
          format_rfc3339(now_ms), tenant_id});
  if (before->plan != s.plan) recompute_tenant_mrr(c, tenant_id, now_ms);
  return true;
}

bool plan_exists(Conn& c, const std::string& plan) {
  return !c.query("SELECT 1 FROM plans WHERE name = ?", {plan}).empty();
}

std::string create_tenant(Conn& c, const NewTenant& t, int64_t now_ms) {
  std::string id = new_uuid();
  std::string now = format_rfc3339(now_ms);
  c.exec(
      "INSERT INTO tenants(id, name, name_search, cnpj, segment, plan, status, mrr_cents, "
      "created_at, updated_at, max_agents, max_users, max_requests_per_month, time_zone) "
      "VALUES (?,?,?,?,?,?,?,0,?,?,?,?,?,?)",
      {id, t.name, name_sort_key(t.name), opt(t.cnpj), t.segment, t.plan, t.status, now, now,
       opt_int(t.limits.max_agents), opt_int(t.limits.max_users),
       opt_int(t.limits.max_requests_per_month), t.time_zone});
  int64_t mrr = recompute_tenant_mrr(c, id, now_ms);
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
    int64_t mrr = recompute_tenant_mrr(c, tenant_id, now_ms);
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
      "tenant_users tu WHERE tu.tenant_id = tenants.id), active_users = (SELECT count(*) FROM "
      "tenant_users tu JOIN users u ON u.id = tu.user_id WHERE tu.tenant_id = tenants.id AND "
      "u.disabled = 0)");
}

int64_t recompute_tenant_mrr(Conn& c, const std::string& tenant_id, int64_t now_ms) {
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
        {tenant_id, cur[0].str(1), cur[0].str(1), mrr, format_rfc3339(now_ms)});
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
  insert_agent(c, id, a, format_rfc3339(now_ms));
  return id;
}

std::string contract_agent(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                           int64_t now_ms, const std::string& config_json) {
  std::string id = new_uuid();
  c.exec(
      "INSERT INTO tenant_agents(id, tenant_id, agent_id, status, config, activated_at) "
      "VALUES (?,?,?,'active',?,?)",
      {id, tenant_id, agent_id, config_json, format_rfc3339(now_ms)});
  recompute_tenant_mrr(c, tenant_id, now_ms);
  return id;
}

// --- Issue 14: statements moved here from jobs/command_effects, cli/admin and demo ---

namespace {
constexpr const char* kAnyTenant = "SELECT count(*) FROM tenants";
constexpr const char* kCnpjTaken = "SELECT 1 FROM tenants WHERE cnpj = ?";
constexpr const char* kLiveTenants =
    "SELECT id FROM tenants WHERE status IN ('active','trial') ORDER BY id";
constexpr const char* kFindPlan = "SELECT base_price_cents, max_agents FROM plans WHERE name = ?";
constexpr const char* kAgentBySlug = "SELECT id FROM agents WHERE slug = ?";
constexpr const char* kInsertAgent =
    "INSERT INTO agents(id, slug, name, name_sort, segment, subnucleus, description, "
    "monthly_price_cents, created_at) VALUES (?,?,?,?,?,?,?,?,?)";
constexpr const char* kContractState =
    "SELECT status, restart_count FROM tenant_agents WHERE id = ?";
constexpr const char* kRestartContract =
    "UPDATE tenant_agents SET status = 'active', deactivated_at = NULL, "
    "restart_count = restart_count + 1, last_restart_at = ? WHERE id = ?";
constexpr const char* kActivateContract =
    "UPDATE tenant_agents SET status = 'active', deactivated_at = NULL WHERE id = ?";
constexpr const char* kDeactivateContract =
    "UPDATE tenant_agents SET status = 'inactive', deactivated_at = ? WHERE id = ?";
constexpr const char* kSetContractRestarts =
    "UPDATE tenant_agents SET restart_count = ?, last_restart_at = ? WHERE id = ?";
constexpr const char* kFindIntegration =
    "SELECT name, type, status, credential_sealed IS NOT NULL FROM tenant_integrations "
    "WHERE id = ? AND tenant_id = ?";
constexpr const char* kTenantIntegrations =
    "SELECT id, type, name, status, last_error, last_sync_at FROM tenant_integrations "
    "WHERE tenant_id = ? ORDER BY type, id";
constexpr const char* kClearCredential =
    "UPDATE tenant_integrations SET credential_sealed = NULL, credentials_key_id = NULL, "
    "status = 'inactive', last_error = 'reconnect required', last_error_at = ?, updated_at = ? "
    "WHERE id = ? AND tenant_id = ?";
}  // namespace

bool any_tenant(Conn& c) { return c.query(kAnyTenant)[0].i64(0) > 0; }

bool cnpj_taken(Conn& c, const std::string& cnpj) { return !c.query(kCnpjTaken, {cnpj}).empty(); }

std::vector<std::string> live_tenant_ids(Conn& c) {
  std::vector<std::string> out;
  c.each(kLiveTenants, {}, [&](const Row& r) { out.push_back(r.str(0)); });
  return out;
}

std::optional<PlanLimits> find_plan(Conn& c, const std::string& plan) {
  auto r = c.query(kFindPlan, {plan});
  if (r.empty()) return std::nullopt;
  return PlanLimits{r[0].i64(0), r[0].i64(1)};
}

std::optional<std::string> find_agent_by_slug(Conn& c, const std::string& slug) {
  auto r = c.query(kAgentBySlug, {slug});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

void insert_agent(Conn& c, const std::string& id, const NewAgent& a,
                  const std::string& created_at) {
  c.exec(kInsertAgent, {id, a.slug, a.name, name_sort_key(a.name), a.segment, a.subnucleus,
                        a.description, a.monthly_price_cents, created_at});
}

std::optional<ContractState> contract_state(Conn& c, const std::string& contract_id) {
  auto r = c.query(kContractState, {contract_id});
  if (r.empty()) return std::nullopt;
  return ContractState{r[0].str(0), r[0].i64(1)};
}

void restart_contract(Conn& c, const std::string& contract_id, int64_t now_ms) {
  c.exec(kRestartContract, {format_rfc3339(now_ms), contract_id});
}

void activate_contract(Conn& c, const std::string& contract_id) {
  c.exec(kActivateContract, {contract_id});
}

void deactivate_contract(Conn& c, const std::string& contract_id, int64_t now_ms) {
  c.exec(kDeactivateContract, {format_rfc3339(now_ms), contract_id});
}

void set_contract_restarts(Conn& c, const std::string& contract_id, int64_t count,
                           const std::string& last_restart_at) {
  c.exec(kSetContractRestarts, {count, last_restart_at, contract_id});
}

std::optional<TenantIntegration> find_tenant_integration(Conn& c, const std::string& tenant_id,
                                                         const std::string& integration_id) {
  auto r = c.query(kFindIntegration, {integration_id, tenant_id});
  if (r.empty()) return std::nullopt;
  TenantIntegration g;
  g.id = integration_id;
  g.name = r[0].str(0);
  g.type = r[0].str(1);
  g.status = r[0].str(2);
  g.has_credential = r[0].i64(3) != 0;
  return g;
}

std::vector<TenantIntegration> tenant_integrations(Conn& c, const std::string& tenant_id) {
  std::vector<TenantIntegration> out;
  c.each(kTenantIntegrations, {tenant_id}, [&](const Row& r) {
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.opt_str(4), r.opt_str(5)});
  });
  return out;
}

void clear_integration_credential(Conn& c, const std::string& tenant_id,
                                  const std::string& integration_id, int64_t now_ms) {
  std::string now = format_rfc3339(now_ms);
  c.exec(kClearCredential, {now, now, integration_id, tenant_id});
}

// --- Tenant reads for the API ---

namespace {

// A scalar expression over the outer query's tenant `t`: its users that are not disabled.
constexpr const char* kTenantOverview =
    "SELECT t.id, t.name, t.cnpj, t.segment, t.plan, t.status, t.mrr_cents, t.created_at, "
    "t.updated_at, t.time_zone, t.active_agents, t.active_users FROM tenants t WHERE t.id = ?";

constexpr const char* kTenantRecord =
    "SELECT t.id, t.name, t.cnpj, t.segment, t.plan, t.status, t.mrr_cents, t.created_at, "
    "t.updated_at, t.time_zone FROM tenants t WHERE t.id = ?";

constexpr const char* kTenantMembers =
    "SELECT u.id, u.email, u.full_name, tu.role, u.last_login_at FROM tenant_users tu JOIN "
    "users u ON u.id = tu.user_id WHERE tu.tenant_id = ? ORDER BY u.full_name_sort, u.full_name, "
    "u.id";

// The 30-day request figure comes from the running totals (store/usage_totals.hpp): two
// index seeks per tenant instead of a sum over a month of daily rows; its parameter is the
// last day not counted (today - 30). active_agents and active_users are kept on the row by
// triggers (migrations 6 and 10).
const std::string kListColumns =
    "t.id, t.name, t.cnpj, t.segment, t.plan, t.status, t.mrr_cents, t.created_at, "
    "t.active_agents, t.active_users, " +
    requests_after_day_sql("t.id");
constexpr const char* kListFrom = "FROM tenants t";
constexpr const char* kListStatus = "t.status = ?";
constexpr const char* kListPlan = "t.plan = ?";
constexpr const char* kListSegment = "t.segment = ?";
constexpr const char* kListSearchName = "t.name_search LIKE ? ESCAPE '\\'";
constexpr const char* kListSearchNameOrCnpj = "(t.name_search LIKE ? ESCAPE '\\' OR t.cnpj LIKE ?)";

constexpr const char* kTenantCounts =
    "SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM tenants WHERE status = "
    "'active'), (SELECT count(*) FROM tenant_agents WHERE status = 'active')";

TenantRecord record_of(const Row& r) {
  return {r.str(0), r.str(1), r.opt_str(2), r.str(3), r.str(4),
          r.str(5), r.i64(6), r.str(7),     r.str(8), r.str(9)};
}

std::string like_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') o.push_back('\\');
    o.push_back(c);
  }
  return o;
}

// Whitelisted columns only; ties broken by id for a stable order across pages.
const char* list_order(TenantListQuery::SortBy by, bool asc) {
  using S = TenantListQuery::SortBy;
  switch (by) {
    case S::Name:
      return asc ? "t.name_search ASC, t.name ASC, t.id ASC"
                 : "t.name_search DESC, t.name DESC, t.id DESC";
    case S::CreatedAt:
      return asc ? "t.created_at ASC, t.id ASC" : "t.created_at DESC, t.id DESC";
    case S::Mrr:
      break;
  }
  return asc ? "t.mrr_cents ASC, t.id ASC" : "t.mrr_cents DESC, t.id DESC";
}

}  // namespace

std::optional<TenantOverview> tenant_overview(Conn& c, const TenantScope& s) {
  auto r = c.query(kTenantOverview, {s.tenant_id()});
  if (r.empty()) return std::nullopt;
  auto& t = r[0];
  auto l = tenant_limits(c, s.tenant_id()).value_or(domain::EffectiveLimits{});
  return TenantOverview{record_of(t), l.max_agents, l.max_users, l.max_requests_per_month,
                        t.i64(10),    t.i64(11)};
}

std::optional<TenantRecord> tenant_record(Conn& c, const TenantScope& s) {
  auto r = c.query(kTenantRecord, {s.tenant_id()});
  if (r.empty()) return std::nullopt;
  return record_of(r[0]);
}

std::vector<TenantMember> tenant_members(Conn& c, const TenantScope& s) {
  std::vector<TenantMember> out;
  for (auto& r : c.query(kTenantMembers, {s.tenant_id()}))
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.opt_str(4)});
  return out;
}

int64_t list_tenants(Conn& c, const TenantListQuery& q, int64_t today,
                     const std::function<void(const TenantListItem&)>& fn) {
  PagedQuery pq(kListFrom);
  if (q.status) pq.where(kListStatus, *q.status);
  if (q.plan) pq.where(kListPlan, *q.plan);
  if (q.segment) pq.where(kListSegment, *q.segment);
  if (q.search) {
    std::string name = "%" + like_escape(fold_for_search(*q.search)) + "%";
    std::string digits = domain::digits_only(*q.search);
    if (digits.size() >= 2)
      pq.where(kListSearchNameOrCnpj, Params{name, "%" + digits + "%"});
    else
      pq.where(kListSearchName, name);
  }
  int64_t total = pq.count(c);
  pq.each_view(c, kListColumns, {format_day(today - 30)}, list_order(q.sort_by, q.ascending),
               q.page, [&](const RowView& r) {  // read in place: no Row per tenant
                 TenantListItem t;
                 t.id = r.text(0);
                 t.name = r.text(1);
                 if (!r.is_null(2)) t.cnpj = r.text(2);
                 t.segment = r.text(3);
                 t.plan = r.text(4);
                 t.status = r.text(5);
                 t.mrr_cents = r.i64(6);
                 t.created_at = r.text(7);
                 t.active_agents = r.i64(8);
                 t.active_users = r.i64(9);
                 t.requests_last_30_days = r.i64(10);
                 fn(t);
               });
  return total;
}

TenantCounts tenant_counts(Conn& c) {
  auto r = c.query(kTenantCounts)[0];
  return {r.i64(0), r.i64(1), r.i64(2)};
}

TimeZone tenant_time_zone(Conn& c, const TenantScope& s) {
  Rows r = c.query("SELECT time_zone FROM tenants WHERE id = ?", {s.tenant_id()});
  if (r.empty()) return TimeZone::default_zone();
  return TimeZone::find_or_default(r[0].text(0));
}

}  // namespace painel::store
