#pragma once
// Renderers of store structs shared by the tenant and internal areas, so one object has
// one shape wherever it appears.
#include <iterator>
#include <string_view>

#include "core/json.hpp"
#include "domain/tenants.hpp"
#include "domain/usage_math.hpp"
#include "store/agents.hpp"
#include "store/audit.hpp"
#include "store/incidents.hpp"
#include "store/integrations.hpp"
#include "store/tenant_scope.hpp"

namespace painel::api {

// The tenant fields /tenant/me, the tenants list and the tenant detail show, in that
// order. Leaves the object open. T is a store::TenantRecord or a store::TenantListItem.
template <class T>
void begin_tenant(JsonOut& j, const T& t) {
  j.begin_object()
      .kv("id", t.id)
      .kv("name", t.name)
      .kv("cnpj", t.cnpj)
      .kv("segment", t.segment)
      .kv("plan", t.plan)
      .kv("status", t.status)
      .key("mrr_estimate")
      .money(t.mrr_cents);
}

// One audit row as GET /internal/audit and the LGPD export show it.
inline void render_audit_event(JsonOut& j, const store::AuditRow& e) {
  j.begin_object()
      .kv("id", e.id)
      .kv("created_at", e.created_at)
      .kv("actor", e.actor)
      .kv("role", e.role)
      .kv("action", e.action)
      .kv("tenant_id", e.tenant_id)
      .kv("target", e.target)
      .kv("request_id", e.request_id)
      .kv("ip", e.ip)
      .key("metadata")
      .raw(e.metadata)
      .end_object();
}

// "limits": the limits in force (store::tenant_limits), in /tenant/me and the tenant detail.
inline void render_limits(JsonOut& j, const domain::EffectiveLimits& l) {
  j.key("limits")
      .begin_object()
      .kv("max_agents", l.max_agents)
      .kv("max_users", l.max_users)
      .kv("max_requests_per_month", l.max_requests_per_month)
      .end_object();
}

// "limit_overrides": the tenant's own limits, null where the plan's apply.
inline void render_limit_overrides(JsonOut& j, const domain::LimitOverrides& o) {
  j.key("limit_overrides").begin_object();
  for (size_t i = 0; i < std::size(domain::kTenantLimits); ++i) {
    j.key(domain::kTenantLimits[i].name);
    if (auto v = o.at(i))
      j.num(*v);
    else
      j.null();
  }
  j.end_object();
}

// GET /internal/tenants/{id}, and the answer of the tenant writes (routes_admin_tenants.cpp).
std::string render_tenant_detail(store::Conn& c, const store::TenantScope& s, int64_t today);

// The list's fields; `written` (the answer of a write) adds config, last_error_at and the
// times. Credentials are never rendered, only whether there are some.
inline void render_integration(JsonOut& j, const store::Integration& i, bool show_errors,
                               bool written = false) {
  j.begin_object()
      .kv("id", i.id)
      .kv("type", i.type)
      .kv("name", i.name)
      .kv("status", i.status)
      .kv("last_sync_at", i.last_sync_at);
  if (show_errors) j.kv("last_error", i.last_error);
  j.kv("has_credentials", i.has_credentials);
  if (written) {
    j.key("config");
    if (i.config)
      j.raw(*i.config);
    else
      j.null();
    j.kv("last_error_at", i.last_error_at)
        .kv("created_at", i.created_at)
        .kv("updated_at", i.updated_at);
  }
  j.end_object();
}

inline void render_incident(JsonOut& j, const store::Incident& i) {
  j.begin_object()
      .kv("id", i.id)
      .kv("severity", i.severity)
      .kv("title", i.title)
      .kv("description", i.description)
      .kv("status", i.status)
      .kv("created_at", i.created_at)
      .kv("resolved_at", i.resolved_at)
      .end_object();
}

// An incident as the staff see it (/internal/incidents*, `painel incidents --json`).
inline void render_staff_incident(JsonOut& j, const store::StaffIncident& i) {
  j.begin_object()
      .kv("id", i.id)
      .kv("tenant_id", i.tenant_id)
      .kv("tenant_name", i.tenant_name)
      .kv("severity", i.severity)
      .kv("title", i.title)
      .kv("description", i.description)
      .kv("status", i.status)
      .kv("source", i.source)
      .kv("created_at", i.created_at)
      .kv("resolved_at", i.resolved_at)
      .kv("resolved_by", i.resolved_by)
      .end_object();
}

// The fields of a contracted agent each route shows. The usage object's key differs by
// route in the original API contract (../shared/spec/API.md: `usage_last_30_days` in
// /tenant/agents and the tenant detail, `usage_stats` in /internal/tenants/{id}/agents),
// so it is a parameter of the one renderer rather than a second copy of it.
struct AgentShape {
  std::string_view usage_key;
  bool staff;   // restart_count, monthly_price and the usage's last_request_at
  bool config;  // the contract's configuration
};
inline constexpr AgentShape kTenantAgent{"usage_last_30_days", false, false};   // /tenant/agents
inline constexpr AgentShape kStaffAgentRow{"usage_last_30_days", true, false};  // tenant detail
inline constexpr AgentShape kStaffAgent{"usage_stats", true,
                                        true};  // /internal/tenants/{id}/agents

inline void render_agent(JsonOut& j, const store::ContractedAgent& a, const AgentShape& shape) {
  j.begin_object()
      .kv("id", a.id)
      .kv("name", a.name)
      .kv("segment", a.segment)
      .kv("subnucleus", a.subnucleus)
      .kv("status", a.status);
  if (shape.config) j.key("config").raw(a.config);
  j.kv("activated_at", a.activated_at).kv("deactivated_at", a.deactivated_at);
  if (shape.staff)
    j.kv("restart_count", a.restart_count).key("monthly_price").money(a.monthly_price_cents);
  const auto& u = a.usage;
  j.key(shape.usage_key)
      .begin_object()
      .kv("total_requests", u.total)
      .key("success_rate")
      .fixed1(domain::success_rate(u.successful, u.total))
      .kv("avg_response_time_ms", domain::weighted_avg_ms(u.sum_response_ms, u.total));
  if (shape.staff) j.kv("last_request_at", a.last_request_at);
  j.end_object().end_object();
}

}  // namespace painel::api
