// /internal/billing/overview — INTERNAL_ADMIN only.
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "core/json.hpp"
#include "domain/billing.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

// Active tenants' MRR grouped by one tenants column (a constant from this file, never
// client input), largest first: [{name_key, tenant_count, total_mrr}].
void render_mrr_by(JsonOut& j, store::Conn& c, std::string_view column, const char* name_key) {
  std::string col(column);
  j.begin_array();
  for (auto& r : c.query("SELECT " + col +
                         ", count(*), sum(mrr_cents) FROM tenants WHERE status "
                         "= 'active' GROUP BY " +
                         col + " ORDER BY sum(mrr_cents) DESC, " + col))
    j.begin_object()
        .kv(name_key, r.str(0))
        .kv("tenant_count", r.i64(1))
        .key("total_mrr")
        .money(r.i64(2))
        .end_object();
  j.end_array();
}

std::string render_billing(store::Conn& c, const Period& per) {
  std::vector<domain::StatusChange> changes;
  for (auto& r :
       c.query("SELECT tenant_id, coalesce(old_status,''), new_status, mrr_cents, changed_at FROM "
               "tenant_status_history ORDER BY changed_at, id"))
    changes.push_back(
        {r.str(0), r.str(1), r.str(2), r.i64(3), day_of_ms(parse_rfc3339(r.str(4)).value_or(0))});
  auto mv = domain::period_movement(changes, per.from_day, per.to_day);
  auto trend = domain::revenue_trend(changes, per.from_day, per.to_day);
  auto tot = c.query(
      "SELECT coalesce(sum(mrr_cents),0), count(*) FROM tenants WHERE status = 'active'")[0];
  int64_t mrr = tot.i64(0), n = tot.i64(1);
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
  render_mrr_by(j, c, "plan", "plan_name");
  j.key("by_segment");
  render_mrr_by(j, c, "segment", "segment");
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
                auto per = parse_period(ctx.req, today_utc(d.clock));
                return d.reads.json(ctx, "*", [&] { return render_billing(d.store.conn(), per); });
              }});
}

}  // namespace painel::api
