#pragma once
// The revenue figures of /internal/billing/overview: the status history the billing maths
// (domain/billing) folds, and active tenants' MRR now.
#include <cstdint>
#include <functional>
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
// A bulk load of tenant_status_history (the demo's). PostgreSQL: runs `write` with
// migration 30's trigger off, then puts it back and fills billing_mrr_hours once with
// rebuild_billing_hours, which gives the hours the trigger would have kept row by row: its
// plpgsql lookups and upsert cost 30-55 us a row (55 k rows of 10 000 demo tenants: 3.7 s
// against 0.6-0.9 s without it plus 0.3 s for the rebuild). Only inside the caller's write
// transaction, which a throw must roll back (the trigger comes back with it). ALTER TABLE
// ... DISABLE TRIGGER, as painel copy does: the connection's role must own the table (the
// product's one role does: it runs the migrations), and the table stays locked ACCESS
// EXCLUSIVE until the commit, so no other writer ever sees the trigger off.
// SQLite: just runs `write`, the triggers on: they cost ~60 ms for 16 k rows (3 000 demo
// tenants), as much as the rebuild would, so dropping and recreating them gains nothing.
void bulk_load_status_history(Conn& c, const std::function<void()>& write);

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
