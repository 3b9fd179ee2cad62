#pragma once
// Tenants, the agent catalog and contracts, integrations: writes used by the CLI, demo
// data and commands; the tenant reads of the API (list, detail, /tenant/me, counts).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_zone.hpp"
#include "domain/tenants.hpp"
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
  domain::LimitOverrides limits;            // nullopt: the plan's
  std::string time_zone{kDefaultTimeZone};  // IANA name, validated by the caller
};

bool plan_exists(Conn& c, const std::string& plan);
// Inserts the tenant and its first status-history row; returns the new id.
std::string create_tenant(Conn& c, const NewTenant& t, int64_t now_ms);
// Changes status (recording history). Returns false if the tenant does not exist.
bool set_tenant_status(Conn& c, const std::string& tenant_id, const std::string& status,
                       int64_t now_ms);
// Sets every tenant's active_agents, user_count and active_users from its rows. Triggers keep them
// (migrations 6, 10); this is for a bulk load whose inserts fired them on pre-filled counts.
void recount_tenant_children(Conn& c);

// The one source of a tenant's MRR: recomputes mrr_cents = plan base price + active
// contracted agents' prices, and when it changed records it in tenant_status_history (a
// same-status row at now_ms) so the billing trend, new and churned MRR follow it exactly.
// Every write that can move it (contracts, plan, creation, status) calls this.
int64_t recompute_tenant_mrr(Conn& c, const std::string& tenant_id, int64_t now_ms);

// The limits in force for a tenant (its overrides, else its plan's): the one reader of
// limits (/tenant/me, /internal/tenants/{id}, contracts' max_agents, users' max_users).
std::optional<domain::EffectiveLimits> tenant_limits(Conn& c, const std::string& tenant_id);

// What an operator edits (PATCH /internal/tenants/{id}, `painel tenants update`).
struct TenantSettings {
  std::string name, segment, plan, status;
  domain::LimitOverrides limits;
  std::string time_zone;            // IANA name, validated by the caller
  std::optional<std::string> cnpj;  // read only, like
  int64_t mrr_cents = 0;            // this
};
std::optional<TenantSettings> tenant_settings(Conn& c, const std::string& tenant_id);
// Writes name, segment, plan, time zone and limit overrides (status is the commands'); a plan
// change recomputes the MRR from now_ms on. False when the tenant does not exist.
bool update_tenant(Conn& c, const std::string& tenant_id, const TenantSettings& s, int64_t now_ms);
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

// --- Issue 14: statements moved here from jobs/command_effects, cli/admin and demo ---

bool any_tenant(Conn& c);
bool cnpj_taken(Conn& c, const std::string& cnpj);
// Ids of the tenants in service (active or trial), ascending.
std::vector<std::string> live_tenant_ids(Conn& c);

struct PlanLimits {
  int64_t base_price_cents = 0;
  int64_t max_agents = 0;
};
std::optional<PlanLimits> find_plan(Conn& c, const std::string& plan);

std::optional<std::string> find_agent_by_slug(Conn& c, const std::string& slug);
// create_agent with the caller's id and creation instant (RFC 3339 text), for loaders
// that decide both (demo data).
void insert_agent(Conn& c, const std::string& id, const NewAgent& a, const std::string& created_at);

struct ContractState {
  std::string status;
  int64_t restart_count = 0;
};
std::optional<ContractState> contract_state(Conn& c, const std::string& contract_id);
// RESTART_AGENT: active again, one more restart at now_ms.
void restart_contract(Conn& c, const std::string& contract_id, int64_t now_ms);
void activate_contract(Conn& c, const std::string& contract_id);
void deactivate_contract(Conn& c, const std::string& contract_id, int64_t now_ms);
// Sets the restart counters outright (demo data: restarts the command history implies).
void set_contract_restarts(Conn& c, const std::string& contract_id, int64_t count,
                           const std::string& last_restart_at);

struct TenantIntegration {
  std::string id, type, name, status;
  std::optional<std::string> last_error, last_sync_at;
  bool has_credential = false;
};
// The integration if it belongs to the tenant.
std::optional<TenantIntegration> find_tenant_integration(Conn& c, const std::string& tenant_id,
                                                         const std::string& integration_id);
// A tenant's integrations by type, then id.
std::vector<TenantIntegration> tenant_integrations(Conn& c, const std::string& tenant_id);
// Forgets the stored credential: inactive, "reconnect required" (RESET_TOKEN).
void clear_integration_credential(Conn& c, const std::string& tenant_id,
                                  const std::string& integration_id, int64_t now_ms);

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
  std::string time_zone;  // IANA name of the tenant's zone (migration 24)
};

// /tenant/me: the tenant, its plan's limits and its counts.
struct TenantOverview {
  TenantRecord tenant;
  int64_t max_agents = 0, max_users = 0, max_requests_per_month = 0;
  int64_t active_agents = 0, active_users = 0;
};
std::optional<TenantOverview> tenant_overview(Conn& c, const TenantScope& s);
// The tenant's time zone (its daily usage rows are days of it), or the default zone when
// the tenant is gone or its stored name is no longer in the tz database.
TimeZone tenant_time_zone(Conn& c, const TenantScope& s);

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
  std::optional<std::string> status;  // nullopt: every status
  std::optional<std::string> plan, segment;
  std::optional<std::string> search;  // name (accent- and case-folded) or CNPJ digits
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
