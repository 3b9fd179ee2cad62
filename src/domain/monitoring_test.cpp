#include "domain/monitoring.hpp"

#include <gtest/gtest.h>

#include <array>

namespace painel::domain {
namespace {

constexpr std::array<double, 3> kBounds = {0.1, 0.5, 1.0};

TEST(MonitoringQuantile, EmptyHistogramIsZero) {
  std::array<double, 4> counts{};
  EXPECT_EQ(histogram_quantile(kBounds, counts, 0.5), 0);
}

TEST(MonitoringQuantile, InterpolatesWithinTheBucket) {
  // 10 values in (0, 0.1], 10 in (0.1, 0.5].
  std::array<double, 4> counts = {10, 10, 0, 0};
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 0.25), 0.05);
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 0.5), 0.1);
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 0.75), 0.3);
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 1.0), 0.5);
}

TEST(MonitoringQuantile, SkipsEmptyBucketsAndCapsTheOpenOne) {
  std::array<double, 4> counts = {0, 0, 1, 99};
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 0.01), 1.0);  // in (0.5, 1.0]
  EXPECT_DOUBLE_EQ(histogram_quantile(kBounds, counts, 0.99), 1.0);  // above the last bound
}

TEST(MonitoringRange, OnlyTheFourRanges) {
  EXPECT_EQ(monitoring_range("1h")->step_minutes, 1);
  EXPECT_EQ(monitoring_range("6h")->step_minutes, 5);
  EXPECT_EQ(monitoring_range("24h")->minutes, 1440);
  EXPECT_EQ(monitoring_range("7d")->step_minutes, 60);
  EXPECT_FALSE(monitoring_range("2h"));
  EXPECT_FALSE(monitoring_range(""));
  for (const auto& r : monitoring_ranges()) EXPECT_EQ(r.minutes % r.step_minutes, 0);
}

}  // namespace
}  // namespace painel::domain
