#include "domain/plans.hpp"

#include <gtest/gtest.h>

#include <array>

namespace painel::domain {

// The original's limits (issue 21 item 7): professional is 20 users and 50 000 requests.
TEST(ShippedPlans, AreTheOriginalsLimits) {
  auto* s = shipped_plan("starter");
  auto* p = shipped_plan("professional");
  auto* e = shipped_plan("enterprise");
  ASSERT_TRUE(s && p && e);
  EXPECT_EQ((std::array{s->max_agents, s->max_users, s->max_requests_per_month}),
            (std::array<int64_t, 3>{3, 5, 10'000}));
  EXPECT_EQ((std::array{p->max_agents, p->max_users, p->max_requests_per_month}),
            (std::array<int64_t, 3>{10, 20, 50'000}));
  EXPECT_EQ((std::array{e->max_agents, e->max_users, e->max_requests_per_month}),
            (std::array<int64_t, 3>{50, 100, 500'000}));
  EXPECT_EQ(shipped_plan("trial"), nullptr);
  EXPECT_EQ(shipped_plan("Professional"), nullptr);
}

}  // namespace painel::domain
