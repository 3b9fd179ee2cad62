#include "store/billing.hpp"

#include <stdexcept>

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

constexpr const char* kOpeningMrr =
    "SELECT coalesce(sum(mrr_delta_cents), 0) FROM billing_mrr_hours WHERE hour < ?";
constexpr const char* kPeriodHours =
    "SELECT hour, mrr_delta_cents, activations, churns, new_mrr_cents, churned_mrr_cents "
    "FROM billing_mrr_hours WHERE hour >= ? AND hour < ? ORDER BY hour";

// Per row: its contribution to the MRR, the previous row's of its tenant (lag), whether it
// is an activation or a churn (domain/billing.hpp is_activation, is_churn); summed per hour.
constexpr const char* kRebuildHours =
    "INSERT INTO billing_mrr_hours(hour, mrr_delta_cents, activations, churns, new_mrr_cents, "
    "churned_mrr_cents) SELECT hour, sum(c - coalesce(pc, 0)), sum(act), sum(ch), "
    "sum(act * mrr_cents), sum(ch * mrr_cents) FROM (SELECT {hour} AS hour, mrr_cents, c, act, "
    "ch, lag(c) OVER (PARTITION BY tenant_id ORDER BY changed_at, id) AS pc FROM (SELECT "
    "tenant_id, changed_at, id, mrr_cents, CASE WHEN new_status = 'active' THEN mrr_cents ELSE "
    "0 END AS c, CASE WHEN new_status = 'active' AND coalesce(old_status, '') <> 'active' THEN "
    "1 ELSE 0 END AS act, CASE WHEN old_status = 'active' AND new_status IN ('suspended', "
    "'inactive') THEN 1 ELSE 0 END AS ch FROM tenant_status_history) AS x) AS y GROUP BY hour";
// The UTC hour of changed_at, as migration 30's triggers compute it.
constexpr const char* kSqliteHour =
    "coalesce(CAST(strftime('%s', changed_at) AS INTEGER), 0) / 3600";
constexpr const char* kPostgresHour = "floor(extract(epoch FROM changed_at) / 3600)::bigint";

// Migration 30's triggers on tenant_status_history (bulk_load_status_history).
constexpr const char* kPgTriggerOff =
    "ALTER TABLE tenant_status_history DISABLE TRIGGER tenant_status_history_billing";
constexpr const char* kPgTriggerOn =
    "ALTER TABLE tenant_status_history ENABLE TRIGGER tenant_status_history_billing";

constexpr int64_t kHourMs = 3600 * 1000;

}  // namespace

std::optional<BillingDays> billing_days(Conn& c, const TimeZone& zone, int64_t from_day,
                                        int64_t to_day) {
  for (int64_t d = from_day; d <= to_day + 1; ++d)
    if (zone.day_start_ms(d) % kHourMs != 0) return std::nullopt;
  const int64_t from_hour = zone.day_start_ms(from_day) / kHourMs;
  const int64_t to_hour = zone.day_start_ms(to_day + 1) / kHourMs;  // exclusive
  BillingDays out;
  out.opening_mrr_cents = c.query(kOpeningMrr, {from_hour})[0].i64(0);
  LocalDayCursor days(zone);
  for (auto& r : c.query(kPeriodHours, {from_hour, to_hour})) {
    int64_t day = days.day_of(r.i64(0) * kHourMs);
    if (out.days.empty() || out.days.back().day != day) out.days.push_back({day});
    auto& m = out.days.back();
    m.mrr_delta_cents += r.i64(1);
    m.new_tenants += r.i64(2);
    m.churned_tenants += r.i64(3);
    m.new_mrr_cents += r.i64(4);
    m.churned_mrr_cents += r.i64(5);
  }
  return out;
}

void rebuild_billing_hours(Conn& c) {
  std::string sql = kRebuildHours;
  sql.replace(sql.find("{hour}"), 6,
              c.dialect() == Dialect::Postgres ? kPostgresHour : kSqliteHour);
  c.exec("DELETE FROM billing_mrr_hours");
  c.exec(sql);
}

void bulk_load_status_history(Conn& c, const std::function<void()>& write) {
  if (!c.in_transaction())
    throw std::logic_error("bulk_load_status_history: needs the caller's write transaction");
  if (c.dialect() != Dialect::Postgres) {  // SQLite keeps its triggers (store/billing.hpp)
    write();
    return;
  }
  c.exec(kPgTriggerOff);
  write();
  c.exec(kPgTriggerOn);
  rebuild_billing_hours(c);
}

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
