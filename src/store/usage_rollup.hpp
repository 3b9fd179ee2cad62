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
//     and tenant_totals: each tenant's total_requests of the day by ordinal, as a totals
//     list (format_tenant_totals; migration 29: base-32 digits, no separator);
//   - per block of kRollupBlockDays days aligned on the epoch (first day a multiple of 8
//     days since 1970-01-01), platform_usage_blocks (migration 29): agent_id '' with the
//     sum of its days' tenant_totals (no row if all zero), and per agent with day rows in
//     it the OR of their tenant_bits; so a 90-day period reads ~11 block rows and ≤ 14 day
//     rows instead of 90 day rows. Lists change by the days' deltas; an agent's block
//     bitmap is ORed again from its ≤ 8 days when a day's bits change (a cleared bit may
//     be set in another day);
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

// One daily row an incremental fold added to (a fold only adds events, so rows only grow):
// the figures added, whether the row is new, and whether its tenant had no row of the day
// before (the same on every row of the tenant).
struct RollupGrowth {
  std::string_view tenant, agent;
  RollupFigures added;
  bool new_row = false, new_tenant = false;
};

// apply_rollup_delta for a fold, from what it added alone: the day's rows need not be read
// twice and compared. `rows` are grouped by tenant (the fold's key order).
void apply_rollup_growth(Conn& c, const std::string& day, const std::vector<RollupGrowth>& rows);

// Recomputes the day's rollup rows from its daily rows (an idempotent overwrite; no daily
// rows: no rollup rows). Runs in the caller's transaction.
void rebuild_platform_usage_day(Conn& c, const std::string& day);

// Recomputes every block row from the day rows (the backfill's last step).
void rebuild_platform_usage_blocks(Conn& c);

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
// The tenants that may rank in the period's top `top` by requests: each tenant's requests
// are the sum of the lists of the blocks inside the period and of its other days
// (rollup_spans), by ordinal; returned are those with a positive total at least the top-th
// largest (ties included: the caller breaks them by id), named from usage_tenant_ordinals
// (in one statement, or one read of every ordinal past kNameOneByOne of them).
constexpr size_t kNameOneByOne = 64;
std::vector<std::pair<std::string, int64_t>> rollup_tenant_totals(Conn& c, const std::string& from,
                                                                  const std::string& to,
                                                                  size_t top);
// Distinct tenants that used each agent in the period: popcount of the OR of its bitmaps
// (blocks inside the period and its other days, as rollup_tenant_totals), for every agent
// asked (0 for one without rows), in one statement.
std::map<std::string, int64_t> rollup_agent_tenants(Conn& c,
                                                    const std::vector<std::string>& agent_ids,
                                                    const std::string& from, const std::string& to);

// Blocks of the totals lists: kRollupBlockDays days from a day number multiple of it.
constexpr int64_t kRollupBlockDays = 8;
int64_t rollup_block_of(int64_t day);  // the first day of the day's block
// A period [from, to] (day numbers) as the blocks wholly inside it (first days
// blocks_from..blocks_to, stepping kRollupBlockDays; none if blocks_from > blocks_to) and
// the days before and after them (head_from..head_to, tail_from..tail_to; empty if from >
// to). Without a whole block, every day is in the head.
struct RollupSpans {
  int64_t head_from, head_to, blocks_from, blocks_to, tail_from, tail_to;
};
RollupSpans rollup_spans(int64_t from, int64_t to);

// Bitmap helpers (exposed for tests).
std::string bitmap_set(const std::string& hex, int64_t ordinal, bool on);
void bitmap_or(std::vector<uint8_t>& acc, std::string_view hex);
int64_t bitmap_count(const std::vector<uint8_t>& bits);
// Totals lists (tenant_totals, block lists): per ordinal from 0, a number in base 32, most
// significant digit first, every digit but the last from "A".."Z" "wxyz_." and the last
// from "0".."9" "a".."v"; a negative number (a delta on a day not yet backfilled) starts
// with '-'. No separator, 0 is "0", trailing zeros dropped. 750 is "Xe" (23 × 32 + 14):
// 2 characters for a day's total of a few hundred, where decimal with commas took 4.
std::string format_tenant_totals(const std::vector<int64_t>& v);
// Adds a totals list to `acc` (by ordinal).
void tenant_totals_add(std::vector<int64_t>& acc, std::string_view list);

}  // namespace painel::store
