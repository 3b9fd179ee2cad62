#include "core/time_zone.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace painel;

namespace {
int64_t at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }
int64_t day(const char* ymd) { return *parse_day(ymd); }
}  // namespace

TEST(TimeZone, FindsIanaNamesOnly) {
  EXPECT_TRUE(TimeZone::find("America/Sao_Paulo"));
  EXPECT_TRUE(TimeZone::find("America/New_York"));
  EXPECT_TRUE(TimeZone::find("UTC"));
  EXPECT_EQ(TimeZone::find("Europe/Lisbon")->name(), "Europe/Lisbon");
  EXPECT_FALSE(TimeZone::find("America/Atlantis"));
  EXPECT_FALSE(TimeZone::find(""));
  EXPECT_FALSE(TimeZone::find("localtime"));  // the machine's zone, not a zone
  EXPECT_FALSE(TimeZone::find("../../etc/passwd"));
  EXPECT_FALSE(TimeZone::find("America/Sao Paulo"));
  EXPECT_FALSE(TimeZone::find(std::string(65, 'A')));
  EXPECT_EQ(TimeZone::default_zone().name(), "America/Sao_Paulo");
}

TEST(TimeZone, SaoPauloDayStartsAtThreeUtc) {
  auto sp = *TimeZone::find("America/Sao_Paulo");
  EXPECT_EQ(sp.local_day(at("2026-11-29T02:59:59.999Z")), day("2026-11-28"));
  EXPECT_EQ(sp.local_day(at("2026-11-29T03:00:00Z")), day("2026-11-29"));
  EXPECT_EQ(sp.day_start_ms(day("2026-11-29")), at("2026-11-29T03:00:00Z"));
  // A month boundary: 21:00 on the 30th in São Paulo is still November.
  EXPECT_EQ(sp.local_day(at("2026-12-01T00:30:00Z")), day("2026-11-30"));
}

TEST(TimeZone, NewYorkDaysFollowDst) {
  auto ny = *TimeZone::find("America/New_York");
  // EST (UTC-5) before 2026-03-08 02:00 local, EDT (UTC-4) after: that day has 23 hours.
  EXPECT_EQ(ny.day_start_ms(day("2026-03-08")), at("2026-03-08T05:00:00Z"));
  EXPECT_EQ(ny.day_start_ms(day("2026-03-09")), at("2026-03-09T04:00:00Z"));
  EXPECT_EQ(ny.local_day(at("2026-03-09T03:59:59Z")), day("2026-03-08"));
  EXPECT_EQ(ny.local_day(at("2026-03-09T04:00:00Z")), day("2026-03-09"));
  // Back to EST on 2026-11-01: 25 hours.
  EXPECT_EQ(ny.day_start_ms(day("2026-11-02")) - ny.day_start_ms(day("2026-11-01")), 25 * 3600000);
}

TEST(TimeZone, SkippedMidnightStartsAtTheGapsEnd) {
  // São Paulo's DST began at midnight until 2018: 2018-11-04 00:00 did not exist.
  auto sp = *TimeZone::find("America/Sao_Paulo");
  EXPECT_EQ(sp.day_start_ms(day("2018-11-04")), at("2018-11-04T03:00:00Z"));
  EXPECT_EQ(sp.local_day(at("2018-11-04T03:00:00Z")), day("2018-11-04"));
}

TEST(TimeZone, CursorMatchesLocalDay) {
  auto ny = *TimeZone::find("America/New_York");
  LocalDayCursor cur(ny);
  for (int64_t ms = at("2026-03-07T00:00:00Z"); ms < at("2026-03-11T00:00:00Z");
       ms += 17 * 60000 + 13)
    ASSERT_EQ(cur.day_of(ms), ny.local_day(ms)) << format_rfc3339(ms);
  for (int64_t ms = at("2026-11-03T00:00:00Z"); ms > at("2026-10-30T00:00:00Z"); ms -= 7 * 60001)
    ASSERT_EQ(cur.day_of(ms), ny.local_day(ms)) << format_rfc3339(ms);
}
