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
#include "store/test_stores.hpp"

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
  const int64_t day1 = *parse_day("2026-03-10"), ms1 = day1 * 86400000 + 3600000;
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

class SqliteUsageIngest : public SqliteStoreTest {};
class PgServerUsageIngest : public PgStoreTest {};

TEST_F(SqliteUsageIngest, CountsNewAndDuplicateEventsAndMarksOnlyNewDays) {
  counts_new_and_duplicate_events(*store_);
}

TEST_F(PgServerUsageIngest, CountsNewAndDuplicateEventsAndMarksOnlyNewDays) {
  if (!store_) return;
  counts_new_and_duplicate_events(*store_);
}

}  // namespace
}  // namespace painel::store
