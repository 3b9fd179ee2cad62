// Ingestion's insert on both stores (PostgreSQL inserts many events per statement): the
// counts of new and duplicate events, duplicates inside one batch, and the (day, tenant)
// marks left for the aggregation: only the days that got a new event (SQLite), every day
// of the batch (PostgreSQL, which marks before it inserts).
#include "store/usage_ingest.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"
#include "store/usage_aggregate.hpp"

namespace painel::store {
namespace {

constexpr const char* kTenantA = "0b1c5a5e-0000-4000-8000-000000000001";
constexpr const char* kTenantB = "0b1c5a5e-0000-4000-8000-000000000002";
constexpr const char* kAgent = "0b1c5a5e-0000-4000-8000-0000000000a1";

std::set<std::pair<std::string, std::string>> marks(Store& s) {
  std::set<std::pair<std::string, std::string>> out;
  for (auto& r : s.conn().query("SELECT day, tenant_id FROM usage_dirty_days", {}))
    out.emplace(std::string(r.text(0)), std::string(r.text(1)));
  return out;
}

void counts_new_and_duplicate_events(Store& s) {
  const int64_t day1 = *parse_day("2026-03-10"),
                ms1 = day1 * 86400000 + 15 * 3600000;  // noon in the default zone
  const int64_t ms2 = ms1 + 86400000, ms3 = ms2 + 86400000;
  // 700 events (PostgreSQL: 256 + 256 + 128 + 32 + 16 + 8 + 4 per statement, and the
  // three repeats below): e0–e49 on day 1 (tenant A), then day 2 (A) and day 3 (B).
  std::vector<std::string> ids;
  for (int i = 0; i < 700; ++i) ids.push_back("e" + std::to_string(i));
  auto event = [&](int i) {
    if (i < 50) return UsageEvent{ids[i], kTenantA, kAgent, ms1 + i, true, 100, 10, 5};
    if (i < 400) return UsageEvent{ids[i], kTenantA, kAgent, ms2 + i, i % 3 != 0, 100, 10, 5};
    return UsageEvent{ids[i], kTenantB, kAgent, ms3 + i, true, 200, 20, 7};
  };
  std::vector<UsageEvent> first, second;
  for (int i = 0; i < 50; ++i) first.push_back(event(i));
  for (int i = 0; i < 700; ++i) second.push_back(event(i));
  for (int i : {100, 450, 10}) second.push_back(event(i));  // twice in the same batch

  auto r1 = s.write([&](Conn& c) { return insert_usage_events(c, first, ms3); });
  EXPECT_EQ(r1.accepted, 50);
  EXPECT_EQ(r1.duplicates, 0);
  EXPECT_EQ(marks(s), (std::set<std::pair<std::string, std::string>>{{"2026-03-10", kTenantA}}));
  s.write([&](Conn& c) { c.exec("DELETE FROM usage_dirty_days", {}); });

  auto r2 = s.write([&](Conn& c) { return insert_usage_events(c, second, ms3); });
  EXPECT_EQ(r2.accepted, 650);
  EXPECT_EQ(r2.duplicates, 53);  // e0–e49 stored before, and the three repeats
  // Day 1 got nothing new: SQLite does not mark it again. PostgreSQL marks every day of
  // the batch before its events (usage_ingest.cpp, marks_first: the lock order that lets
  // ingestion run beside the aggregation without the global write lock).
  std::set<std::pair<std::string, std::string>> expected{{"2026-03-11", kTenantA},
                                                         {"2026-03-12", kTenantB}};
  if (s.conn().dialect() == Dialect::Postgres) expected.emplace("2026-03-10", kTenantA);
  EXPECT_EQ(marks(s), expected);
  auto rows = s.conn().query(
      "SELECT count(*), sum(success), sum(tokens_used), sum(cost_cents) FROM usage_events", {});
  EXPECT_EQ(rows[0].i64(0), 700);
  EXPECT_EQ(rows[0].i64(1), 700 - 117);  // days 2: i % 3 == 0 for i in [50, 400) fail
  EXPECT_EQ(rows[0].i64(2), 400 * 10 + 300 * 20);
  EXPECT_EQ(rows[0].i64(3), 400 * 5 + 300 * 7);
  auto b = s.conn().query(
      "SELECT count(*) FROM usage_events WHERE tenant_id = ? AND response_time_ms = 200",
      {std::string(kTenantB)});
  EXPECT_EQ(b[0].i64(0), 300);
}

// Issue 20: an event's day is the local date of its tenant's zone, from the tz database
// (DST included), and the daily rows, marks and "this month" follow it.
void days_are_local_dates_of_the_tenants_zone(Store& s) {
  auto tenant = [&](const char* name, const char* zone) {
    return s.write([&](Conn& c) {
      NewTenant t;
      t.name = name;
      t.time_zone = zone;
      return create_tenant(c, t, 0);
    });
  };
  const std::string sp = tenant("Sao Paulo", "America/Sao_Paulo"),
                    ny = tenant("New York", "America/New_York"),
                    tokyo = tenant("Tokyo", "Asia/Tokyo");
  const std::string gone = "0b1c5a5e-0000-4000-8000-0000000000ff";  // no tenants row
  auto at = [](const char* t) { return *parse_rfc3339(t); };
  struct Case {
    std::string id, tenant;
    int64_t ms;
    const char* day;
  };
  const std::vector<Case> cases = {
      // São Paulo, UTC-3: the UTC date flips at 21:00 local; a month ends 3 h after UTC's.
      {"sp1", sp, at("2026-03-11T02:59:59Z"), "2026-03-10"},
      {"sp2", sp, at("2026-03-11T03:00:00Z"), "2026-03-11"},
      {"sp3", sp, at("2026-04-01T01:00:00Z"), "2026-03-31"},
      // New York: EST (UTC-5) until 2026-03-08, EDT (UTC-4) after; back on 2026-11-01.
      {"ny1", ny, at("2026-03-08T04:59:00Z"), "2026-03-07"},  // 23:59 EST
      {"ny2", ny, at("2026-03-09T03:30:00Z"), "2026-03-08"},  // 23:30 EDT (EST: 22:30)
      {"ny3", ny, at("2026-03-09T04:30:00Z"), "2026-03-09"},  // 00:30 EDT (EST: 23:30 the 8th)
      {"ny4", ny, at("2026-11-02T04:30:00Z"), "2026-11-01"},  // 23:30 EST (EDT: 00:30 the 2nd)
      // Tokyo, UTC+9: the local date is ahead of UTC's.
      {"tk1", tokyo, at("2026-03-10T15:00:00Z"), "2026-03-11"},
      // A tenant the store does not know counts in the default zone.
      {"gn1", gone, at("2026-03-11T01:00:00Z"), "2026-03-10"},
  };
  std::vector<UsageEvent> batch;
  for (auto& k : cases) batch.push_back({k.id, k.tenant, kAgent, k.ms, true, 100, 10, 5});
  auto days = event_local_days(s.conn(), batch);
  ASSERT_EQ(days.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(format_day(days[i]), cases[i].day) << cases[i].id;

  s.write([&](Conn& c) { insert_usage_events(c, batch, at("2026-11-03T00:00:00Z")); });
  std::set<std::pair<std::string, std::string>> want;
  for (auto& k : cases) want.emplace(k.day, k.tenant);
  EXPECT_EQ(marks(s), want);
  for (auto& k : cases)
    EXPECT_EQ(
        s.conn().query("SELECT local_day FROM usage_events WHERE event_id = ?", {k.id})[0].i64(0),
        *parse_day(k.day))
        << k.id;

  // The daily rows are those local dates: each marked day folded, one request per case.
  for (auto& [day, tenant] : want) fold_day(s.conn(), *parse_day(day), at("2026-11-03T00:00:00Z"));
  for (auto& k : cases) {
    auto n = s.conn().query(
        "SELECT total_requests FROM tenant_usage_daily WHERE tenant_id = ? AND day = ?",
        {k.tenant, std::string(k.day)});
    ASSERT_EQ(n.size(), 1u) << k.id;
    EXPECT_EQ(n[0].i64(0), 1) << k.id;
  }
}

class SqliteUsageIngest : public SqliteStoreTest {};
class PgServerUsageIngest : public PgStoreTest {};

TEST_F(SqliteUsageIngest, CountsNewAndDuplicateEventsAndMarksOnlyNewDays) {
  counts_new_and_duplicate_events(*store_);
}

TEST_F(PgServerUsageIngest, CountsNewAndDuplicateEventsAndMarksOnlyNewDays) {
  if (!store_) return;
  counts_new_and_duplicate_events(*store_);
}

TEST_F(SqliteUsageIngest, DaysAreLocalDatesOfTheTenantsZone) {
  days_are_local_dates_of_the_tenants_zone(*store_);
}

TEST_F(PgServerUsageIngest, DaysAreLocalDatesOfTheTenantsZone) {
  if (!store_) return;
  days_are_local_dates_of_the_tenants_zone(*store_);
}

}  // namespace
}  // namespace painel::store
