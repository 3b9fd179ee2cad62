#include "domain/usage_math.hpp"

#include <gtest/gtest.h>

using namespace painel::domain;

TEST(UsageMath, SuccessRateRoundsToOneDecimal) {
  EXPECT_DOUBLE_EQ(success_rate(2, 3), 66.7);
  EXPECT_DOUBLE_EQ(success_rate(1, 3), 33.3);
  EXPECT_DOUBLE_EQ(success_rate(999, 1000), 99.9);
  EXPECT_DOUBLE_EQ(success_rate(9995, 10000), 100.0);  // 99.95 rounds up
  EXPECT_DOUBLE_EQ(success_rate(5, 5), 100.0);
}

TEST(UsageMath, NoRequestsIsZeroNotNaN) {
  EXPECT_DOUBLE_EQ(success_rate(0, 0), 0.0);
  EXPECT_EQ(weighted_avg_ms(0, 0), 0);
}

TEST(UsageMath, AverageIsWeightedByRequests) {
  // day 1: 1 request at 1000 ms; day 2: 3 requests at 200 ms → (1000+600)/4 = 400,
  // not the average of daily averages (600).
  EXPECT_EQ(weighted_avg_ms(1000 + 600, 4), 400);
  EXPECT_EQ(weighted_avg_ms(5, 2), 3);  // 2.5 rounds half up
}
