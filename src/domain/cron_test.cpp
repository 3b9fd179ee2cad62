#include "domain/cron.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace painel;
using painel::domain::Cron;

static int64_t at(const char* s) { return *parse_rfc3339(s); }

TEST(Cron, DailyAtFiveAfterMidnight) {
  auto c = Cron::parse("5 0 * * *");
  ASSERT_TRUE(c);
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-11-28T12:00:00Z"))), "2026-11-29T00:05:00.000Z");
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-11-29T00:04:59Z"))), "2026-11-29T00:05:00.000Z");
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-11-29T00:05:00Z"))), "2026-11-30T00:05:00.000Z");
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-12-31T23:59:00Z"))), "2027-01-01T00:05:00.000Z");
}

TEST(Cron, StepsListsRangesAndWeekdays) {
  auto every15 = Cron::parse("*/15 * * * *");
  EXPECT_EQ(format_rfc3339(every15->next_after(at("2026-11-28T12:01:00Z"))),
            "2026-11-28T12:15:00.000Z");
  auto weekdays = Cron::parse("30 8 * * 1-5");  // 2026-11-28 is a Saturday
  EXPECT_EQ(format_rfc3339(weekdays->next_after(at("2026-11-28T09:00:00Z"))),
            "2026-11-30T08:30:00.000Z");
  auto sunday7 = Cron::parse("0 0 * * 7");
  EXPECT_EQ(format_rfc3339(sunday7->next_after(at("2026-11-28T09:00:00Z"))),
            "2026-11-29T00:00:00.000Z");
  auto list = Cron::parse("0 6,18 1 * *");
  EXPECT_EQ(format_rfc3339(list->next_after(at("2026-11-28T09:00:00Z"))),
            "2026-12-01T06:00:00.000Z");
}

TEST(Cron, RejectsMalformed) {
  for (auto bad : {"", "5 0 * *", "60 0 * * *", "5 24 * * *", "a b c d e", "*/0 * * * *",
                   "5-1 * * * *", "5 0 * * * *", "1x * * * *"})
    EXPECT_FALSE(Cron::parse(bad)) << bad;
}

// A step as large as int allows is one match, not signed overflow (UBSan in unit.asan).
TEST(Cron, HugeStepMatchesOnce) {
  auto c = Cron::parse("5/2147483647 * * * *");
  ASSERT_TRUE(c);
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-11-28T12:00:00Z"))), "2026-11-28T12:05:00.000Z");
  EXPECT_EQ(format_rfc3339(c->next_after(at("2026-11-28T12:05:00Z"))), "2026-11-28T13:05:00.000Z");
}

// No match within ten years is INT64_MAX, found by looking ten years ahead, not millennia.
TEST(Cron, NeverAndLeapDay) {
  auto never = Cron::parse("0 0 30 2 *");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->next_after(at("2026-11-28T12:00:00Z")), INT64_MAX);
  auto leap = Cron::parse("0 12 29 2 *");  // 2100 is not a leap year
  EXPECT_EQ(format_rfc3339(leap->next_after(at("2096-03-01T00:00:00Z"))),
            "2104-02-29T12:00:00.000Z");
}
