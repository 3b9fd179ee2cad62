// /internal/tenants*, /internal/usage/overview — the staff area (INTERNAL_ADMIN and
// INTERNAL_SUPPORT). Billing lives in routes_billing.cpp.
#include <limits>
#include <memory>

#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/csv_export.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "domain/plans.hpp"
#include "domain/users.hpp"
#include "store/agents.hpp"
#include "store/commands.hpp"
#include "store/incidents.hpp"
#include "store/integrations.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"
#include "store/usage_reads.hpp"

namespace painel::api {
namespace {

using store::Conn;

store::TenantListQuery parse_tenant_list(const http::Request& req) {
  store::TenantListQuery q;
  q.status =
      parse_enum(req, "status", {"active", "trial", "suspended", "inactive", "all"}, "active");
  if (q.status == "all") q.status.reset();
  // Any plan name, as the original's filter took it: an unknown one matches no tenant.
  q.plan = parse_opt_text(req, "plan", domain::kPlanNameMax);
  q.segment = parse_opt_text(req, "segment", 50);
  q.search = parse_opt_text(req, "search", 100);
  auto sort_by = parse_enum(req, "sort_by", {"name", "created_at", "mrr_estimate"}, "name");
  using S = store::TenantListQuery::SortBy;
  q.sort_by = sort_by == "name" ? S::Name : sort_by == "created_at" ? S::CreatedAt : S::Mrr;
  q.ascending =
      parse_enum(req, "sort_order", {"asc", "desc"}, sort_by == "name" ? "asc" : "desc") == "asc";
  auto pg = parse_page(req);
  q.page = {pg.limit, pg.offset};
  return q;
}

std::string render_tenant_list(Conn& c, const store::TenantListQuery& q, int64_t today) {
  JsonOut j;
  j.begin_object().key("tenants").begin_array();
  int64_t total = store::list_tenants(c, q, today, [&](const store::TenantListItem& t) {
    begin_tenant(j, t);
    j.kv("active_agents", t.active_agents)
        .kv("active_users", t.active_users)
        .kv("requests_last_30_days", t.requests_last_30_days)
        .kv("created_at", t.created_at)
        .end_object();
  });
  page_fields(j.end_array(), total, Page{q.page.limit, q.page.offset}).end_object();
  return j.take();
}

// The filtered tenants in the list's order, page by page.
http::Response tenants_csv(const ReadDeps& d, const store::TenantListQuery& query, int64_t today,
                           const CsvFormat& fmt) {
  auto read = [d, query, today](store::PageRequest page, CsvWriter& w) {
    store::TenantListQuery q = query;
    q.page = page;
    int64_t n = 0;
    store::list_tenants(d.store.conn(), q, today, [&](const store::TenantListItem& t) {
      ++n;
      w.text(t.id).text(t.name);
      if (t.cnpj)
        w.text(*t.cnpj);
      else
        w.empty();
      w.text(t.segment).text(t.plan).text(t.status).money(t.mrr_cents).num(t.active_agents);
      w.num(t.active_users).num(t.requests_last_30_days).text(t.created_at).end_row();
    });
    return n;
  };
  return csv_response(fmt, "painel-tenants.csv",
                      {"id", "name", "cnpj", "segment", "plan", "status", "mrr_estimate",
                       "active_agents", "active_users", "requests_last_30_days", "created_at"},
                      offset_pages(read));
}

void render_agents(JsonOut& j, Conn& c, const store::TenantScope& s, int64_t today,
                   const AgentShape& shape) {
  j.begin_array();
  for (auto& a : store::contracted_agents(c, s, "all", today - 29, today))
    render_agent(j, a, shape);
  j.end_array();
}

}  // namespace

std::string render_tenant_detail(Conn& c, const store::TenantScope& s, int64_t today) {
  auto t = store::tenant_record(c, s);
  if (!t) throw not_found("tenant not found");
  auto settings = store::tenant_settings(c, s.tenant_id());
  auto limits = store::tenant_limits(c, s.tenant_id()).value_or(domain::EffectiveLimits{});
  JsonOut j;
  j.begin_object().key("tenant");
  begin_tenant(j, *t);
  j.kv("created_at", t->created_at).kv("updated_at", t->updated_at).kv("time_zone", t->time_zone);
  render_limits(j, limits);
  render_limit_overrides(j, settings->limits);
  j.end_object();
  j.key("users").begin_array();
  for (auto& u : store::tenant_members(c, s))
    j.begin_object()
        .kv("id", u.id)
        .kv("email", u.email)
        .kv("full_name", u.full_name)
        .kv("role", domain::original_tenant_role(u.role))  // the original's admin | user
        .kv("group", u.role)                               // Painel's group
        .kv("last_login_at", u.last_login_at)
        .end_object();
  j.end_array().key("agents");
  render_agents(j, c, s, today, kStaffAgentRow);
  j.key("integrations").begin_array();
  for (auto& i : store::tenant_integrations(c, s)) render_integration(j, i, true);
  j.end_array();
  auto s7 = store::tenant_usage_sums(c, s, today - 6, today);
  auto s30 = store::tenant_usage_sums(c, s, today - 29, today);
  j.key("usage_summary")
      .begin_object()
      .kv("requests_last_7_days", s7.total)
      .kv("requests_last_30_days", s30.total)
      .key("success_rate_last_30_days")
      .fixed1(domain::success_rate(s30.successful, s30.total))
      .end_object();
  j.key("recent_incidents").begin_array();
  for (auto& i : store::recent_incidents(c, s, 5)) render_incident(j, i);
  j.end_array().key("recent_commands").begin_array();
  store::CommandFilter recent;
  recent.tenant_id = s.tenant_id();
  recent.limit = 5;
  int64_t ignored_total = 0;
  for (auto& m : store::list_commands(c, recent, ignored_total))
    j.begin_object()
        .kv("command_id", m.id)
        .kv("command_type", m.command_type)
        .kv("status", m.status)
        .kv("created_by", m.created_by)
        .kv("created_at", m.created_at)
        .kv("completed_at", m.completed_at)
        .end_object();
  j.end_array().end_object();
  return j.take();
}

namespace {

// The overview's rows as a file: ?by=day (the daily trend), tenant or agent (every one
// with usage in the period, by requests). The rows are the period's aggregates: bounded by
// its days (at most 366) and by the tenants and agents, so they are built at once.
http::Response usage_overview_csv(Conn& c, const Period& per, const std::string& by,
                                  const CsvFormat& fmt) {
  std::string name = "painel-usage-by-" + by + "-" + format_day(per.from_day) + "_" +
                     format_day(per.to_day) + ".csv";
  size_t top = by == "day" ? 0 : std::numeric_limits<size_t>::max();
  auto u = std::make_shared<store::UsageOverview>(
      store::usage_overview(c, per.from_day, per.to_day, top));
  if (by == "day") {
    auto from = per.from_day;
    CsvPages rows = [u, from](CsvWriter& w) {
      for (size_t i = 0; i < u->by_day.size(); ++i) {
        const auto& v = u->by_day[i];
        w.text(format_day(from + static_cast<int64_t>(i))).num(v.total);
        w.fixed1(domain::success_rate(v.successful, v.total)).num(v.active_tenants).end_row();
      }
      return false;
    };
    return csv_response(fmt, name, {"date", "total_requests", "success_rate", "active_tenants"},
                        std::move(rows));
  }
  bool agents = by == "agent";
  CsvPages rows = [u, agents](CsvWriter& w) {
    for (auto& r : agents ? u->top_agents : u->top_tenants) {
      w.text(r.id).text(r.name).num(r.total).fixed1(domain::success_rate(r.successful, r.total));
      if (agents) w.num(r.deployed_count).num(r.tenant_count);
      w.end_row();
    }
    return false;
  };
  if (agents)
    return csv_response(fmt, name,
                        {"agent_id", "agent_name", "total_requests", "success_rate",
                         "deployed_count", "tenant_count"},
                        std::move(rows));
  return csv_response(fmt, name, {"tenant_id", "tenant_name", "total_requests", "success_rate"},
                      std::move(rows));
}

std::string render_usage_overview(Conn& c, const Period& per) {
  auto g = store::tenant_counts(c);
  auto u = store::usage_overview(c, per.from_day, per.to_day, 10);
  JsonOut j;
  period_fields(j.begin_object(), per)
      .key("global_stats")
      .begin_object()
      .kv("total_tenants", g.tenants)
      .kv("active_tenants", g.active_tenants)
      .kv("total_agents_deployed", g.agents_deployed)
      .kv("total_requests", u.total)
      .key("global_success_rate")
      .fixed1(domain::success_rate(u.successful, u.total))
      .kv("avg_response_time_ms", domain::weighted_avg_ms(u.sum_response_ms, u.total))
      .end_object();
  j.key("top_tenants_by_usage").begin_array();
  for (auto& t : u.top_tenants)
    j.begin_object()
        .kv("tenant_id", t.id)
        .kv("tenant_name", t.name)
        .kv("total_requests", t.total)
        .key("success_rate")
        .fixed1(domain::success_rate(t.successful, t.total))
        .end_object();
  j.end_array().key("top_agents_by_usage").begin_array();
  for (auto& a : u.top_agents)
    j.begin_object()
        .kv("agent_id", a.id)
        .kv("agent_name", a.name)
        .kv("total_requests", a.total)
        .key("success_rate")
        .fixed1(domain::success_rate(a.successful, a.total))
        .kv("deployed_count", a.deployed_count)
        .kv("tenant_count", a.tenant_count)
        .end_object();
  j.end_array().key("recent_incidents").begin_array();
  for (auto& i : store::recent_platform_incidents(c, 10))
    j.begin_object()
        .kv("id", i.id)
        .kv("tenant_id", i.tenant_id)
        .kv("tenant_name", i.tenant_name)
        .kv("severity", i.severity)
        .kv("title", i.title)
        .kv("status", i.status)
        .kv("created_at", i.created_at)
        .kv("resolved_at", i.resolved_at)
        .end_object();
  j.end_array().key("daily_trends").begin_array();
  for (int64_t d = per.from_day; d <= per.to_day; ++d) {
    const auto& v = u.by_day[static_cast<size_t>(d - per.from_day)];
    j.begin_object()
        .kv("date", format_day(d))
        .kv("total_requests", v.total)
        .key("success_rate")
        .fixed1(domain::success_rate(v.successful, v.total))
        .kv("active_tenants", v.active_tenants)
        .end_object();
  }
  j.end_array().end_object();
  return j.take();
}

}  // namespace

void add_internal_routes(http::Router& router, const ReadDeps& d) {
  using http::Access;
  // The staff list and overview are cached for every tenant; a tenant named in the path
  // is validated against the store and the read audited, so those go to the pool.
  constexpr http::RouteFlags kCrossTenant{.cache = http::CacheScope::CrossTenant,
                                          .may_inline = true};
  constexpr http::RouteFlags kOneTenant{.cache = http::CacheScope::Tenant};
  constexpr unsigned kStaff = auth::kInternal;
  constexpr size_t kNoBody = 16 * 1024;
  router.add({"GET", "/internal/tenants", Access::User, kStaff, kNoBody, kCrossTenant,
              [d](http::RouteContext& ctx) {
                auto q = parse_tenant_list(ctx.req);
                int64_t today = d.platform_zone.local_day(d.clock.now_ms());
                if (auto csv = csv_requested(ctx.req)) return tenants_csv(d, q, today, *csv);
                return d.reads.json(ctx, "*",
                                    [&] { return render_tenant_list(d.store.conn(), q, today); });
              }});
  router.add({"GET", "/internal/tenants/{id}", Access::User, kStaff, kNoBody, kOneTenant,
              [d](http::RouteContext& ctx) {
                auto s = internal_scope_for(d, ctx, ctx.req.param("id"));
                int64_t now = d.clock.now_ms();
                return d.reads.json(ctx, s.tenant_id(), [&] {
                  Conn& c = d.store.conn();
                  return render_tenant_detail(c, s, store::tenant_time_zone(c, s).local_day(now));
                });
              }});
  router.add({"GET", "/internal/tenants/{id}/agents", Access::User, kStaff, kNoBody, kOneTenant,
              [d](http::RouteContext& ctx) {
                auto s = internal_scope_for(d, ctx, ctx.req.param("id"));
                int64_t now = d.clock.now_ms();
                return d.reads.json(ctx, s.tenant_id(), [&] {
                  Conn& c = d.store.conn();
                  JsonOut j;
                  j.begin_object().key("agents");
                  render_agents(j, c, s, store::tenant_time_zone(c, s).local_day(now), kStaffAgent);
                  j.end_object();
                  return j.take();
                });
              }});
  router.add({"GET", "/internal/usage/overview", Access::User, kStaff, kNoBody, kCrossTenant,
              [d](http::RouteContext& ctx) {
                auto per = parse_period(ctx.req, d.platform_zone, d.clock.now_ms());
                auto by = parse_enum(ctx.req, "by", {"day", "tenant", "agent"},
                                     "day");  // CSV only, checked always
                if (auto csv = csv_requested(ctx.req)) {
                  return usage_overview_csv(d.store.conn(), per, by, *csv);
                }
                return d.reads.json(ctx, "*",
                                    [&] { return render_usage_overview(d.store.conn(), per); });
              }});
}

}  // namespace painel::api
