#pragma once
// The revenue figures of /internal/billing/overview: the status history the billing maths
// (domain/billing) folds, and active tenants' MRR now.
#include <cstdint>
#include <string>
#include <vector>

#include "core/time_zone.hpp"
#include "domain/billing.hpp"
#include "store/db.hpp"

namespace painel::store {

// Every tenant_status_history row, oldest first (by time, then insertion order).
// Each change's day is its date in `zone` (the platform zone of the billing periods).
std::vector<domain::StatusChange> status_changes(Conn& c, const TimeZone& zone);

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
