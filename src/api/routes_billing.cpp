// /internal/billing/overview — INTERNAL_ADMIN only.
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "core/json.hpp"
#include "domain/billing.hpp"
#include "store/billing.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

// Active tenants' MRR per plan or segment, largest first: [{name_key, tenant_count,
// total_mrr}].
void render_mrr_by(JsonOut& j, store::Conn& c, store::MrrGroupBy by, const char* name_key) {
  j.begin_array();
  for (auto& g : store::active_mrr_by(c, by))
    j.begin_object()
        .kv(name_key, g.key)
        .kv("tenant_count", g.tenants)
        .key("total_mrr")
        .money(g.mrr_cents)
        .end_object();
  j.end_array();
}

std::string render_billing(store::Conn& c, const Period& per, const TimeZone& zone) {
  domain::PeriodMovement mv;
  std::vector<domain::DayRevenue> trend;
  if (auto days = store::billing_days(c, zone, per.from_day, per.to_day)) {
    mv = domain::period_movement(days->days);
    trend = domain::revenue_trend(days->opening_mrr_cents, days->days, per.from_day, per.to_day);
  } else {  // a zone whose days do not start on whole hours: fold the whole history
    auto changes = store::status_changes(c, zone);
    mv = domain::period_movement(changes, per.from_day, per.to_day);
    trend = domain::revenue_trend(changes, per.from_day, per.to_day);
  }
  auto [mrr, n] = store::active_mrr(c);
  JsonOut j;
  period_fields(j.begin_object(), per)
      .key("financial_summary")
      .begin_object()
      .key("total_mrr")
      .money(mrr)
      .key("total_arr")
      .money(mrr * 12)
      .key("avg_mrr_per_tenant")
      .money(n ? (mrr * 2 + n) / (2 * n) : 0)
      .key("new_mrr_this_period")
      .money(mv.new_mrr_cents)
      .key("churned_mrr_this_period")
      .money(mv.churned_mrr_cents)
      .kv("paying_tenants", n)
      .end_object();
  j.key("by_plan");
  render_mrr_by(j, c, store::MrrGroupBy::Plan, "plan_name");
  j.key("by_segment");
  render_mrr_by(j, c, store::MrrGroupBy::Segment, "segment");
  j.key("revenue_trend").begin_array();
  for (auto& d : trend)
    j.begin_object()
        .kv("date", format_day(d.day))
        .key("mrr")
        .money(d.mrr_cents)
        .kv("new_tenants", d.new_tenants)
        .kv("churned_tenants", d.churned_tenants)
        .end_object();
  j.end_array().end_object();
  return j.take();
}

}  // namespace

void add_billing_routes(http::Router& router, const ReadDeps& d) {
  constexpr http::RouteFlags kCrossTenant{.cache = http::CacheScope::CrossTenant,
                                          .may_inline = true};
  router.add({"GET", "/internal/billing/overview", http::Access::User, auth::kInternalAdmin,
              16 * 1024, kCrossTenant, [d](http::RouteContext& ctx) {
                auto per = parse_period(ctx.req, d.platform_zone, d.clock.now_ms());
                return d.reads.json(
                    ctx, "*", [&] { return render_billing(d.store.conn(), per, d.platform_zone); });
              }});
}

}  // namespace painel::api
