#include "store/usage_ingest.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "store/audit.hpp"
#include "store/usage_aggregate.hpp"

namespace painel::store {
namespace {

// The contracted (tenant, agent) pairs of a batch's tenants are read with one query per
// kTenantsPerQuery distinct tenants; the IN list is padded to that length (repeating the
// last tenant) so every call uses the same prepared statement.
constexpr size_t kTenantsPerQuery = 100;

// A group commit (IngestWriter) takes batches up to this many events per transaction.
constexpr size_t kMaxEventsPerTransaction = 50000;

// Dirty marks are upserted this many per statement (and the remainder one by one).
constexpr size_t kMarksPerInsert = 50;

// The mark is updated, not left alone, when it exists: the update row-locks it, which the
// aggregation's delete-marks-then-scan relies on (see aggregate_one_day).
constexpr const char* kMarkPrefix =
    "INSERT INTO usage_dirty_days(day, tenant_id, marked_at) VALUES ";
constexpr const char* kMarkSuffix =
    " ON CONFLICT(day, tenant_id) DO UPDATE SET marked_at = excluded.marked_at";

constexpr const char* kInsertEvent =
    "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
    "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES "
    "(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING";

// A batch's (tenant, agent) pairs, as views into its events.
struct PairHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
    auto h = std::hash<std::string_view>{};
    return h(p.first) * 31 + h(p.second);
  }
};
using Pairs = std::unordered_map<std::pair<std::string_view, std::string_view>, bool, PairHash>;

// Runs `sql`, whose one IN list has kTenantsPerQuery placeholders, over the tenants a chunk
// at a time (the last chunk padded with its last tenant), each row to `fn`.
void each_of_tenants(Conn& c, const std::string& sql, const std::vector<std::string_view>& tenants,
                     const std::function<void(const RowView&)>& fn) {
  Params params;
  for (size_t i = 0; i < tenants.size(); i += kTenantsPerQuery) {
    params.clear();
    for (size_t j = 0; j < kTenantsPerQuery; ++j)
      params.emplace_back(std::string(tenants[std::min(i + j, tenants.size() - 1)]));
    c.each_view(sql, params, fn);
  }
}

// Why event i's pair is not contracted: the slow path, run once for a rejected batch.
ReferenceCheck explain(Conn& c, size_t i, const UsageEvent& e) {
  auto at = static_cast<int64_t>(i);
  if (c.query("SELECT 1 FROM tenants WHERE id = ?", {std::string(e.tenant_id)}).empty())
    return {at, "tenant_id", "unknown tenant"};
  if (c.query("SELECT 1 FROM agents WHERE id = ?", {std::string(e.agent_id)}).empty())
    return {at, "agent_id", "unknown agent"};
  return {at, "agent_id", "agent not contracted by this tenant"};
}

}  // namespace

ReferenceCheck check_event_references(Conn& c, const std::vector<UsageEvent>& events) {
  // The batch's distinct pairs, each crossed off when the store lists it as contracted
  // (contracted rows are read in place: nothing is copied per row).
  Pairs pairs;
  std::vector<std::string_view> tenants;
  {
    std::unordered_set<std::string_view> seen;
    for (auto& e : events) {
      pairs.emplace(std::pair{e.tenant_id, e.agent_id}, false);
      if (seen.insert(e.tenant_id).second) tenants.push_back(e.tenant_id);
    }
  }
  // A contracted pair implies its tenant and agent exist (foreign keys).
  static const std::string sql =
      "SELECT tenant_id, agent_id FROM tenant_agents WHERE tenant_id IN " +
      placeholder_rows(kTenantsPerQuery, 1);
  each_of_tenants(c, sql, tenants, [&](const RowView& r) {
    if (auto it = pairs.find({r.text(0), r.text(1)}); it != pairs.end()) it->second = true;
  });
  for (size_t i = 0; i < events.size(); ++i)
    if (!pairs.at({events[i].tenant_id, events[i].agent_id})) return explain(c, i, events[i]);
  return {};
}

namespace {

// (day, tenant) pairs that received new events; ordered, so marks are locked in one order.
using DirtyDays = std::set<std::pair<int64_t, std::string_view>>;

// PostgreSQL: events are inserted this many per statement (one round trip instead of one
// per event), the remainder in statements of power-of-two sizes (at most 8 more prepared
// statements per connection, at most 8 more round trips); RETURNING names the new ones.
// usage_events is partitioned by occurred_at_ms (migration 27), so its unique key is
// (event_id, occurred_at_ms): a retried event (same id, same time) is a duplicate; the
// same id with another time is a new event there (SQLite: a duplicate).
constexpr size_t kEventsPerInsert = 256;
constexpr size_t kEventColumns = 10;

std::string insert_events_sql(size_t rows) {
  return "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
         "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES " +
         placeholder_rows(kEventColumns, rows) +
         " ON CONFLICT(event_id, occurred_at_ms) DO NOTHING RETURNING 1";
}

// The multi-row path (PostgreSQL): duplicates (stored before, or twice in the batch) are
// the rows that RETURNING does not name. No marks here: PostgreSQL marks the batch's days
// before its events (marks_first).
IngestResult insert_events_many(Conn& c, const std::vector<UsageEvent>& events,
                                const std::vector<int64_t>& days, int64_t now_ms) {
  static const std::string full = insert_events_sql(kEventsPerInsert);
  IngestResult r;
  Params p;
  p.reserve(kEventColumns * kEventsPerInsert);
  for (size_t i = 0, n = 0; i < events.size(); i += n) {
    n = kEventsPerInsert;
    while (n > events.size() - i) n /= 2;
    p.clear();
    for (size_t j = i; j < i + n; ++j) {
      auto& e = events[j];
      p.insert(p.end(), {std::string(e.event_id), std::string(e.tenant_id), std::string(e.agent_id),
                         e.occurred_at_ms, int64_t{e.success ? 1 : 0}, e.response_time_ms,
                         e.tokens_used, e.cost_cents, now_ms, days[j]});
    }
    int64_t inserted = 0;
    c.each_view(n == kEventsPerInsert ? full : insert_events_sql(n), p,
                [&](const RowView&) { ++inserted; });
    r.accepted += inserted;
    r.duplicates += static_cast<int64_t>(n) - inserted;
  }
  return r;
}

// Inserts the batch's events (days[i]: event i's local day, event_local_days); on SQLite adds
// the (local day, tenant) of each new one to `dirty` (PostgreSQL marked them already).
IngestResult insert_events(Conn& c, const std::vector<UsageEvent>& events,
                           const std::vector<int64_t>& days, int64_t now_ms, DirtyDays& dirty) {
  enter_usage_ingest(c);  // before any id is taken: see fold_bound in usage_aggregate.cpp
  // SQLite runs in-process: one reused prepared statement per event is its fastest path.
  if (c.dialect() == Dialect::Postgres) return insert_events_many(c, events, days, now_ms);
  IngestResult r;
  Params p{std::string(), std::string(), std::string(), int64_t{0}, int64_t{0},
           int64_t{0},    int64_t{0},    int64_t{0},    int64_t{0}, int64_t{0}};
  for (size_t i = 0; i < events.size(); ++i) {
    const UsageEvent& e = events[i];
    std::get<std::string>(p[0]).assign(e.event_id);  // reuses the buffers: no allocation
    std::get<std::string>(p[1]).assign(e.tenant_id);
    std::get<std::string>(p[2]).assign(e.agent_id);
    p[3] = e.occurred_at_ms;
    p[4] = int64_t{e.success ? 1 : 0};
    p[5] = e.response_time_ms;
    p[6] = e.tokens_used;
    p[7] = e.cost_cents;
    p[8] = now_ms;
    p[9] = days[i];
    if (c.exec(kInsertEvent, p) == 0) {
      ++r.duplicates;
      continue;
    }
    ++r.accepted;
    dirty.insert({days[i], e.tenant_id});  // no node for a known pair
  }
  return r;
}

void mark_dirty(Conn& c, const DirtyDays& dirty, int64_t now_ms) {
  static const std::string many = kMarkPrefix + placeholder_rows(3, kMarksPerInsert) + kMarkSuffix,
                           one = kMarkPrefix + placeholder_rows(3, 1) + kMarkSuffix;
  const std::string now = format_rfc3339(now_ms);
  Params marks;
  marks.reserve(3 * kMarksPerInsert);
  for (auto& [day, tenant] : dirty) {
    marks.insert(marks.end(), {format_day(day), std::string(tenant), now});
    if (marks.size() == 3 * kMarksPerInsert) {
      c.exec(many, marks);
      marks.clear();
    }
  }
  for (size_t i = 0; i < marks.size(); i += 3)
    c.exec(one, Params(marks.begin() + static_cast<std::ptrdiff_t>(i),
                       marks.begin() + static_cast<std::ptrdiff_t>(i + 3)));
}

// One audit row per stored batch: ingestion is the only write an ingest key can make.
void audit_batch(Conn& c, const IngestSource& s, const IngestResult& r, size_t events,
                 int64_t now_ms) {
  std::string meta = "{\"accepted\":" + std::to_string(r.accepted) +
                     ",\"duplicates\":" + std::to_string(r.duplicates) +
                     ",\"events\":" + std::to_string(events) + "}";
  audit_append(c,
               {s.key_id, "ingest_key", "usage.ingest", s.tenant_id, std::nullopt, s.request_id,
                s.ip, std::move(meta)},
               now_ms);
}

// PostgreSQL runs ingestion without the global write lock (WriteLock::RowLevel), beside
// the aggregation, which deletes a day's marks and then waits for the ingest barrier
// exclusively (aggregate_one_day, fold_bound). Were ingestion to hold the barrier (taken
// with its first event) while it upserts a mark the aggregation has just deleted, each
// would wait for the other. So the marks come first, for every (day, tenant) of the batch
// — duplicates included: a day marked with nothing new costs its next dirty pass an empty
// fold — and then the barrier and the events: the lock order of pg_conn.cpp. The mark
// protocol of aggregate_one_day holds either way: a mark upserted before the events
// either survives the aggregation's delete or makes it wait for this commit (and the
// aggregation's scan, a later statement, then sees the events). SQLite's write transaction
// excludes the aggregation: it marks only the days that received new events.
bool marks_first(Conn& c) { return c.dialect() == Dialect::Postgres; }

// The (local day, tenant) of every event (days: event_local_days).
DirtyDays days_of(const std::vector<UsageEvent>& events, const std::vector<int64_t>& days,
                  DirtyDays&& into) {
  for (size_t i = 0; i < events.size(); ++i) into.insert({days[i], events[i].tenant_id});
  return std::move(into);
}

}  // namespace

std::vector<int64_t> event_local_days(Conn& c, const std::vector<UsageEvent>& events) {
  std::vector<std::string_view> tenants;
  std::unordered_set<std::string_view> seen;  // views into the events
  for (auto& e : events)
    if (seen.insert(e.tenant_id).second) tenants.push_back(e.tenant_id);
  // One cursor per tenant (its events mostly share a day: one zone lookup per day crossed),
  // one zone lookup per distinct zone name; a tenant the store does not list (or whose zone
  // the tz database no longer knows) counts in the default zone.
  static const std::string sql =
      "SELECT id, time_zone FROM tenants WHERE id IN " + placeholder_rows(kTenantsPerQuery, 1);
  std::map<std::string, TimeZone, std::less<>> zones;
  auto zone_named = [&](std::string_view name) {
    auto it = zones.find(name);
    if (it == zones.end())
      it = zones.emplace(std::string(name), TimeZone::find_or_default(name)).first;
    return it->second;
  };
  std::unordered_map<std::string_view, LocalDayCursor> cursors;
  each_of_tenants(c, sql, tenants, [&](const RowView& r) {
    if (auto t = seen.find(r.text(0)); t != seen.end())
      cursors.try_emplace(*t, zone_named(r.text(1)));
  });
  std::vector<int64_t> days;
  days.reserve(events.size());
  for (auto& e : events) {
    auto it = cursors.find(e.tenant_id);
    if (it == cursors.end())
      it = cursors.try_emplace(e.tenant_id, zone_named(kDefaultTimeZone)).first;
    days.push_back(it->second.day_of(e.occurred_at_ms));
  }
  return days;
}

IngestResult insert_usage_events(Conn& c, const std::vector<UsageEvent>& events, int64_t now_ms) {
  DirtyDays dirty;
  const std::vector<int64_t> days = event_local_days(c, events);
  if (marks_first(c)) {
    mark_dirty(c, days_of(events, days, {}), now_ms);
    return insert_events(c, events, days, now_ms, dirty);  // `dirty` unused: marked above
  }
  auto r = insert_events(c, events, days, now_ms, dirty);
  mark_dirty(c, dirty, now_ms);
  return r;
}

IngestWriter::~IngestWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
}

IngestOutcome IngestWriter::submit(const std::vector<UsageEvent>& events, int64_t now_ms,
                                   const IngestSource* source) {
  // References are checked here, on the request's thread and in parallel with the writer,
  // against the committed state of a moment before the write: an event whose contract is
  // removed in between is stored, as it would have been had it arrived a moment earlier.
  Pending p{&events, {}, now_ms, source, {}, nullptr};
  p.outcome.rejected = check_event_references(store_.conn(), events);
  if (p.outcome.rejected.index >= 0) return std::move(p.outcome);
  p.local_days = event_local_days(store_.conn(), events);  // here too: off the writer
  std::unique_lock lk(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  queue_.push_back(&p);
  queued_.notify_one();
  written_.wait(lk, [&] { return p.done; });
  if (p.error) std::rethrow_exception(p.error);
  return std::move(p.outcome);
}

void IngestWriter::run() {
  std::vector<Pending*> group;
  std::unique_lock lk(mu_);
  for (;;) {
    queued_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    // Everything waiting, up to kMaxEventsPerTransaction (at least one batch).
    group.clear();
    size_t events = 0;
    while (!queue_.empty() &&
           (group.empty() || events + queue_.front()->events->size() <= kMaxEventsPerTransaction)) {
      events += queue_.front()->events->size();
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lk.unlock();
    std::exception_ptr error;
    try {
      // The (day, tenant) marks of the whole group are written once: after its events, or
      // before them on PostgreSQL (marks_first). The audit rows go last: the audit chain's
      // lock is held from the first of them to the commit, and is the last lock taken.
      // PostgreSQL: without the global write lock (WriteLock::RowLevel), so that instances
      // ingest side by side and no long writer (a command effect) holds ingestion up.
      // Every statement is safe beside other writers: events are inserted ON CONFLICT DO
      // NOTHING (two writers of one event_id: the second waits for the first, then skips
      // it); marks are upserts, taken in one order (DirtyDays is ordered); the ingest
      // barrier orders ids against fold marks; audit_append takes the chain's own lock.
      store_.write(WriteLock::RowLevel, [&](Conn& c) {  // may run again: start afresh
        DirtyDays dirty;
        int64_t now_ms = 0;
        for (Pending* p : group) now_ms = std::max(now_ms, p->now_ms);
        const bool first = marks_first(c);
        if (first) {
          for (Pending* p : group) dirty = days_of(*p->events, p->local_days, std::move(dirty));
          mark_dirty(c, dirty, now_ms);
        }
        for (Pending* p : group)
          p->outcome.result = insert_events(c, *p->events, p->local_days, p->now_ms, dirty);
        if (!first) mark_dirty(c, dirty, now_ms);
        for (Pending* p : group)
          if (p->source)
            audit_batch(c, *p->source, p->outcome.result, p->events->size(), p->now_ms);
      });
    } catch (...) {
      error = std::current_exception();
    }
    lk.lock();
    for (Pending* p : group) {
      p->error = error;
      p->done = true;
    }
    written_.notify_all();
  }
}

}  // namespace painel::store
