#pragma once
// Running request totals per tenant (tenant_usage_cumulative), so that "requests on the
// days after X" is two index seeks instead of a sum over a month of daily rows.
//
// Invariant, kept in the transaction that replaces a day of tenant_usage_daily: one row per
// (tenant, day) that has daily rows, holding the tenant's total_requests summed over every
// day up to and including that day. The tenants list reads it (requests_after_day_sql).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "store/db.hpp"

namespace painel::store {

// One day's total_requests per tenant (tenants without rows that day are absent).
using DayTotals = std::map<std::string, int64_t>;

// The day's per-tenant totals as tenant_usage_daily holds them now: for one tenant, or for
// every tenant of the day (which is right for any subset of tenants being rebuilt).
DayTotals day_request_totals(Conn& c, const std::string& day,
                             const std::optional<std::string>& tenant_id);

// Brings tenant_usage_cumulative in line with `day` after its daily rows were replaced:
// `before` is day_request_totals read before the replacement, `after` after it, with the
// same scope. Writes only for tenants whose total changed (an identical re-aggregation
// writes nothing). Statements go 100 tenants at a time: one read of where their totals
// start, one update per distinct change moving every total from `day` on; then an insert
// for each tenant new to the day, a delete for each that lost it. Returns the number of
// tenants changed.
int64_t apply_day_totals(Conn& c, const std::string& day, const DayTotals& before,
                         const DayTotals& after);

// A scalar SQL expression: the requests of the tenant whose id is `tenant_id_expr` (a
// column of the outer query) on every day after the one bound parameter (YYYY-MM-DD), with
// no upper bound: its latest running total minus the one at that day or before (0 if none).
std::string requests_after_day_sql(std::string_view tenant_id_expr);

}  // namespace painel::store
