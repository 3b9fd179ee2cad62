#include "store/usage_aggregate.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <string_view>

#include "core/string_map.hpp"
#include "core/time.hpp"
#include "domain/response_sketch.hpp"
#include "store/usage_rollup.hpp"
#include "store/usage_totals.hpp"

namespace painel::store {
namespace {

constexpr int64_t kDayMs = 86400000;

// A day is rebuilt from one streamed scan of its events through the day index (migration
// 26: usage_events is indexed by (local_day, id) only, so ingestion appends to one place per day),
// folded per (tenant, agent) in memory; when only some tenants are rebuilt the others'
// rows are skipped in the fold. This is several times faster on SQLite than INSERT ...
// SELECT ... GROUP BY (whose sorter dominates) and lets p95 be exact: the nearest-rank
// percentile, found with nth_element over the group's response times (4 bytes per event
// of the day).
// Events through the fold bound only (fold_bound): a later one is left to the next fold.
constexpr const char* kScanDay =
    "SELECT tenant_id, agent_id, occurred_at_ms, success, response_time_ms, tokens_used, "
    "cost_cents FROM usage_events WHERE " PAINEL_USAGE_EVENTS_OF_DAY " AND id <= ?";
constexpr const char* kInsertColumns =
    "INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, "
    "successful_requests, failed_requests, sum_response_time_ms, p95_response_time_ms, "
    "total_tokens, cost_cents, last_request_at, aggregated_at, response_sketch) VALUES ";
// A fold writes rows whole, computed from the stored row and the new events.
constexpr const char* kUpsertSuffix =
    " ON CONFLICT(tenant_id, day, agent_id) DO UPDATE SET total_requests = "
    "excluded.total_requests, successful_requests = excluded.successful_requests, "
    "failed_requests = excluded.failed_requests, sum_response_time_ms = "
    "excluded.sum_response_time_ms, p95_response_time_ms = excluded.p95_response_time_ms, "
    "total_tokens = excluded.total_tokens, cost_cents = excluded.cost_cents, last_request_at = "
    "excluded.last_request_at, aggregated_at = excluded.aggregated_at, response_sketch = "
    "excluded.response_sketch";
constexpr size_t kColumns = 13, kRowsPerInsert = 50;

// The fold marks (migration 23).
constexpr const char* kFoldMark = "SELECT folded_through_id FROM usage_fold_days WHERE day = ?";
constexpr const char* kSetFoldMark =
    "INSERT INTO usage_fold_days(day, folded_through_id, folded_at) VALUES (?,?,?) "
    "ON CONFLICT(day) DO UPDATE SET folded_through_id = excluded.folded_through_id, "
    "folded_at = excluded.folded_at";
constexpr const char* kTenantFoldMarks =
    "SELECT tenant_id, folded_through_id FROM usage_fold_tenant_days WHERE day = ?";
constexpr const char* kSetTenantFoldMark =
    "INSERT INTO usage_fold_tenant_days(day, tenant_id, folded_through_id) VALUES (?,?,?) "
    "ON CONFLICT(day, tenant_id) DO UPDATE SET folded_through_id = excluded.folded_through_id";
constexpr const char* kClearTenantFoldMarks = "DELETE FROM usage_fold_tenant_days WHERE day = ?";
constexpr const char* kMaxEventId = "SELECT coalesce(max(id), 0) FROM usage_events";

// PostgreSQL advisory lock key of the ingest barrier (enter_usage_ingest / fold_bound).
constexpr int64_t kIngestBarrier = 7022364355625380024;

struct Group {
  int64_t ok = 0, response_sum = 0, tokens = 0, cost = 0, last_ms = INT64_MIN;
  std::vector<int32_t> response_times;
};

std::string insert_sql(size_t rows, const char* suffix = "") {
  return kInsertColumns + placeholder_rows(kColumns, rows) + suffix;
}

// The highest usage_events id every event at or below which is committed (or rolled
// back): on SQLite, inside the write transaction, simply the highest id. On PostgreSQL a
// bigserial id is taken when the row is inserted, so an id below a committed one can
// still be in flight; every ingest transaction holds the barrier lock shared from before
// it takes an id (enter_usage_ingest), so once the exclusive lock is granted no id taken
// before is in flight, and ids taken after are higher than the maximum read here. The lock
// is held for an instant (session level, released at once), not for the fold.
int64_t fold_bound(Conn& c) {
  if (c.dialect() == Dialect::Postgres) {
    c.exec("SELECT pg_advisory_lock(?)", {kIngestBarrier});
    c.exec("SELECT pg_advisory_unlock(?)", {kIngestBarrier});
  }
  return c.query(kMaxEventId)[0].i64(0);
}

// Buffers rows of kColumns values and writes them kRowsPerInsert per statement.
class RowWriter {
 public:
  RowWriter(Conn& c, const char* suffix)
      : c_(c), many_(insert_sql(kRowsPerInsert, suffix)), one_(insert_sql(1, suffix)) {
    batch_.reserve(kColumns * kRowsPerInsert);
  }
  void add(std::initializer_list<Value> row) {
    batch_.insert(batch_.end(), row);
    if (batch_.size() == kColumns * kRowsPerInsert) {
      c_.exec(many_, batch_);
      batch_.clear();
    }
  }
  void flush() {
    for (size_t i = 0; i < batch_.size(); i += kColumns)
      c_.exec(one_, Params(batch_.begin() + static_cast<std::ptrdiff_t>(i),
                           batch_.begin() + static_cast<std::ptrdiff_t>(i + kColumns)));
    batch_.clear();
  }

 private:
  Conn& c_;
  const std::string many_, one_;
  Params batch_;
};

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

// A map of groups keyed tenant '\0' agent, in primary-key order ('\0' sorts first, so this
// is tenant, then agent): the order rows are written and tenants listed in.
template <class V>
std::vector<std::pair<const std::string*, V*>> in_key_order(StringMap<V>& groups) {
  std::vector<std::pair<const std::string*, V*>> out;
  out.reserve(groups.size());
  for (auto& [k, g] : groups) out.emplace_back(&k, &g);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return *a.first < *b.first; });
  return out;
}

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
  std::vector<std::pair<const std::string*, Group*>> ordered() { return in_key_order(groups_); }

 private:
  StringMap<Group> groups_;
  std::string key_, last_key_;
  Group* g_ = nullptr;
};

// Streams the day's events of the wanted tenants into the fold, reading each row in place
// (no Row per event: this loop is most of the aggregation's time).
void scan_day(Conn& c, int64_t day, int64_t bound, const TenantSet* tenants, DayFold& fold) {
  c.each_view(kScanDay, {day, (day - 1) * kDayMs, (day + 2) * kDayMs, bound},
              [&](const RowView& r) {
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
                       AggregateStats& st, std::vector<std::string>* day_tenants = nullptr) {
  const std::string d = format_day(day);
  if (tenants)
    for (auto& t : *tenants) c.exec(kClearDirtyTenant, {d, t});
  else
    c.exec(kClearDirty, {d});

  const int64_t bound = fold_bound(c);  // after the marks' delete: see fold_bound
  DayFold fold;
  scan_day(c, day, bound, tenants, fold);
  // Running totals hook: the day's per-tenant totals before its rows are replaced (for a
  // set of tenants, every tenant of the day: the others' totals do not change).
  const std::optional<std::string> one_tenant =
      tenants && tenants->size() == 1 ? std::optional(*tenants->begin()) : std::nullopt;
  const DayTotals totals_before = day_request_totals(c, d, one_tenant);
  // Rollup hook (a set of tenants): their rows before, for the delta (usage_rollup.hpp).
  const std::vector<std::string> tenant_list =
      tenants ? std::vector<std::string>(tenants->begin(), tenants->end())
              : std::vector<std::string>();
  const RollupRows rollup_before = tenants ? rollup_rows_of(c, d, tenant_list) : RollupRows();
  if (tenants)
    for (auto& t : *tenants) c.exec(kDeleteDayTenant, {t, d});
  else
    c.exec(kDeleteDay, {d});

  RowWriter out(c, "");
  for (auto& [kp, gp] : fold.ordered()) {
    const std::string& k = *kp;
    Group& grp = *gp;
    size_t sep = k.find('\0');
    auto n = static_cast<int64_t>(grp.response_times.size());
    domain::ResponseSketch sketch;
    for (int32_t rt : grp.response_times) sketch.add(rt);
    int64_t p = p95(grp.response_times);
    out.add({k.substr(0, sep), k.substr(sep + 1), d, n, grp.ok, n - grp.ok, grp.response_sum, p,
             grp.tokens, grp.cost, format_rfc3339(grp.last_ms), now, sketch.encode()});
    std::vector<int32_t>().swap(grp.response_times);  // its memory, before the next group
    st.events += n;
    st.rows += 1;
  }
  out.flush();
  // The fold marks: the whole day is folded through `bound`; a tenant rebuilt alone is,
  // beyond the day's mark (fold_day skips its events up to there).
  if (tenants) {
    for (auto& t : *tenants) c.exec(kSetTenantFoldMark, {d, t, bound});
  } else {
    c.exec(kSetFoldMark, {d, bound, now});
    c.exec(kClearTenantFoldMarks, {d});
  }
  // Running totals hook: the day's rows are replaced; bring tenant_usage_cumulative along.
  const DayTotals totals_after = day_request_totals(c, d, one_tenant);
  apply_day_totals(c, d, totals_before, totals_after);
  // Rollup hook: the whole day is recomputed from its new rows (it was just scanned whole);
  // a set of tenants moves it by their rows' change.
  if (tenants)
    apply_rollup_delta(c, d, rollup_before, rollup_rows_of(c, d, tenant_list));
  else
    rebuild_platform_usage_day(c, d);
  if (day_tenants) {  // every tenant with rows of the day, before or after
    std::set<std::string> all;
    for (auto& [t, n] : totals_before) all.insert(t);
    for (auto& [t, n] : totals_after) all.insert(t);
    day_tenants->assign(all.begin(), all.end());
  }
  st.days += 1;
}

}  // namespace

namespace {

AggregateStats aggregate(Conn& c, int64_t from_day, int64_t to_day, const TenantSet* tenants,
                         int64_t now_ms) {
  AggregateStats st;
  const std::string now = format_rfc3339(now_ms);
  const int64_t kept_from = raw_events_kept_from(c).value_or(INT64_MIN);
  for (int64_t day = std::max(from_day, kept_from); day <= to_day; ++day) {  // closed: skip
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

namespace {

// One (tenant, agent) of a fold: its new events' sums and response-time sketch; once the
// stored rows are read, whether it has one and that row's figures, its sketch merged in.
struct FoldGroup {
  int64_t n = 0, ok = 0, response_sum = 0, tokens = 0, cost = 0, last_ms = INT64_MIN;
  domain::ResponseSketch sketch;  // the new events'
  std::string merged;             // with a stored row: its sketch merged with them, encoded
  int64_t merged_p95 = 0;
  bool stored = false;
  int64_t stored_n = 0, stored_ok = 0, stored_response_sum = 0, stored_tokens = 0, stored_cost = 0,
          stored_last_ms = INT64_MIN;
};

// The new events: an index range (day, id) of migration 23's usage_events_day.
constexpr const char* kScanNew =
    "SELECT id, tenant_id, agent_id, occurred_at_ms, success, response_time_ms, tokens_used, "
    "cost_cents FROM usage_events WHERE " PAINEL_USAGE_EVENTS_OF_DAY " AND id > ? AND id <= ?";
// The day's rows of a chunk of tenants (for_in_chunks, store/db.hpp).
const std::string& stored_rows_sql() {
  static const std::string sql =
      "SELECT tenant_id, agent_id, total_requests, successful_requests, sum_response_time_ms, "
      "total_tokens, cost_cents, last_request_at, response_sketch FROM tenant_usage_daily "
      "WHERE day = ? AND tenant_id IN " +
      in_list_placeholders();
  return sql;
}

// Merges the stored row's sketch text (its count must be the row's `total`) with the
// group's new values into g.merged; false when the row has no valid sketch. Version-2
// texts merge without being decoded; older ones, and merges that collapse, the long way.
bool merge_stored_sketch(std::optional<std::string_view> text, int64_t total, FoldGroup& g) {
  if (!text) return false;
  if (auto m = g.sketch.merge_into_text(*text, g.merged)) {
    g.merged_p95 = m->p95;
    return m->stored_count == total;
  }
  auto sketch = domain::ResponseSketch::decode(*text);
  if (!sketch || sketch->count() != total) return false;
  sketch->merge(g.sketch);
  g.merged = sketch->encode();
  g.merged_p95 = sketch->p95();
  return true;
}

std::string_view tenant_of(std::string_view key) { return key.substr(0, key.find('\0')); }

// The touched tenants (sorted, distinct) and what the read finds of each: its day total
// before the fold (for the running totals) and whether it had any row (for the rollup).
struct FoldTenants {
  std::vector<std::string> names;
  std::vector<int64_t> total_before;
  std::vector<char> had_rows;
  size_t last = 0;  // the previous lookup's answer: a read returns a tenant's rows together
  size_t index_of(std::string_view t) {
    if (last < names.size() && names[last] == t) return last;
    last = static_cast<size_t>(std::lower_bound(names.begin(), names.end(), t) - names.begin());
    return last;
  }
};

// Folds the day's new events into its rows; runs inside the caller's transaction. False,
// having written nothing but the cleared dirty marks, when the day must be rebuilt whole
// instead: it has no fold mark, or a row it would add to has no valid sketch.
//
// Cost per touched row (~15 µs at 3 000 rows, bench/aggregate_incremental.sh): the read of
// the row, one pass over its sketch's text (merge_into_text) and the upsert. The running
// totals and the rollup take what was added (vectors in key order): reading the touched
// tenants' rows into maps keyed by strings, twice, was a fifth of the pass.
bool fold_one_day(Conn& c, int64_t day, const std::string& now, FoldStats& fs) {
  const std::string d = format_day(day);
  // Marks first, then the bound, then the events: the order aggregate_one_day explains.
  c.exec(kClearDirty, {d});
  const int64_t bound = fold_bound(c);
  Rows mark = c.query(kFoldMark, {d});
  if (mark.empty()) return false;
  const int64_t from = mark[0].i64(0);
  std::map<std::string, int64_t, std::less<>> tenant_marks;
  for (auto& r : c.query(kTenantFoldMarks, {d})) tenant_marks.emplace(r.str(0), r.i64(1));

  StringMap<FoldGroup> groups;  // by tenant '\0' agent; ordered once below
  std::string key;
  const Params scan{day, (day - 1) * kDayMs, (day + 2) * kDayMs, from, bound};
  c.each_view(kScanNew, scan, [&](const RowView& r) {
    std::string_view tenant = r.text(1);
    if (!tenant_marks.empty())
      if (auto it = tenant_marks.find(tenant); it != tenant_marks.end() && r.i64(0) <= it->second)
        return;  // already in the rows: its tenant was rebuilt alone through there
    key.assign(tenant);
    key.push_back('\0');
    key.append(r.text(2));
    auto it = groups.find(std::string_view(key));
    if (it == groups.end()) it = groups.emplace(key, FoldGroup{}).first;
    FoldGroup& g = it->second;
    g.n += 1;
    g.ok += r.i64(4) != 0;
    g.response_sum += r.i64(5);
    g.tokens += r.i64(6);
    g.cost += r.i64(7);
    g.last_ms = std::max(g.last_ms, r.i64(3));
    g.sketch.add(r.i64(5));
  });

  const auto ordered = in_key_order(groups);
  FoldTenants tenants;
  for (auto& [k, g] : ordered)
    if (tenants.names.empty() || tenants.names.back() != tenant_of(*k))
      tenants.names.emplace_back(tenant_of(*k));
  tenants.total_before.assign(tenants.names.size(), 0);
  tenants.had_rows.assign(tenants.names.size(), 0);

  // The touched tenants' rows of the day: each tenant's total and, for a row the fold adds
  // to, its figures and sketch (merged into the group's at once). Read in place (no Row per
  // row).
  bool legacy = false;
  Params p;
  for_in_chunks(
      tenants.names.size(), [&](size_t i) { return tenants.names[i]; },
      [&](const Params& chunk) {
        p.assign(1, d);
        p.insert(p.end(), chunk.begin(), chunk.end());
        c.each_view(stored_rows_sql(), p, [&](const RowView& r) {
          if (legacy) return;
          const std::string_view tenant = r.text(0), agent = r.text(1);
          const int64_t total = r.i64(2);
          const size_t t = tenants.index_of(tenant);
          tenants.total_before[t] += total;
          tenants.had_rows[t] = 1;
          key.assign(tenant);
          key.push_back('\0');
          key.append(agent);
          auto it = groups.find(std::string_view(key));
          if (it == groups.end()) return;
          FoldGroup& g = it->second;
          if (!merge_stored_sketch(r.is_null(8) ? std::nullopt : std::optional(r.text(8)), total,
                                   g)) {
            legacy = true;  // written before sketches (or damaged): rebuild the day
            return;
          }
          g.stored = true;
          g.stored_n = total;
          g.stored_ok = r.i64(3);
          g.stored_response_sum = r.i64(4);
          g.stored_tokens = r.i64(5);
          g.stored_cost = r.i64(6);
          g.stored_last_ms =
              (r.is_null(7) ? std::nullopt : parse_rfc3339(r.text(7))).value_or(INT64_MIN);
        });
        return !legacy;
      });
  if (legacy) return false;

  RowWriter out(c, kUpsertSuffix);
  std::vector<RollupGrowth> growth;
  growth.reserve(ordered.size());
  std::vector<int64_t> added(tenants.names.size(), 0);
  size_t t = 0;
  for (auto& [kp, gp] : ordered) {
    const std::string_view k = *kp;
    FoldGroup& g = *gp;
    const size_t sep = k.find('\0');
    const std::string_view tenant = k.substr(0, sep), agent = k.substr(sep + 1);
    while (tenants.names[t] != tenant) ++t;  // both in key order
    const int64_t n = g.stored_n + g.n, ok = g.stored_ok + g.ok;
    if (!g.stored) {
      g.merged = g.sketch.encode();
      g.merged_p95 = g.sketch.p95();
    }
    out.add({std::string(tenant), std::string(agent), d, n, ok, n - ok,
             g.stored_response_sum + g.response_sum, g.merged_p95, g.stored_tokens + g.tokens,
             g.stored_cost + g.cost, format_rfc3339(std::max(g.stored_last_ms, g.last_ms)), now,
             std::move(g.merged)});
    added[t] += g.n;
    growth.push_back({tenant, agent, {g.n, g.ok, g.response_sum}, !g.stored, !tenants.had_rows[t]});
    fs.stats.events += g.n;
    fs.stats.rows += 1;
  }
  out.flush();
  // Running totals hook: each touched tenant's day total moves by what was added.
  DayTotals before, after;
  for (size_t i = 0; i < tenants.names.size(); ++i) {
    if (tenants.had_rows[i])
      before.emplace_hint(before.end(), tenants.names[i], tenants.total_before[i]);
    after.emplace_hint(after.end(), tenants.names[i], tenants.total_before[i] + added[i]);
  }
  apply_day_totals(c, d, before, after);
  apply_rollup_growth(c, d, growth);  // rollup hook (usage_rollup.hpp)
  c.exec(kSetFoldMark, {d, bound, now});
  if (!tenant_marks.empty()) c.exec(kClearTenantFoldMarks, {d});  // all at or below `bound`
  fs.stats.days = 1;
  fs.tenants = std::move(tenants.names);
  return true;
}

}  // namespace

FoldStats fold_day(Conn& c, int64_t day, int64_t now_ms) {
  const std::string now = format_rfc3339(now_ms);
  auto run = [&] {
    FoldStats fs;
    if (day < raw_events_kept_from(c).value_or(INT64_MIN)) {  // closed by retention
      c.exec(kClearDirty, {format_day(day)});
      return fs;
    }
    if (!fold_one_day(c, day, now, fs)) {
      fs = FoldStats{};
      fs.rebuilt = true;
      aggregate_one_day(c, day, nullptr, now, fs.stats, &fs.tenants);
    }
    return fs;
  };
  if (c.in_transaction()) return run();
  Tx tx(c, true);
  FoldStats fs = run();
  tx.commit();
  return fs;
}

namespace {
constexpr const char* kKeptFrom = "SELECT kept_from_day FROM usage_raw_retention WHERE id = 1";
constexpr const char* kSetKeptFrom =
    "INSERT INTO usage_raw_retention(id, kept_from_day) VALUES (1, ?) ON CONFLICT(id) DO "
    "UPDATE SET kept_from_day = excluded.kept_from_day";
// Through the (day, id) index; the highest id stays (see delete_raw_events_before).
constexpr const char* kDeleteRawBefore =
    "DELETE FROM usage_events WHERE id IN (SELECT id FROM usage_events "
    "WHERE " PAINEL_USAGE_EVENT_DAY " < ? AND id < (SELECT max(id) FROM usage_events) LIMIT ?)";
}  // namespace

std::optional<int64_t> raw_events_kept_from(Conn& c) {
  Rows r = c.query(kKeptFrom);
  if (r.empty()) return std::nullopt;
  return parse_day(r[0].str(0));
}

void close_raw_days_before(Conn& c, int64_t before_day) {
  if (before_day > raw_events_kept_from(c).value_or(INT64_MIN))
    c.exec(kSetKeptFrom, {format_day(before_day)});
}

int64_t delete_raw_events_before(Conn& c, int64_t before_day, int64_t limit) {
  close_raw_days_before(c, before_day);
  return c.exec(kDeleteRawBefore, {before_day, limit});
}

void enter_usage_ingest(Conn& c) {
  if (c.dialect() == Dialect::Postgres)
    c.exec("SELECT pg_advisory_xact_lock_shared(?)", {kIngestBarrier});
}

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
  // An event's local day is within one day of its UTC date: the day range is widened by
  // one each side, and the instants bound it exactly.
  Params p{day_of_ms(from_ms) - 1, day_of_ms(to_ms) + 1, from_ms, to_ms};
  if (tenant_id) {
    sql += " AND tenant_id = ?";
    p.emplace_back(*tenant_id);
  }
  c.each(sql + " GROUP BY tenant_id, agent_id", p, [&](const Row& r) {
    fn({r.str(0), r.str(1), r.i64(2), r.i64(3)});
  });
}

}  // namespace painel::store
