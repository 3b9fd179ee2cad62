#include "domain/billing.hpp"

#include <unordered_map>

namespace painel::domain {

bool is_activation(const StatusChange& c) {
  return c.new_status == "active" && c.old_status != "active";
}
bool is_churn(const StatusChange& c) {
  return c.old_status == "active" && (c.new_status == "suspended" || c.new_status == "inactive");
}

std::vector<DayRevenue> revenue_trend(const std::vector<StatusChange>& changes, int64_t from_day,
                                      int64_t to_day) {
  std::unordered_map<std::string, int64_t> paying;  // tenant → mrr while active
  int64_t mrr = 0;
  std::vector<DayRevenue> out;
  size_t i = 0;
  auto apply = [&](const StatusChange& c, DayRevenue* day) {
    auto it = paying.find(c.tenant_id);
    if (it != paying.end()) {
      mrr -= it->second;
      paying.erase(it);
    }
    if (c.new_status == "active") {
      paying[c.tenant_id] = c.mrr_cents;
      mrr += c.mrr_cents;
    }
    if (day) {
      if (is_activation(c)) ++day->new_tenants;
      if (is_churn(c)) ++day->churned_tenants;
    }
  };
  for (; i < changes.size() && changes[i].day < from_day; ++i) apply(changes[i], nullptr);
  for (int64_t d = from_day; d <= to_day; ++d) {
    DayRevenue r{d, 0, 0, 0};
    for (; i < changes.size() && changes[i].day == d; ++i) apply(changes[i], &r);
    r.mrr_cents = mrr;
    out.push_back(r);
  }
  return out;
}

PeriodMovement period_movement(const std::vector<StatusChange>& changes, int64_t from_day,
                               int64_t to_day) {
  PeriodMovement m;
  for (auto& c : changes) {
    if (c.day < from_day || c.day > to_day) continue;
    if (is_activation(c)) m.new_mrr_cents += c.mrr_cents;
    if (is_churn(c)) m.churned_mrr_cents += c.mrr_cents;
  }
  return m;
}

std::vector<DayRevenue> revenue_trend(int64_t opening_mrr_cents,
                                      const std::vector<DayMovement>& days, int64_t from_day,
                                      int64_t to_day) {
  std::vector<DayRevenue> out;
  int64_t mrr = opening_mrr_cents;
  size_t i = 0;
  for (int64_t d = from_day; d <= to_day; ++d) {
    DayRevenue r{d, 0, 0, 0};
    for (; i < days.size() && days[i].day == d; ++i) {
      mrr += days[i].mrr_delta_cents;
      r.new_tenants += days[i].new_tenants;
      r.churned_tenants += days[i].churned_tenants;
    }
    r.mrr_cents = mrr;
    out.push_back(r);
  }
  return out;
}

PeriodMovement period_movement(const std::vector<DayMovement>& days) {
  PeriodMovement m;
  for (auto& d : days) {
    m.new_mrr_cents += d.new_mrr_cents;
    m.churned_mrr_cents += d.churned_mrr_cents;
  }
  return m;
}

}  // namespace painel::domain
