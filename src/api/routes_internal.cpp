// /internal/tenants*, /internal/usage/overview — the staff area (INTERNAL_ADMIN and
// INTERNAL_SUPPORT). Billing lives in routes_billing.cpp.
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/render_usage.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "domain/cnpj.hpp"
#include "store/store.hpp"
#include "store/usage_reads.hpp"
#include "store/usage_totals.hpp"

namespace painel::api {
namespace {

using store::Conn;
using store::Params;

// The 30-day request figure comes from the running totals (store/usage_totals.hpp): two
// index seeks per tenant instead of a sum over a month of daily rows. Its parameter is the
// last day not counted (today - 30). The agent and user counts are kept on the tenant row
// by triggers (migration 6).
const std::string kListColumns =
    "SELECT t.id, t.name, t.cnpj, t.segment, t.plan, t.status, t.mrr_cents, t.created_at, "
    "t.active_agents, t.user_count, " +
    store::requests_after_day_sql("t.id") + " FROM tenants t";

// The tenant fields both the list and the detail show; columns 0-6 of the row must be
// id, name, cnpj, segment, plan, status, mrr_cents. Leaves the object open. R is a Row or
// a RowView (the list renders rows in place).
template <class R>
void begin_tenant(JsonOut& j, const R& r) {
  j.begin_object().kv("id", r.text(0)).kv("name", r.text(1)).key("cnpj");
  if (r.is_null(2))
    j.null();
  else
    j.str(r.text(2));
  j.kv("segment", r.text(3))
      .kv("plan", r.text(4))
      .kv("status", r.text(5))
      .key("mrr_estimate")
      .money(r.i64(6));
}

std::string like_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') o.push_back('\\');
    o.push_back(c);
  }
  return o;
}

std::string render_tenant_list(const ReadDeps& d, http::RouteContext& ctx) {
  auto& req = ctx.req;
  auto status =
      parse_enum(req, "status", {"active", "trial", "suspended", "inactive", "all"}, "active");
  auto plan = parse_opt_enum(req, "plan", {"starter", "professional", "enterprise"});
  auto segment = parse_opt_text(req, "segment", 50);
  auto search = parse_opt_text(req, "search", 100);
  auto sort_by = parse_enum(req, "sort_by", {"name", "created_at", "mrr_estimate"}, "name");
  auto sort_order =
      parse_enum(req, "sort_order", {"asc", "desc"}, sort_by == "name" ? "asc" : "desc");
  auto pg = parse_page(req);
  int64_t today = today_utc(d.clock);

  std::string where = " WHERE 1=1";
  Params p;
  if (status != "all") {
    where += " AND t.status = ?";
    p.emplace_back(status);
  }
  if (plan) {
    where += " AND t.plan = ?";
    p.emplace_back(*plan);
  }
  if (segment) {
    where += " AND t.segment = ?";
    p.emplace_back(*segment);
  }
  if (search) {
    std::string folded = like_escape(fold_for_search(*search));
    std::string digits = domain::digits_only(*search);
    where += " AND (t.name_search LIKE ? ESCAPE '\\'";
    p.emplace_back("%" + folded + "%");
    if (digits.size() >= 2) {
      where += " OR t.cnpj LIKE ?";
      p.emplace_back("%" + digits + "%");
    }
    where += ")";
  }
  // Whitelisted column names only; ties broken by id for a stable order across pages.
  std::string col = sort_by == "name"         ? "t.name"
                    : sort_by == "created_at" ? "t.created_at"
                                              : "t.mrr_cents";
  std::string dir = sort_order == "asc" ? "ASC" : "DESC";
  auto& c = d.store.conn();
  int64_t total = c.query("SELECT count(*) FROM tenants t" + where, p)[0].i64(0);
  Params lp{format_day(today - 30)};
  lp.insert(lp.end(), p.begin(), p.end());
  lp.emplace_back(pg.limit);
  lp.emplace_back(pg.offset);
  JsonOut j;
  j.begin_object().key("tenants").begin_array();
  c.each_view(
      kListColumns + where + " ORDER BY " + col + " " + dir + ", t.id " + dir + " LIMIT ? OFFSET ?",
      lp, [&](const store::RowView& r) {  // rendered in place: no Row per tenant
        begin_tenant(j, r);
        j.kv("active_agents", r.i64(8))
            .kv("active_users", r.i64(9))
            .kv("requests_last_30_days", r.i64(10))
            .kv("created_at", r.text(7))
            .end_object();
      });
  page_fields(j.end_array(), total, pg).end_object();
  return j.take();
}

void render_agent_rows(JsonOut& j, Conn& c, const store::TenantScope& s, int64_t today,
                       bool detail) {
  auto usage = store::tenant_usage_by_agent(c, s, today - 29, today);
  j.begin_array();
  for (auto& r : c.query(
           "SELECT a.id, a.name, a.segment, a.subnucleus, ta.status, ta.config, ta.activated_at, "
           "ta.deactivated_at, ta.restart_count, a.monthly_price_cents FROM tenant_agents ta JOIN "
           "agents a ON a.id = ta.agent_id WHERE ta.tenant_id = ? ORDER BY a.name, a.id",
           {s.tenant_id()})) {
    store::AgentUsage u{r.str(0), r.str(1), {}, std::nullopt};
    for (auto& a : usage)
      if (a.agent_id == u.agent_id) u = a;
    j.begin_object()
        .kv("id", r.str(0))
        .kv("name", r.str(1))
        .kv("segment", r.str(2))
        .kv("subnucleus", r.str(3))
        .kv("status", r.str(4));
    if (detail) j.key("config").raw(r.str(5));
    j.kv("activated_at", r.str(6))
        .kv("deactivated_at", r.opt_str(7))
        .kv("restart_count", r.i64(8))
        .key("monthly_price")
        .money(r.i64(9));
    j.key(detail ? "usage_stats" : "usage_last_30_days")
        .begin_object()
        .kv("total_requests", u.sums.total)
        .key("success_rate")
        .fixed1(domain::success_rate(u.sums.successful, u.sums.total))
        .kv("avg_response_time_ms", domain::weighted_avg_ms(u.sums.sum_response_ms, u.sums.total))
        .kv("last_request_at", u.last_request_at)
        .end_object();
    j.end_object();
  }
  j.end_array();
}

std::string render_tenant_detail(Conn& c, const store::TenantScope& s, int64_t today) {
  auto t = c.query(
      "SELECT id, name, cnpj, segment, plan, status, mrr_cents, created_at, updated_at FROM "
      "tenants "
      "WHERE id = ?",
      {s.tenant_id()});
  if (t.empty()) throw not_found("tenant not found");
  auto& r = t[0];
  JsonOut j;
  j.begin_object().key("tenant");
  begin_tenant(j, r);
  j.kv("created_at", r.str(7)).kv("updated_at", r.str(8)).end_object();
  j.key("users").begin_array();
  for (auto& u : c.query(
           "SELECT u.id, u.email, u.full_name, tu.role, u.last_login_at FROM tenant_users tu JOIN "
           "users u ON u.id = tu.user_id WHERE tu.tenant_id = ? ORDER BY u.full_name, u.id",
           {s.tenant_id()}))
    j.begin_object()
        .kv("id", u.str(0))
        .kv("email", u.str(1))
        .kv("full_name", u.str(2))
        .kv("role", u.str(3))
        .kv("last_login_at", u.opt_str(4))
        .end_object();
  j.end_array().key("agents");
  render_agent_rows(j, c, s, today, false);
  j.key("integrations").begin_array();
  for (auto& i : c.query(kIntegrationsOfTenant, {s.tenant_id()})) render_integration(j, i, true);
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
  for (auto& i :
       c.query(std::string("SELECT ") + kIncidentColumns +
                   " FROM incidents WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT 5",
               {s.tenant_id()}))
    render_incident(j, i);
  j.end_array().key("recent_commands").begin_array();
  for (auto& m :
       c.query("SELECT id, command_type, status, created_by, created_at, completed_at FROM "
               "operational_commands WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT 5",
               {s.tenant_id()}))
    j.begin_object()
        .kv("command_id", m.str(0))
        .kv("command_type", m.str(1))
        .kv("status", m.str(2))
        .kv("created_by", m.str(3))
        .kv("created_at", m.str(4))
        .kv("completed_at", m.opt_str(5))
        .end_object();
  j.end_array().end_object();
  return j.take();
}

std::string render_usage_overview(Conn& c, const Period& per) {
  auto g = c.query(
      "SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM tenants WHERE status = "
      "'active'), (SELECT count(*) FROM tenant_agents WHERE status = 'active')")[0];
  auto u = store::usage_overview(c, per.from_day, per.to_day, 10);
  JsonOut j;
  period_fields(j.begin_object(), per)
      .key("global_stats")
      .begin_object()
      .kv("total_tenants", g.i64(0))
      .kv("active_tenants", g.i64(1))
      .kv("total_agents_deployed", g.i64(2))
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
        .kv("tenant_count", a.tenant_count)
        .end_object();
  j.end_array().key("recent_incidents").begin_array();
  for (auto& r : c.query("SELECT i.id, i.tenant_id, t.name, i.severity, i.title, i.status, "
                         "i.created_at, i.resolved_at "
                         "FROM incidents i LEFT JOIN tenants t ON t.id = i.tenant_id ORDER BY "
                         "i.created_at DESC, i.id "
                         "DESC LIMIT 10"))
    j.begin_object()
        .kv("id", r.str(0))
        .kv("tenant_id", r.opt_str(1))
        .kv("tenant_name", r.opt_str(2))
        .kv("severity", r.str(3))
        .kv("title", r.str(4))
        .kv("status", r.str(5))
        .kv("created_at", r.str(6))
        .kv("resolved_at", r.opt_str(7))
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
                return d.reads.json(ctx, "*", [&] { return render_tenant_list(d, ctx); });
              }});
  router.add({"GET", "/internal/tenants/{id}", Access::User, kStaff, kNoBody, kOneTenant,
              [d](http::RouteContext& ctx) {
                auto s = internal_scope_for(d, ctx, ctx.req.param("id"));
                int64_t today = today_utc(d.clock);
                return d.reads.json(ctx, s.tenant_id(),
                                    [&] { return render_tenant_detail(d.store.conn(), s, today); });
              }});
  router.add({"GET", "/internal/tenants/{id}/agents", Access::User, kStaff, kNoBody, kOneTenant,
              [d](http::RouteContext& ctx) {
                auto s = internal_scope_for(d, ctx, ctx.req.param("id"));
                int64_t today = today_utc(d.clock);
                return d.reads.json(ctx, s.tenant_id(), [&] {
                  JsonOut j;
                  j.begin_object().key("agents");
                  render_agent_rows(j, d.store.conn(), s, today, true);
                  j.end_object();
                  return j.take();
                });
              }});
  router.add({"GET", "/internal/usage/overview", Access::User, kStaff, kNoBody, kCrossTenant,
              [d](http::RouteContext& ctx) {
                auto per = parse_period(ctx.req, today_utc(d.clock));
                return d.reads.json(ctx, "*",
                                    [&] { return render_usage_overview(d.store.conn(), per); });
              }});
}

}  // namespace painel::api
