#include "store/usage_totals.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace painel::store {
namespace {

constexpr const char* kDayTotals =
    "SELECT tenant_id, sum(total_requests) FROM tenant_usage_daily WHERE day = ? "
    "GROUP BY tenant_id";
constexpr const char* kDayTotalsTenant =
    "SELECT tenant_id, sum(total_requests) FROM tenant_usage_daily WHERE day = ? "
    "AND tenant_id = ? GROUP BY tenant_id";

// Parameters: tenant_id, day, the day's total, tenant_id, day. The day's running total is
// the previous day's (with a row) plus its own.
constexpr const char* kUpsertDay =
    "INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day) VALUES (?, ?, "
    "? + coalesce((SELECT p.requests_through_day FROM tenant_usage_cumulative p "
    "WHERE p.tenant_id = ? AND p.day < ? ORDER BY p.day DESC LIMIT 1), 0)) "
    "ON CONFLICT (tenant_id, day) DO UPDATE SET requests_through_day = "
    "excluded.requests_through_day";
constexpr const char* kDeleteDay =
    "DELETE FROM tenant_usage_cumulative WHERE tenant_id = ? AND day = ?";

// Statements over many tenants go kInListChunk at a time (store/db.hpp). A fold changes
// ~1 000 tenants' totals; a statement per tenant was most of its running totals' time on
// SQLite, and round trips on PostgreSQL.
// Parameters: the day, then the tenants. Each one's first running total at or after the day.
const std::string& first_days_sql() {
  static const std::string sql =
      "SELECT tenant_id, min(day) FROM tenant_usage_cumulative WHERE day >= ? AND tenant_id IN " +
      in_list_placeholders() + " GROUP BY tenant_id";
  return sql;
}
// Parameters: delta, the day, then the tenants. Their totals from the day on move by delta.
const std::string& shift_sql() {
  static const std::string sql =
      "UPDATE tenant_usage_cumulative SET requests_through_day = requests_through_day + ? "
      "WHERE day >= ? AND tenant_id IN " +
      in_list_placeholders();
  return sql;
}

// Runs `sql` for `tenants` in chunks, after `head` parameters.
void for_tenants(Conn& c, const std::string& sql, const Params& head,
                 const std::vector<const std::string*>& tenants,
                 const std::function<void(const RowView&)>& row = {}) {
  Params p;
  for_in_chunks(
      tenants.size(), [&](size_t i) -> const std::string& { return *tenants[i]; },
      [&](const Params& chunk) {
        p = head;
        p.insert(p.end(), chunk.begin(), chunk.end());
        if (row)
          c.each_view(sql, p, row);
        else
          c.exec(sql, p);
        return true;
      });
}

int64_t total_of(const DayTotals& t, const std::string& tenant) {
  auto it = t.find(tenant);
  return it == t.end() ? 0 : it->second;
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
  if (changes.empty()) return 0;
  std::vector<const std::string*> tenants;
  tenants.reserve(changes.size());
  for (auto& ch : changes) tenants.push_back(ch.tenant);
  std::map<std::string, std::string, std::less<>> first_day;  // from the day on, if any
  for_tenants(c, first_days_sql(), {day}, tenants,
              [&](const RowView& r) { first_day.emplace(r.text(0), r.text(1)); });
  // Every total from the day on moves by the day's change: one statement per distinct
  // change (a fold's are a handful of small numbers) and kInListChunk tenants.
  // Then a tenant without a row for the day gets one, from the day before's total; one that
  // lost every row of the day loses its row (its later rows moved with the others).
  std::map<int64_t, std::vector<const std::string*>> by_delta;
  std::vector<const Change*> inserts, deletes;
  for (auto& ch : changes) {
    auto f = first_day.find(*ch.tenant);
    if (f != first_day.end()) by_delta[ch.delta].push_back(ch.tenant);
    if (ch.after == 0)
      deletes.push_back(&ch);
    else if (f == first_day.end() || f->second != day)
      inserts.push_back(&ch);
  }
  for (auto& [delta, list] : by_delta) for_tenants(c, shift_sql(), {delta, day}, list);
  for (auto* ch : inserts) c.exec(kUpsertDay, {*ch->tenant, day, ch->after, *ch->tenant, day});
  for (auto* ch : deletes) c.exec(kDeleteDay, {*ch->tenant, day});
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
