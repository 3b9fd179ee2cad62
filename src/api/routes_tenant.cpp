// /tenant/* — the customer area. All four groups; the tenant comes from resolve_scope().
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/render_usage.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "store/store.hpp"
#include "store/usage_reads.hpp"

namespace painel::api {
namespace {

using store::TenantScope;
using store::Conn;

constexpr const char* kTenantMe =
    "SELECT t.id, t.name, t.cnpj, t.segment, t.plan, t.status, t.mrr_cents, t.created_at, "
    "p.max_agents, p.max_users, p.max_requests_per_month, "
    "(SELECT count(*) FROM tenant_agents ta WHERE ta.tenant_id = t.id AND ta.status = 'active'), "
    "(SELECT count(*) FROM tenant_users tu JOIN users u ON u.id = tu.user_id "
    "   WHERE tu.tenant_id = t.id AND u.disabled = 0) "
    "FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?";

constexpr const char* kTenantAgents =
    "SELECT a.id, a.name, a.segment, a.subnucleus, ta.status, ta.activated_at, ta.deactivated_at "
    "FROM tenant_agents ta JOIN agents a ON a.id = ta.agent_id WHERE ta.tenant_id = ? "
    "AND (? = 'all' OR ta.status = ?) ORDER BY a.name, a.id";

constexpr const char* kIncidents =
    "SELECT id, severity, title, description, status, created_at, resolved_at FROM incidents "
    "WHERE tenant_id = ? AND (? = '' OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ? "
    "OFFSET ?";
constexpr const char* kIncidentsCount =
    "SELECT count(*) FROM incidents WHERE tenant_id = ? AND (? = '' OR status = ?)";

std::string render_me(Conn& c, const TenantScope& s, int64_t today) {
  auto r = c.query(kTenantMe, {s.tenant_id()});
  if (r.empty()) throw not_found("tenant not found");
  auto& t = r[0];
  std::string month_start = format_day(today).substr(0, 8) + "01";
  auto ms = parse_day(month_start);
  auto sums = store::tenant_usage_sums(c, s, *ms, today);
  JsonOut j;
  j.begin_object()
      .kv("id", t.str(0))
      .kv("name", t.str(1))
      .kv("cnpj", t.opt_str(2))
      .kv("segment", t.str(3))
      .kv("plan", t.str(4))
      .kv("status", t.str(5))
      .key("mrr_estimate")
      .money(t.i64(6))
      .kv("created_at", t.str(7))
      .key("limits")
      .begin_object()
      .kv("max_agents", t.i64(8))
      .kv("max_users", t.i64(9))
      .kv("max_requests_per_month", t.i64(10))
      .end_object()
      .key("usage")
      .begin_object()
      .kv("active_agents", t.i64(11))
      .kv("active_users", t.i64(12))
      .kv("requests_this_month", sums.total)
      .end_object()
      .end_object();
  return j.take();
}

std::string render_agents(Conn& c, const TenantScope& s, const std::string& status, int64_t today) {
  auto usage = store::tenant_usage_by_agent(c, s, today - 29, today);
  JsonOut j;
  j.begin_object().key("agents").begin_array();
  for (auto& r : c.query(kTenantAgents, {s.tenant_id(), status, status})) {
    domain::UsageSums u;
    for (auto& a : usage)
      if (a.agent_id == r.str(0)) u = a.sums;
    j.begin_object()
        .kv("id", r.str(0))
        .kv("name", r.str(1))
        .kv("segment", r.str(2))
        .kv("subnucleus", r.str(3))
        .kv("status", r.str(4))
        .kv("activated_at", r.str(5))
        .kv("deactivated_at", r.opt_str(6))
        .key("usage_last_30_days");
    render_usage_stats(j, u);
    j.end_object();
  }
  j.end_array().end_object();
  return j.take();
}

std::string render_integrations(Conn& c, const TenantScope& s, bool show_errors) {
  JsonOut j;
  j.begin_object().key("integrations").begin_array();
  for (auto& r : c.query(kIntegrationsOfTenant, {s.tenant_id()}))
    render_integration(j, r, show_errors);
  j.end_array().end_object();
  return j.take();
}

std::string render_usage(Conn& c, const TenantScope& s, const Period& per,
                         const std::optional<std::string>& agent_id, bool costs) {
  if (agent_id && c.query("SELECT 1 FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?",
                          {s.tenant_id(), *agent_id})
                      .empty())
    throw not_found("agent not found");
  auto report = store::tenant_usage_report(c, s, per.from_day, per.to_day, agent_id);
  const auto& sums = report.total;
  JsonOut j;
  period_fields(j.begin_object(), per)
      .key("summary")
      .begin_object()
      .kv("total_requests", sums.total)
      .kv("successful_requests", sums.successful)
      .kv("failed_requests", sums.failed)
      .key("success_rate")
      .fixed1(domain::success_rate(sums.successful, sums.total))
      .kv("avg_response_time_ms", domain::weighted_avg_ms(sums.sum_response_ms, sums.total))
      .kv("total_tokens", sums.tokens);
  if (costs) j.key("cost").money(sums.cost_cents);
  j.end_object().key("daily_data").begin_array();
  for (int64_t d = per.from_day; d <= per.to_day; ++d) {
    const auto& u = report.by_day[static_cast<size_t>(d - per.from_day)];
    j.begin_object()
        .kv("date", format_day(d))
        .kv("total_requests", u.total)
        .kv("successful_requests", u.successful)
        .kv("failed_requests", u.failed)
        .kv("avg_response_time_ms", domain::weighted_avg_ms(u.sum_response_ms, u.total));
    if (costs) j.key("cost").money(u.cost_cents);
    j.end_object();
  }
  j.end_array().key("by_agent").begin_array();
  for (auto& a : report.by_agent) {
    j.begin_object()
        .kv("agent_id", a.agent_id)
        .kv("agent_name", a.agent_name)
        .kv("total_requests", a.sums.total)
        .key("success_rate")
        .fixed1(domain::success_rate(a.sums.successful, a.sums.total));
    if (costs) j.key("cost").money(a.sums.cost_cents);
    j.end_object();
  }
  j.end_array().end_object();
  return j.take();
}

std::string render_incidents(Conn& c, const TenantScope& s, const std::string& status, Page pg) {
  int64_t total = c.query(kIncidentsCount, {s.tenant_id(), status, status})[0].i64(0);
  JsonOut j;
  j.begin_object().key("incidents").begin_array();
  for (auto& r : c.query(kIncidents, {s.tenant_id(), status, status, pg.limit, pg.offset}))
    render_incident(j, r);
  page_fields(j.end_array(), total, pg).end_object();
  return j.take();
}

}  // namespace

void add_tenant_routes(http::Router& router, const ReadDeps& d) {
  using http::Access;
  constexpr http::RouteFlags kRead{.cache = http::CacheScope::Tenant, .may_inline = true};
  constexpr unsigned kAll = auth::kAllGroups;
  constexpr size_t kNoBody = 16 * 1024;
  router.add(
      {"GET", "/tenant/me", Access::User, kAll, kNoBody, kRead, [d](http::RouteContext& ctx) {
         auto s = resolve_scope(d, ctx);
         int64_t today = today_utc(d.clock);
         return d.reads.json(ctx, s.tenant_id(),
                             [&] { return render_me(d.store.conn(), s, today); });
       }});
  router.add(
      {"GET", "/tenant/agents", Access::User, kAll, kNoBody, kRead, [d](http::RouteContext& ctx) {
         auto s = resolve_scope(d, ctx);
         auto status = parse_enum(ctx.req, "status", {"active", "inactive", "all"}, "active");
         int64_t today = today_utc(d.clock);
         return d.reads.json(ctx, s.tenant_id(),
                             [&] { return render_agents(d.store.conn(), s, status, today); });
       }});
  router.add({"GET", "/tenant/integrations", Access::User, kAll, kNoBody, kRead,
              [d](http::RouteContext& ctx) {
                auto s = resolve_scope(d, ctx);
                bool errors = ctx.who().role != auth::kTenantUser;
                return d.reads.json(ctx, s.tenant_id(),
                                    [&] { return render_integrations(d.store.conn(), s, errors); });
              }});
  router.add(
      {"GET", "/tenant/usage", Access::User, kAll, kNoBody, kRead, [d](http::RouteContext& ctx) {
         auto s = resolve_scope(d, ctx);
         auto per = parse_period(ctx.req, today_utc(d.clock));
         auto agent = parse_opt_uuid(ctx.req, "agent_id");
         bool costs = ctx.who().can_see_costs();
         return d.reads.json(ctx, s.tenant_id(),
                             [&] { return render_usage(d.store.conn(), s, per, agent, costs); });
       }});
  router.add({"GET", "/tenant/incidents", Access::User, kAll, kNoBody, kRead,
              [d](http::RouteContext& ctx) {
                auto s = resolve_scope(d, ctx);
                auto status = parse_enum(ctx.req, "status", {"open", "resolved", "all"}, "all");
                if (status == "all") status.clear();
                auto pg = parse_page(ctx.req, 20);
                return d.reads.json(ctx, s.tenant_id(), [&] {
                  return render_incidents(d.store.conn(), s, status, pg);
                });
              }});
}

}  // namespace painel::api
