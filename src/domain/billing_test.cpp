#include "domain/billing.hpp"

#include <gtest/gtest.h>

using namespace painel::domain;

TEST(Billing, TrendFollowsActivationsAndChurn) {
  std::vector<StatusChange> ch = {
      {"a", "", "active", 10000, 5},        // before the window: counted in the base
      {"b", "", "trial", 20000, 10},        // trial does not pay
      {"b", "trial", "active", 20000, 11},  // conversion: new
      {"a", "active", "suspended", 10000, 12},
      {"a", "suspended", "active", 10000, 13},  // reactivation counts as new
  };
  auto t = revenue_trend(ch, 10, 13);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].mrr_cents, 10000);
  EXPECT_EQ(t[1].mrr_cents, 30000);
  EXPECT_EQ(t[1].new_tenants, 1);
  EXPECT_EQ(t[2].mrr_cents, 20000);
  EXPECT_EQ(t[2].churned_tenants, 1);
  EXPECT_EQ(t[3].mrr_cents, 30000);
  auto m = period_movement(ch, 10, 13);
  EXPECT_EQ(m.new_mrr_cents, 30000);
  EXPECT_EQ(m.churned_mrr_cents, 10000);
}

TEST(Billing, EmptyHistoryIsZero) {
  auto t = revenue_trend({}, 1, 3);
  ASSERT_EQ(t.size(), 3u);
  for (auto& d : t) EXPECT_EQ(d.mrr_cents, 0);
}
