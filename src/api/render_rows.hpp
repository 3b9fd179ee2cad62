#pragma once
// Renderers of store structs shared by the tenant and internal areas, so one object has
// one shape wherever it appears.
#include <string_view>

#include "core/json.hpp"
#include "domain/usage_math.hpp"
#include "store/agents.hpp"
#include "store/incidents.hpp"
#include "store/integrations.hpp"

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
    j.kv("last_error_at", i.last_error_at).kv("created_at", i.created_at).kv("updated_at", i.updated_at);
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
inline constexpr AgentShape kStaffAgent{"usage_stats", true, true};  // /internal/tenants/{id}/agents

inline void render_agent(JsonOut& j, const store::ContractedAgent& a, const AgentShape& shape) {
  j.begin_object()
      .kv("id", a.id)
      .kv("name", a.name)
      .kv("segment", a.segment)
      .kv("subnucleus", a.subnucleus)
      .kv("status", a.status);
  if (shape.config) j.key("config").raw(a.config);
  j.kv("activated_at", a.activated_at).kv("deactivated_at", a.deactivated_at);
  if (shape.staff) j.kv("restart_count", a.restart_count).key("monthly_price").money(a.monthly_price_cents);
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
