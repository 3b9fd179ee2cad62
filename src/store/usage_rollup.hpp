#pragma once
// Platform usage rollup (issue 20, migration 28): platform_usage_daily, the day's sums over
// every tenant, so /internal/usage/overview reads ≤ 90 day rows and the agents' rows of the
// period instead of every daily row of every tenant.
//
// Invariant, once usage_rollup_state.complete = 1, kept in the transaction that changes
// tenant_usage_daily (aggregate_one_day, fold_one_day in usage_aggregate.cpp):
//   - per (day, agent) with daily rows: the sums of total_requests, successful_requests and
//     sum_response_time_ms over the tenants' rows, `tenants` = the tenants with a row, and
//     tenant_bits = those tenants as a bitmap over usage_tenant_ordinals (hex, byte i holds
//     ordinals 8i..8i+7, lowest bit first, no trailing zero byte);
//   - per day with daily rows, agent_id '': the day's sums and its active tenants, no bits,
//     and tenant_totals: each tenant's total_requests of the day by ordinal (decimal,
//     comma-separated, 0 empty, no trailing empties);
//   - no row for a (day, agent) or day without daily rows;
//   - every tenant with a daily row has an ordinal (dense from 0, assigned max+1 by the
//     writer, which holds the global write lock on PostgreSQL; SQLite has one writer).
// Before it is complete (a database migrated with daily rows, or rows written behind the
// aggregation's back), the aggregation job backfills one day per transaction
// (backfill_rollup); deltas applied to a day before its backfill are overwritten with the
// truth, the ones after apply on top of it.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// One daily row's figures the rollup sums.
struct RollupFigures {
  int64_t total = 0, successful = 0, response_ms = 0;
};
// Daily rows of one day by (tenant, agent): for a set of tenants, every row of each.
using RollupRows = std::map<std::pair<std::string, std::string>, RollupFigures>;

// The day's rows (YYYY-MM-DD) of the given tenants as tenant_usage_daily holds them now.
RollupRows rollup_rows_of(Conn& c, const std::string& day, const std::vector<std::string>& tenants);

// Applies the change from `before` to `after` (the same tenants' rows of the day, read
// before and after they were written) to the day's rollup rows: sums, tenant counts and
// bits of the agents and of the day. Writes only the agents that changed.
void apply_rollup_delta(Conn& c, const std::string& day, const RollupRows& before,
                        const RollupRows& after);

// Recomputes the day's rollup rows from its daily rows (an idempotent overwrite; no daily
// rows: no rollup rows). Runs in the caller's transaction.
void rebuild_platform_usage_day(Conn& c, const std::string& day);

// Whether the rollup holds every day (usage_rollup_state.complete).
bool rollup_complete(Conn& c);
// Marks the rollup incomplete: the next backfill rebuilds every day with daily rows. For
// daily rows written behind the aggregation's back (SQL fixtures, the scale benchmark).
void mark_rollup_incomplete(Conn& c);

// One backfill pass: rebuilds up to `max_days` days with daily rows after the last one
// backfilled, each in its own write transaction, and marks the rollup complete once none is
// left. A no-op when complete. Returns the days rebuilt and whether it is now complete.
struct RollupBackfill {
  int64_t days = 0;
  bool complete = false;
};
RollupBackfill backfill_rollup(Conn& c, int64_t max_days);

// The overview's reads (usage_reads.cpp). The period's '' rows (by day).
struct RollupDay {
  std::string day;
  RollupFigures sums;
  int64_t tenants = 0;
};
std::vector<RollupDay> rollup_days(Conn& c, const std::string& from, const std::string& to);
// The agents' sums over the period (tenants unused: see rollup_agent_tenants).
std::map<std::string, RollupFigures> rollup_agents(Conn& c, const std::string& from,
                                                   const std::string& to);
// Every tenant's requests in the period (nonzero only): the sum of the day rows'
// tenant_totals lists, by ordinal, named from usage_tenant_ordinals.
std::vector<std::pair<std::string, int64_t>> rollup_tenant_totals(Conn& c, const std::string& from,
                                                                  const std::string& to);
// Distinct tenants that used the agent in the period: popcount of the OR of its bitmaps.
int64_t rollup_agent_tenants(Conn& c, const std::string& agent_id, const std::string& from,
                             const std::string& to);

// Bitmap helpers (exposed for tests).
std::string bitmap_set(const std::string& hex, int64_t ordinal, bool on);
void bitmap_or(std::vector<uint8_t>& acc, const std::string& hex);
int64_t bitmap_count(const std::vector<uint8_t>& bits);
// Adds a tenant_totals list to `acc` (by ordinal).
void tenant_totals_add(std::vector<int64_t>& acc, std::string_view list);

}  // namespace painel::store
