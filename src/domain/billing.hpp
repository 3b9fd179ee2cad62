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

}  // namespace painel::domain
