#pragma once
// The revenue figures of /internal/billing/overview: the status history the billing maths
// (domain/billing) folds, and active tenants' MRR now.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time_zone.hpp"
#include "domain/billing.hpp"
#include "store/db.hpp"

namespace painel::store {

// Every tenant_status_history row, oldest first (by time, then insertion order).
// Each change's day is its date in `zone` (the platform zone of the billing periods).
// The overview folds these only when billing_days cannot serve its zone; the tests fold
// them as the reference for billing_days.
std::vector<domain::StatusChange> status_changes(Conn& c, const TimeZone& zone);

// The billing figures of a period from billing_mrr_hours (migration 30): the MRR before
// `from_day` and the movements of each day of [from_day, to_day] that has any, days of
// `zone`. nullopt when a day of the period does not start on a whole UTC hour (a zone with a
// :30 or :45 offset): an hour's rows could then fall on two days, and the caller folds
// status_changes instead.
struct BillingDays {
  int64_t opening_mrr_cents = 0;
  std::vector<domain::DayMovement> days;
};
std::optional<BillingDays> billing_days(Conn& c, const TimeZone& zone, int64_t from_day,
                                        int64_t to_day);
// Recomputes billing_mrr_hours from tenant_status_history (migration 30's backfill).
void rebuild_billing_hours(Conn& c);

struct MrrTotal {
  int64_t mrr_cents = 0, tenants = 0;
};
// Active tenants: their summed MRR and how many they are.
MrrTotal active_mrr(Conn& c);

struct MrrGroup {
  std::string key;  // the plan or segment
  int64_t tenants = 0, mrr_cents = 0;
};
enum class MrrGroupBy { Plan, Segment };
// Active tenants' MRR per plan or segment, largest first (ties by key).
std::vector<MrrGroup> active_mrr_by(Conn& c, MrrGroupBy by);

}  // namespace painel::store
