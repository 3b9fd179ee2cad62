#pragma once
// Tenants, the agent catalog and contracts, integrations: writes used by the CLI, demo
// data and commands; the tenant reads of the API (list, detail, /tenant/me, counts).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct NewTenant {
  std::string name;
  std::optional<std::string> cnpj;  // 14 digits, validated by the caller
  std::string segment = "outros";
  std::string plan = "starter";
  std::string status = "trial";
};

bool plan_exists(Conn& c, const std::string& plan);
// Inserts the tenant and its first status-history row; returns the new id.
std::string create_tenant(Conn& c, const NewTenant& t, int64_t now_ms);
// Changes status (recording history). Returns false if the tenant does not exist.
bool set_tenant_status(Conn& c, const std::string& tenant_id, const std::string& status,
                       int64_t now_ms);
// Recomputes mrr_cents = plan base price + active contracted agents' prices.
// Sets every tenant's active_agents, user_count and active_users from its rows. Triggers keep them
// (migrations 6, 10); this is for a bulk load whose inserts fired them on pre-filled counts.
void recount_tenant_children(Conn& c);

int64_t recompute_tenant_mrr(Conn& c, const std::string& tenant_id);
std::optional<std::string> tenant_status(Conn& c, const std::string& tenant_id);
// The status the tenant had when it was last suspended (tenant_status_history), or nullopt
// when no suspension is recorded.
std::optional<std::string> status_before_suspension(Conn& c, const std::string& tenant_id);

struct NewAgent {
  std::string slug, name, segment, subnucleus, description;
  int64_t monthly_price_cents = 0;
};
std::string create_agent(Conn& c, const NewAgent& a, int64_t now_ms);
std::string contract_agent(Conn& c, const std::string& tenant_id, const std::string& agent_id,
                           int64_t now_ms, const std::string& config_json = "{}");

// --- Tenant reads for the API (/tenant/me, /internal/tenants*, usage overview) ---
//
// "active_users" means one thing everywhere: the tenant's users that are not disabled.
// "active_agents" is the tenant's contracts with status 'active' (tenants.active_agents,
// kept by triggers).

// The tenant row shared by the list, the detail and /tenant/me.
struct TenantRecord {
  std::string id, name;
  std::optional<std::string> cnpj;
  std::string segment, plan, status;
  int64_t mrr_cents = 0;
  std::string created_at, updated_at;
};

// /tenant/me: the tenant, its plan's limits and its counts.
struct TenantOverview {
  TenantRecord tenant;
  int64_t max_agents = 0, max_users = 0, max_requests_per_month = 0;
  int64_t active_agents = 0, active_users = 0;
};
std::optional<TenantOverview> tenant_overview(Conn& c, const TenantScope& s);

// /internal/tenants/{id}: the tenant row.
std::optional<TenantRecord> tenant_record(Conn& c, const TenantScope& s);

struct TenantMember {
  std::string id, email, full_name, role;
  std::optional<std::string> last_login_at;
};
// The tenant's users, by full name then id.
std::vector<TenantMember> tenant_members(Conn& c, const TenantScope& s);

// /internal/tenants: filters, order and page.
struct TenantListQuery {
  std::optional<std::string> status;   // nullopt: every status
  std::optional<std::string> plan, segment;
  std::optional<std::string> search;    // name (accent- and case-folded) or CNPJ digits
  enum class SortBy { Name, CreatedAt, Mrr } sort_by = SortBy::Name;
  bool ascending = true;
  PageRequest page;
};
// One listed tenant, read in place: the views are valid only during the callback.
struct TenantListItem {
  std::string_view id, name;
  std::optional<std::string_view> cnpj;
  std::string_view segment, plan, status, created_at;
  int64_t mrr_cents = 0, active_agents = 0, active_users = 0, requests_last_30_days = 0;
};
// Streams the page to `fn` (no allocation per row) and returns the number of tenants
// matching the filters. `today` anchors requests_last_30_days (the 30 days up to today).
int64_t list_tenants(Conn& c, const TenantListQuery& q, int64_t today,
                     const std::function<void(const TenantListItem&)>& fn);

// Platform-wide counts for /internal/usage/overview.
struct TenantCounts {
  int64_t tenants = 0, active_tenants = 0, agents_deployed = 0;
};
TenantCounts tenant_counts(Conn& c);

}  // namespace painel::store
