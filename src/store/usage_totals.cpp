#include "store/usage_totals.hpp"

#include <algorithm>
#include <set>
#include <vector>

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
// Which of up to kTenantsPerCheck tenants have rows after the day (parameters: the day,
// then the tenants, the list padded by repeating the last): only theirs need the shift.
// The day being folded is usually each tenant's latest, and an UPDATE that finds nothing
// still cost a statement per tenant (half the running totals' time in a fold).
constexpr size_t kTenantsPerCheck = 100;
const std::string& later_days_sql() {
  static const std::string sql =
      "SELECT DISTINCT tenant_id FROM tenant_usage_cumulative WHERE day > ? AND tenant_id IN " +
      placeholder_rows(kTenantsPerCheck, 1);
  return sql;
}

std::set<std::string, std::less<>> with_later_days(Conn& c, const std::string& day,
                                                   const std::vector<const std::string*>& tenants) {
  std::set<std::string, std::less<>> out;
  Params p;
  for (size_t i = 0; i < tenants.size(); i += kTenantsPerCheck) {
    p.assign(1, day);
    for (size_t j = 0; j < kTenantsPerCheck; ++j)
      p.emplace_back(*tenants[std::min(i + j, tenants.size() - 1)]);
    c.each_view(later_days_sql(), p, [&](const RowView& r) { out.emplace(r.text(0)); });
  }
  return out;
}

int64_t total_of(const DayTotals& t, const std::string& tenant) {
  auto it = t.find(tenant);
  return it == t.end() ? 0 : it->second;
}

void apply_one(Conn& c, const std::string& tenant, const std::string& day, int64_t delta,
               int64_t after, bool later_days) {
  if (later_days) c.exec(kShiftLaterDays, {delta, tenant, day});
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
  struct Change {
    const std::string* tenant;
    int64_t delta, after;
  };
  std::vector<Change> changes;
  for (auto& [tenant, total] : after)
    if (int64_t delta = total - total_of(before, tenant); delta != 0)
      changes.push_back({&tenant, delta, total});
  for (auto& [tenant, total] : before)
    if (!after.count(tenant) && total != 0)  // the tenant lost all its rows of the day
      changes.push_back({&tenant, -total, 0});
  std::vector<const std::string*> tenants;
  tenants.reserve(changes.size());
  for (auto& ch : changes) tenants.push_back(ch.tenant);
  const auto later = with_later_days(c, day, tenants);
  for (auto& ch : changes)
    apply_one(c, *ch.tenant, day, ch.delta, ch.after, later.count(*ch.tenant) > 0);
  return static_cast<int64_t>(changes.size());
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
