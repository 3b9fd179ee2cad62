#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace painel;

TEST(Time, DayRoundTrip) {
  EXPECT_EQ(format_day(0), "1970-01-01");
  auto d = parse_day("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(format_day(*d), "2024-02-29");
  EXPECT_FALSE(parse_day("2023-02-29"));
  EXPECT_FALSE(parse_day("2026-13-01"));
  EXPECT_FALSE(parse_day("2026-1-01"));
  EXPECT_FALSE(parse_day("2026-01-01x"));
}

TEST(Time, Rfc3339) {
  auto t = parse_rfc3339("2026-11-28T12:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-28T12:00:00.000Z");
  EXPECT_EQ(*parse_rfc3339("2026-11-28T12:00:00.5Z"), *t + 500);
  EXPECT_EQ(*parse_rfc3339("2026-11-28T09:00:00-03:00"), *t);
  EXPECT_EQ(format_rfc3339(*t + 7), "2026-11-28T12:00:00.007Z");
  EXPECT_FALSE(parse_rfc3339("2026-11-28 12:00"));
  EXPECT_FALSE(parse_rfc3339("2026-11-28T25:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-28T12:00:00"));  // zone required
}

TEST(Time, DayBoundaries) {
  auto end = *parse_rfc3339("2026-11-28T23:59:59.999Z");
  auto start = *parse_rfc3339("2026-11-29T00:00:00Z");
  EXPECT_EQ(day_of_ms(end) + 1, day_of_ms(start));
  EXPECT_EQ(format_day(day_of_ms(end)), "2026-11-28");
}
