// /tenant/* — the customer area. All four groups; the tenant comes from resolve_scope().
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
#include "store/agents.hpp"
#include "store/incidents.hpp"
#include "store/integrations.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"
#include "store/usage_reads.hpp"

namespace painel::api {
namespace {

using store::Conn;
using store::TenantScope;

// "This month": the tenant's calendar month, in its zone.
std::string render_me(Conn& c, const TenantScope& s, int64_t now_ms) {
  auto me = store::tenant_overview(c, s);
  if (!me) throw not_found("tenant not found");
  const auto& t = me->tenant;
  const int64_t today = TimeZone::find_or_default(t.time_zone).local_day(now_ms);
  std::string month_start = format_day(today).substr(0, 8) + "01";
  auto ms = parse_day(month_start);
  auto sums = store::tenant_usage_sums(c, s, *ms, today);
  JsonOut j;
  begin_tenant(j, t);
  j.kv("created_at", t.created_at).kv("time_zone", t.time_zone);
  render_limits(j, {me->max_agents, me->max_users, me->max_requests_per_month});
  j.key("usage")
      .begin_object()
      .kv("active_agents", me->active_agents)
      .kv("active_users", me->active_users)
      .kv("requests_this_month", sums.total)
      .end_object()
      .end_object();
  return j.take();
}

std::string render_agents(Conn& c, const TenantScope& s, const std::string& status, int64_t today) {
  JsonOut j;
  j.begin_object().key("agents").begin_array();
  for (auto& a : store::contracted_agents(c, s, status, today - 29, today))
    render_agent(j, a, kTenantAgent);
  j.end_array().end_object();
  return j.take();
}

std::string render_integrations(Conn& c, const TenantScope& s, bool show_errors) {
  JsonOut j;
  j.begin_object().key("integrations").begin_array();
  for (auto& i : store::tenant_integrations(c, s)) render_integration(j, i, show_errors);
  j.end_array().end_object();
  return j.take();
}

std::string render_usage(Conn& c, const TenantScope& s, const Period& per,
                         const std::optional<std::string>& agent_id, bool costs) {
  if (agent_id && !store::tenant_has_agent(c, s, *agent_id)) throw not_found("agent not found");
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

// The report's rows as a file: ?by=day (every day of the period) or agent. Bounded by the
// period (at most 366 days) and the tenant's agents, so built at once. Costs only for the
// groups that see them, as in JSON.
http::Response usage_csv(Conn& c, const TenantScope& s, const Period& per,
                         const std::optional<std::string>& agent_id, bool costs,
                         const std::string& by, const CsvFormat& fmt) {
  if (agent_id && !store::tenant_has_agent(c, s, *agent_id)) throw not_found("agent not found");
  auto report = std::make_shared<store::UsageReport>(
      store::tenant_usage_report(c, s, per.from_day, per.to_day, agent_id));
  std::string name = "painel-usage-by-" + by + "-" + format_day(per.from_day) + "_" +
                     format_day(per.to_day) + ".csv";
  if (by == "day") {
    auto from = per.from_day;
    CsvPages rows = [report, from, costs](CsvWriter& w) {
      for (size_t i = 0; i < report->by_day.size(); ++i) {
        const auto& u = report->by_day[i];
        w.text(format_day(from + static_cast<int64_t>(i))).num(u.total).num(u.successful);
        w.num(u.failed).num(domain::weighted_avg_ms(u.sum_response_ms, u.total));
        if (costs) w.money(u.cost_cents);
        w.end_row();
      }
      return false;
    };
    if (costs)
      return csv_response(fmt, name,
                          {"date", "total_requests", "successful_requests", "failed_requests",
                           "avg_response_time_ms", "cost"},
                          std::move(rows));
    return csv_response(fmt, name,
                        {"date", "total_requests", "successful_requests", "failed_requests",
                         "avg_response_time_ms"},
                        std::move(rows));
  }
  CsvPages rows = [report, costs](CsvWriter& w) {
    for (auto& a : report->by_agent) {
      w.text(a.agent_id).text(a.agent_name).num(a.sums.total);
      w.fixed1(domain::success_rate(a.sums.successful, a.sums.total));
      if (costs) w.money(a.sums.cost_cents);
      w.end_row();
    }
    return false;
  };
  if (costs)
    return csv_response(fmt, name,
                        {"agent_id", "agent_name", "total_requests", "success_rate", "cost"},
                        std::move(rows));
  return csv_response(fmt, name, {"agent_id", "agent_name", "total_requests", "success_rate"},
                      std::move(rows));
}

std::string render_incidents(Conn& c, const TenantScope& s,
                             const std::optional<std::string>& status, Page pg) {
  auto page = store::list_incidents(c, s, status, {pg.limit, pg.offset});
  JsonOut j;
  j.begin_object().key("incidents").begin_array();
  for (auto& i : page.items) render_incident(j, i);
  page_fields(j.end_array(), page.total, pg).end_object();
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
         int64_t now = d.clock.now_ms();
         return d.reads.json(ctx, s.tenant_id(), [&] { return render_me(d.store.conn(), s, now); });
       }});
  router.add(
      {"GET", "/tenant/agents", Access::User, kAll, kNoBody, kRead, [d](http::RouteContext& ctx) {
         auto s = resolve_scope(d, ctx);
         auto status = parse_enum(ctx.req, "status", {"active", "inactive", "all"}, "active");
         int64_t now = d.clock.now_ms();
         return d.reads.json(ctx, s.tenant_id(), [&] {
           Conn& c = d.store.conn();
           return render_agents(c, s, status, store::tenant_time_zone(c, s).local_day(now));
         });
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
         auto agent = parse_opt_uuid(ctx.req, "agent_id");
         bool costs = ctx.who().can_see_costs();
         auto by = parse_enum(ctx.req, "by", {"day", "agent"}, "day");  // CSV only, checked always
         int64_t now = d.clock.now_ms();
         // The period is in the tenant's zone, read with the rows: a cached answer reads
         // nothing (an invalid period is never cached, so it is still refused).
         auto period_in_zone = [&](Conn& c) {
           return parse_period(ctx.req, store::tenant_time_zone(c, s), now);
         };
         if (auto csv = csv_requested(ctx.req)) {
           Conn& c = d.store.conn();
           return usage_csv(c, s, period_in_zone(c), agent, costs, by, *csv);
         }
         return d.reads.json(ctx, s.tenant_id(), [&] {
           Conn& c = d.store.conn();
           return render_usage(c, s, period_in_zone(c), agent, costs);
         });
       }});
  router.add({"GET", "/tenant/incidents", Access::User, kAll, kNoBody, kRead,
              [d](http::RouteContext& ctx) {
                auto s = resolve_scope(d, ctx);
                std::optional<std::string> status =
                    parse_enum(ctx.req, "status", {"open", "resolved", "all"}, "all");
                if (status == "all") status.reset();
                if (auto csv = csv_requested(ctx.req)) {
                  auto read = [d, s, status](store::PageRequest page, CsvWriter& w) {
                    auto rows = store::list_incidents(d.store.conn(), s, status, page);
                    for (auto& i : rows.items) {
                      w.text(i.id).text(i.severity).text(i.title).text(i.description);
                      w.text(i.status).text(i.created_at).text(i.resolved_at).end_row();
                    }
                    return static_cast<int64_t>(rows.items.size());
                  };
                  return csv_response(*csv, "painel-incidents.csv",
                                      {"id", "severity", "title", "description", "status",
                                       "created_at", "resolved_at"},
                                      offset_pages(read));
                }
                auto pg = parse_page(ctx.req, 20);
                return d.reads.json(ctx, s.tenant_id(), [&] {
                  return render_incidents(d.store.conn(), s, status, pg);
                });
              }});
}

}  // namespace painel::api
