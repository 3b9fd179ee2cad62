#include "store/usage_aggregate.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <string_view>

#include "core/string_map.hpp"
#include "core/time.hpp"
#include "store/usage_totals.hpp"

namespace painel::store {
namespace {

// A day is rebuilt from one streamed scan of its events through the day index (migration
// 4: usage_events is indexed by UTC day only, so ingestion appends to one place per day),
// folded per (tenant, agent) in memory; when only some tenants are rebuilt the others'
// rows are skipped in the fold. This is several times faster on SQLite than INSERT ...
// SELECT ... GROUP BY (whose sorter dominates) and lets p95 be exact: the nearest-rank
// percentile, found with nth_element over the group's response times (4 bytes per event
// of the day).
constexpr const char* kScanDay =
    "SELECT tenant_id, agent_id, occurred_at_ms, success, response_time_ms, tokens_used, "
    "cost_cents FROM usage_events WHERE " PAINEL_USAGE_EVENT_DAY " = ?";
constexpr const char* kInsertColumns =
    "INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, "
    "successful_requests, failed_requests, sum_response_time_ms, p95_response_time_ms, "
    "total_tokens, cost_cents, last_request_at, aggregated_at) VALUES ";
constexpr size_t kColumns = 12, kRowsPerInsert = 50;

struct Group {
  int64_t ok = 0, response_sum = 0, tokens = 0, cost = 0, last_ms = INT64_MIN;
  std::vector<int32_t> response_times;
};

std::string insert_sql(size_t rows) { return kInsertColumns + placeholder_rows(kColumns, rows); }

// Nearest rank: the value at 1-based rank ceil(0.95 n) of the sorted sample.
int64_t p95(std::vector<int32_t>& v) {
  size_t rank = (19 * v.size() + 19) / 20;
  auto nth = v.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(v.begin(), nth, v.end());
  return *nth;
}

constexpr const char* kDeleteDay = "DELETE FROM tenant_usage_daily WHERE day = ?";
constexpr const char* kDeleteDayTenant =
    "DELETE FROM tenant_usage_daily WHERE tenant_id = ? AND day = ?";
constexpr const char* kClearDirty = "DELETE FROM usage_dirty_days WHERE day = ?";
constexpr const char* kClearDirtyTenant =
    "DELETE FROM usage_dirty_days WHERE day = ? AND tenant_id = ?";

// The tenants a rebuild covers: all of them (nullptr) or a set, ordered so their marks and
// rows are locked in one order (as ingestion's marks are).
using TenantSet = std::set<std::string, std::less<>>;

// Folds a day's events into one Group per (tenant, agent). Events of one group often arrive
// together, so the previous group is tried before the hash map; the key buffer is reused,
// so a row costs no allocation once its group exists.
class DayFold {
 public:
  void add(std::string_view tenant, std::string_view agent, int64_t at, bool ok, int64_t rt,
           int64_t tokens, int64_t cost) {
    key_.assign(tenant);
    key_.push_back('\0');
    key_.append(agent);
    if (!g_ || key_ != last_key_) {
      auto it = groups_.find(std::string_view(key_));
      if (it == groups_.end()) it = groups_.emplace(key_, Group{}).first;
      g_ = &it->second;
      last_key_ = key_;
    }
    g_->ok += ok;
    g_->response_sum += rt;
    g_->tokens += tokens;
    g_->cost += cost;
    g_->last_ms = std::max(g_->last_ms, at);
    g_->response_times.push_back(
        static_cast<int32_t>(std::clamp<int64_t>(rt, INT32_MIN, INT32_MAX)));
  }
  // Primary-key order ('\0' sorts first, so this is tenant, then agent).
  std::vector<std::pair<const std::string*, Group*>> ordered() {
    std::vector<std::pair<const std::string*, Group*>> out;
    out.reserve(groups_.size());
    for (auto& [k, grp] : groups_) out.emplace_back(&k, &grp);
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return *a.first < *b.first; });
    return out;
  }

 private:
  StringMap<Group> groups_;
  std::string key_, last_key_;
  Group* g_ = nullptr;
};

// Streams the day's events of the wanted tenants into the fold, reading each row in place
// (no Row per event: this loop is most of the aggregation's time).
void scan_day(Conn& c, int64_t day, const TenantSet* tenants, DayFold& fold) {
  c.each_view(kScanDay, {day}, [&](const RowView& r) {
    std::string_view tenant = r.text(0);
    if (tenants && !tenants->count(tenant)) return;
    fold.add(tenant, r.text(1), r.i64(2), r.i64(3) != 0, r.i64(4), r.i64(5), r.i64(6));
  });
}

// Replaces one day; runs inside the caller's transaction.
//
// The day's dirty marks are deleted *before* its events are read, and ingestion writes its
// mark with an upsert that updates the row (usage_ingest.cpp). That makes the mark
// protocol correct without relying on a global lock, including PostgreSQL under READ
// COMMITTED where every statement takes a fresh snapshot: an ingest transaction that
// commits after our scan's snapshot either (a) inserted a mark row our DELETE could not
// see (uncommitted), so the mark survives; (b) updated an existing mark, so our DELETE
// waited for its row lock and, once it committed, deleted the new version — and then our
// scan, a later statement, sees its events; or (c) upserts after our DELETE, so it waits
// for our commit (the conflicting row is being deleted) and then inserts a fresh mark.
// Either the events are counted or the day stays dirty; never neither. (Clearing the
// marks after the scan, as before, lost events committed between the two statements.)
// On SQLite the write transaction excludes ingestion altogether.
void aggregate_one_day(Conn& c, int64_t day, const TenantSet* tenants, const std::string& now,
                       AggregateStats& st) {
  const std::string d = format_day(day);
  if (tenants)
    for (auto& t : *tenants) c.exec(kClearDirtyTenant, {d, t});
  else
    c.exec(kClearDirty, {d});

  DayFold fold;
  scan_day(c, day, tenants, fold);
  // Running totals hook: the day's per-tenant totals before its rows are replaced (for a
  // set of tenants, every tenant of the day: the others' totals do not change).
  const std::optional<std::string> one_tenant =
      tenants && tenants->size() == 1 ? std::optional(*tenants->begin()) : std::nullopt;
  const DayTotals totals_before = day_request_totals(c, d, one_tenant);
  if (tenants)
    for (auto& t : *tenants) c.exec(kDeleteDayTenant, {t, d});
  else
    c.exec(kDeleteDay, {d});

  const std::string many = insert_sql(kRowsPerInsert), one = insert_sql(1);
  Params batch;
  batch.reserve(kColumns * kRowsPerInsert);
  for (auto& [kp, gp] : fold.ordered()) {
    const std::string& k = *kp;
    Group& grp = *gp;
    size_t sep = k.find('\0');
    auto n = static_cast<int64_t>(grp.response_times.size());
    int64_t p = p95(grp.response_times);
    batch.insert(batch.end(),
                 {k.substr(0, sep), k.substr(sep + 1), d, n, grp.ok, n - grp.ok, grp.response_sum,
                  p, grp.tokens, grp.cost, format_rfc3339(grp.last_ms), now});
    if (batch.size() == kColumns * kRowsPerInsert) {
      c.exec(many, batch);
      batch.clear();
    }
    st.events += n;
    st.rows += 1;
  }
  for (size_t i = 0; i < batch.size(); i += kColumns)
    c.exec(one, Params(batch.begin() + static_cast<std::ptrdiff_t>(i),
                       batch.begin() + static_cast<std::ptrdiff_t>(i + kColumns)));
  // Running totals hook: the day's rows are replaced; bring tenant_usage_cumulative along.
  apply_day_totals(c, d, totals_before, day_request_totals(c, d, one_tenant));
  st.days += 1;
}

}  // namespace

namespace {

AggregateStats aggregate(Conn& c, int64_t from_day, int64_t to_day, const TenantSet* tenants,
                         int64_t now_ms) {
  AggregateStats st;
  const std::string now = format_rfc3339(now_ms);
  for (int64_t day = from_day; day <= to_day; ++day) {
    if (c.in_transaction()) {
      aggregate_one_day(c, day, tenants, now, st);
    } else {
      Tx tx(c, true);
      aggregate_one_day(c, day, tenants, now, st);
      tx.commit();
    }
  }
  return st;
}

}  // namespace

AggregateStats aggregate_days(Conn& c, int64_t from_day, int64_t to_day,
                              const std::optional<std::string>& tenant_id, int64_t now_ms) {
  if (!tenant_id) return aggregate(c, from_day, to_day, nullptr, now_ms);
  TenantSet one{*tenant_id};
  return aggregate(c, from_day, to_day, &one, now_ms);
}

AggregateStats aggregate_day_of_tenants(Conn& c, int64_t day,
                                        const std::vector<std::string>& tenant_ids,
                                        int64_t now_ms) {
  if (tenant_ids.empty()) return {};
  TenantSet set(tenant_ids.begin(), tenant_ids.end());
  return aggregate(c, day, day, &set, now_ms);
}

std::vector<int64_t> dirty_days(Conn& c, const std::optional<std::string>& tenant_id) {
  Rows rows = tenant_id ? c.query(
                              "SELECT DISTINCT day FROM usage_dirty_days WHERE tenant_id = ? "
                              "ORDER BY day",
                              {*tenant_id})
                        : c.query("SELECT DISTINCT day FROM usage_dirty_days ORDER BY day");
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (auto& r : rows)
    if (auto d = parse_day(r.str(0))) out.push_back(*d);
  return out;
}

// --- Issue 14: statements moved here from jobs/aggregation_job and jobs/command_effects ---

namespace {
constexpr const char* kDirtyMarks =
    "SELECT day, tenant_id FROM usage_dirty_days ORDER BY day, tenant_id LIMIT ?";
constexpr const char* kAgentRequests =
    "SELECT tenant_id, agent_id, count(*), sum(CASE WHEN success = 0 THEN 1 ELSE 0 END) "
    "FROM usage_events WHERE " PAINEL_USAGE_EVENT_DAY
    " BETWEEN ? AND ? AND occurred_at_ms >= ? "
    "AND occurred_at_ms <= ?";
}  // namespace

std::vector<DirtyMark> dirty_marks(Conn& c, int64_t limit) {
  std::vector<DirtyMark> out;
  for (auto& r : c.query(kDirtyMarks, {limit}))
    if (auto day = parse_day(r.str(0))) out.push_back({*day, r.str(1)});
  return out;
}

void each_agent_requests(Conn& c, int64_t from_ms, int64_t to_ms,
                         const std::optional<std::string>& tenant_id,
                         const std::function<void(const AgentRequests&)>& fn) {
  std::string sql = kAgentRequests;
  Params p{day_of_ms(from_ms), day_of_ms(to_ms), from_ms, to_ms};
  if (tenant_id) {
    sql += " AND tenant_id = ?";
    p.emplace_back(*tenant_id);
  }
  c.each(sql + " GROUP BY tenant_id, agent_id", p, [&](const Row& r) {
    fn({r.str(0), r.str(1), r.i64(2), r.i64(3)});
  });
}

}  // namespace painel::store
