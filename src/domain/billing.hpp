#pragma once
// Billing maths over tenant status history, in integer cents. A tenant pays while its
// status is 'active'; entering 'active' is new MRR, leaving it for suspended/inactive is
// churned MRR.
#include <cstdint>
#include <string>
#include <vector>

namespace painel::domain {

struct StatusChange {
  std::string tenant_id;
  std::string old_status;  // "" for the creation row
  std::string new_status;
  int64_t mrr_cents;
  int64_t day;  // UTC day of the change
};

struct DayRevenue {
  int64_t day;
  int64_t mrr_cents;        // MRR of tenants active at the end of the day
  int64_t new_tenants;      // transitions into active that day
  int64_t churned_tenants;  // transitions out of active that day
};

struct PeriodMovement {
  int64_t new_mrr_cents = 0, churned_mrr_cents = 0;
};

bool is_activation(const StatusChange& c);
bool is_churn(const StatusChange& c);
// changes must be sorted by day (stable within a day in the order they happened).
std::vector<DayRevenue> revenue_trend(const std::vector<StatusChange>& changes, int64_t from_day,
                                      int64_t to_day);
PeriodMovement period_movement(const std::vector<StatusChange>& changes, int64_t from_day,
                               int64_t to_day);

// The same figures from the history already summed per day (store/billing.hpp
// billing_days): the MRR before the period and, per day of the period, the movement of the
// MRR by that day's rows (each row's contribution minus the tenant's previous one) and its
// activations and churns with their MRR. `days` are within [from_day, to_day], ascending.
struct DayMovement {
  int64_t day = 0;
  int64_t mrr_delta_cents = 0, new_tenants = 0, churned_tenants = 0, new_mrr_cents = 0,
          churned_mrr_cents = 0;
};
std::vector<DayRevenue> revenue_trend(int64_t opening_mrr_cents,
                                      const std::vector<DayMovement>& days, int64_t from_day,
                                      int64_t to_day);
PeriodMovement period_movement(const std::vector<DayMovement>& days);

}  // namespace painel::domain
