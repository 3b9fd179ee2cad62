#include "store/usage_totals.hpp"

namespace painel::store {
namespace {

constexpr const char* kDayTotals =
    "SELECT tenant_id, sum(total_requests) FROM tenant_usage_daily WHERE day = ? "
    "GROUP BY tenant_id";
constexpr const char* kDayTotalsTenant =
    "SELECT tenant_id, sum(total_requests) FROM tenant_usage_daily WHERE day = ? "
    "AND tenant_id = ? GROUP BY tenant_id";

// Parameters: delta, tenant_id, day. The rows after the day carry its total too.
constexpr const char* kShiftLaterDays =
    "UPDATE tenant_usage_cumulative SET requests_through_day = requests_through_day + ? "
    "WHERE tenant_id = ? AND day > ?";
// Parameters: tenant_id, day, the day's total, tenant_id, day. The day's running total is
// the previous day's (with a row) plus its own, whatever the row held before.
constexpr const char* kUpsertDay =
    "INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day) VALUES (?, ?, "
    "? + coalesce((SELECT p.requests_through_day FROM tenant_usage_cumulative p "
    "WHERE p.tenant_id = ? AND p.day < ? ORDER BY p.day DESC LIMIT 1), 0)) "
    "ON CONFLICT (tenant_id, day) DO UPDATE SET requests_through_day = "
    "excluded.requests_through_day";
constexpr const char* kDeleteDay =
    "DELETE FROM tenant_usage_cumulative WHERE tenant_id = ? AND day = ?";

int64_t total_of(const DayTotals& t, const std::string& tenant) {
  auto it = t.find(tenant);
  return it == t.end() ? 0 : it->second;
}

void apply_one(Conn& c, const std::string& tenant, const std::string& day, int64_t delta,
               int64_t after) {
  c.exec(kShiftLaterDays, {delta, tenant, day});
  if (after != 0)
    c.exec(kUpsertDay, {tenant, day, after, tenant, day});
  else
    c.exec(kDeleteDay, {tenant, day});
}

}  // namespace

DayTotals day_request_totals(Conn& c, const std::string& day,
                             const std::optional<std::string>& tenant_id) {
  DayTotals out;
  auto rows = tenant_id ? c.query(kDayTotalsTenant, {day, *tenant_id}) : c.query(kDayTotals, {day});
  for (auto& r : rows) out.emplace(r.str(0), r.i64(1));
  return out;
}

int64_t apply_day_totals(Conn& c, const std::string& day, const DayTotals& before,
                         const DayTotals& after) {
  int64_t changed = 0;
  for (auto& [tenant, total] : after)
    if (int64_t delta = total - total_of(before, tenant); delta != 0) {
      apply_one(c, tenant, day, delta, total);
      ++changed;
    }
  for (auto& [tenant, total] : before)
    if (!after.count(tenant) && total != 0) {  // the tenant lost all its rows of the day
      apply_one(c, tenant, day, -total, 0);
      ++changed;
    }
  return changed;
}

std::string requests_after_day_sql(std::string_view tenant_id_expr) {
  const std::string t(tenant_id_expr);
  return "(coalesce((SELECT l.requests_through_day FROM tenant_usage_cumulative l WHERE "
         "l.tenant_id = " +
         t +
         " ORDER BY l.day DESC LIMIT 1), 0) - coalesce((SELECT b.requests_through_day FROM "
         "tenant_usage_cumulative b WHERE b.tenant_id = " +
         t + " AND b.day <= ? ORDER BY b.day DESC LIMIT 1), 0))";
}

}  // namespace painel::store
