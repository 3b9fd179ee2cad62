#include "store/billing.hpp"

#include "core/time.hpp"
#include "core/time_zone.hpp"

namespace painel::store {
namespace {

constexpr const char* kStatusChanges =
    "SELECT tenant_id, coalesce(old_status,''), new_status, mrr_cents, changed_at FROM "
    "tenant_status_history ORDER BY changed_at, id";

constexpr const char* kActiveMrr =
    "SELECT coalesce(sum(mrr_cents),0), count(*) FROM tenants WHERE status = 'active'";

constexpr const char* kActiveMrrByPlan =
    "SELECT plan, count(*), sum(mrr_cents) FROM tenants WHERE status = 'active' "
    "GROUP BY plan ORDER BY sum(mrr_cents) DESC, plan";
constexpr const char* kActiveMrrBySegment =
    "SELECT segment, count(*), sum(mrr_cents) FROM tenants WHERE status = 'active' "
    "GROUP BY segment ORDER BY sum(mrr_cents) DESC, segment";

}  // namespace

std::vector<domain::StatusChange> status_changes(Conn& c, const TimeZone& zone) {
  std::vector<domain::StatusChange> out;
  LocalDayCursor days(zone);  // the changes come in time order
  for (auto& r : c.query(kStatusChanges))
    out.push_back(
        {r.str(0), r.str(1), r.str(2), r.i64(3), days.day_of(parse_rfc3339(r.str(4)).value_or(0))});
  return out;
}

MrrTotal active_mrr(Conn& c) {
  auto r = c.query(kActiveMrr)[0];
  return {r.i64(0), r.i64(1)};
}

std::vector<MrrGroup> active_mrr_by(Conn& c, MrrGroupBy by) {
  std::vector<MrrGroup> out;
  for (auto& r : c.query(by == MrrGroupBy::Plan ? kActiveMrrByPlan : kActiveMrrBySegment))
    out.push_back({r.str(0), r.i64(1), r.i64(2)});
  return out;
}

}  // namespace painel::store
