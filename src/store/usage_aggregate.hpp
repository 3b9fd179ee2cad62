#pragma once
// Daily usage aggregation: usage_events (raw) → tenant_usage_daily, one row per
// (tenant, agent, local day). A "day" here is an event's local_day: the calendar date of
// the event in its tenant's time zone when it was ingested (migration 26; events stored
// before it have their UTC date), as days since the epoch. Shared by the scheduled job, `painel
// aggregate`, the REPROCESS_QUEUE command and the demo loader, so they all produce the same rows.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// The day of a raw event as SQL: the column usage_events is indexed by, with id
// (migration 26's usage_events_day). It is within one day of the UTC date of
// occurred_at_ms (zones span UTC-12..UTC+14).
#define PAINEL_USAGE_EVENT_DAY "local_day"
// A day's events selected by the day index AND by occurred_at_ms, the partition key on
// PostgreSQL (migration 27, partitions of UTC days): the planner then reads only the
// partitions that can hold the day's events — a local date is within one day of the UTC
// date, so three partitions at most — not every partition's index. Parameters: day,
// (day - 1) * 86400000, (day + 2) * 86400000. A local date is within one day of its UTC date.
#define PAINEL_USAGE_EVENTS_OF_DAY \
  PAINEL_USAGE_EVENT_DAY " = ? AND occurred_at_ms >= ? AND occurred_at_ms < ?"

struct AggregateStats {
  int64_t days = 0;    // days processed
  int64_t events = 0;  // raw events folded into the rows written
  int64_t rows = 0;    // tenant_usage_daily rows written
};

// Rebuilds tenant_usage_daily for every day in [from_day, to_day] (days since the epoch,
// of the events' local_day), for one tenant or all. Each day is replaced whole in its own write
// transaction (or inside the caller's, if one is open) and its usage_dirty_days marks are cleared,
// so re-running gives identical rows apart from aggregated_at. p95_response_time_ms is exact
// (nearest rank); each row also gets the response-time sketch later folds merge into. The day's
// fold mark (usage_fold_days; for one tenant, usage_fold_tenant_days) moves to the last event read,
// so fold_day() continues from there. Memory: 4 bytes per event of the largest day, plus one small
// entry per row. Time: one scan of each day's events, even for one tenant (usage_events is indexed
// by day only).
AggregateStats aggregate_days(Conn& c, int64_t from_day, int64_t to_day,
                              const std::optional<std::string>& tenant_id, int64_t now_ms);

// Rebuilds one day for the given tenants only (the dirty-day pass): one scan of the day's
// events whatever the number of tenants, so a day's late events cost one scan per tick.
AggregateStats aggregate_day_of_tenants(Conn& c, int64_t day,
                                        const std::vector<std::string>& tenant_ids, int64_t now_ms);

// Incremental aggregation (issue 20): folds into the day's rows only the events of `day`
// not folded yet — ids above the day's fold mark (usage_fold_days), skipping those of a
// tenant rebuilt alone further than that (usage_fold_tenant_days) — adding counts and
// sums and merging response-time sketches (p95 from the sketch: within 1 %, see
// domain/response_sketch.hpp); then moves the mark and clears the day's dirty marks. A day
// without a mark, or with a row written before sketches existed, is rebuilt whole
// (aggregate_days) instead. Cost: one index range over the new events, one read of the
// touched tenants' rows of the day. Runs in its own write transaction (or the caller's).
struct FoldStats {
  AggregateStats stats;
  bool rebuilt = false;              // the day was rebuilt whole instead
  std::vector<std::string> tenants;  // tenants whose rows changed (sorted, distinct)
};
FoldStats fold_day(Conn& c, int64_t day, int64_t now_ms);

// PostgreSQL: ingestion holds this advisory lock shared for its transaction, before it
// takes any usage_events id; a fold takes it exclusively for an instant before reading
// the highest id, so every id at or below it belongs to a finished transaction (a
// bigserial id can commit after a higher one). A no-op on SQLite (one writer). Lock
// order: ingestion upserts its dirty marks before it enters (usage_ingest.cpp), as the
// aggregation deletes them before its fold takes the lock.
void enter_usage_ingest(Conn& c);

// Raw-event retention (SQLite; --raw-retention-days): deletes at most `limit` raw events
// of days before `before_day`, in the caller's transaction, after moving the retention
// floor (usage_raw_retention) up to `before_day`: days below it are closed, so
// aggregate_days skips them and fold_day only clears their dirty marks (their daily rows
// stay). The table's highest id is never deleted: SQLite would hand it out again, below
// a fold mark (see docs/architecture.md; SQLite only: PostgreSQL's bigserial never reuses
// an id, so its retention drops whole partitions). Returns the number of events deleted.
int64_t delete_raw_events_before(Conn& c, int64_t before_day, int64_t limit);
// Moves the retention floor up to `before_day` (never down), closing the days below it;
// PostgreSQL's retention calls it before dropping their partitions.
void close_raw_days_before(Conn& c, int64_t before_day);
// The first day whose raw events are all kept (nullopt: none deleted yet).
std::optional<int64_t> raw_events_kept_from(Conn& c);

// Days (since the epoch, ascending, distinct) marked dirty by late events, for one
// tenant or all.
std::vector<int64_t> dirty_days(Conn& c, const std::optional<std::string>& tenant_id);

// --- Issue 14: statements moved here from jobs/aggregation_job and jobs/command_effects ---

// Tenant-days marked dirty, by day then tenant, at most `limit` (the dirty-day pass takes
// them a batch at a time). Marks whose day does not parse are skipped.
struct DirtyMark {
  int64_t day = 0;
  std::string tenant_id;
};
std::vector<DirtyMark> dirty_marks(Conn& c, int64_t limit);

// Raw events with occurred_at_ms in [from_ms, to_ms] counted per tenant and agent, for one
// tenant or all: one scan of the days the range covers through the day index (there is no
// per-tenant index, see migration 4), so all tenants cost one scan.
struct AgentRequests {
  std::string tenant_id, agent_id;
  int64_t requests = 0, errors = 0;
};
void each_agent_requests(Conn& c, int64_t from_ms, int64_t to_ms,
                         const std::optional<std::string>& tenant_id,
                         const std::function<void(const AgentRequests&)>& fn);

}  // namespace painel::store
