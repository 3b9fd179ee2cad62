#include "store/usage_aggregate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/time.hpp"
#include "store/store.hpp"
#include "store/usage_fold_test_support.hpp"

namespace painel::store {
namespace {

constexpr int64_t kDayMs = 86400000;

// Stored instants are whatever format_rfc3339 writes for them.
std::string ts(const char* rfc3339) { return format_rfc3339(*parse_rfc3339(rfc3339)); }

class AggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-aggregate-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = Store::open("sqlite:" + (dir_ / "t.db").string());
    store_->migrate("");
    day_ = *parse_day("2026-03-10");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Conn& c() { return store_->conn(); }

  void event(const std::string& tenant, const std::string& agent, int64_t ms, bool ok, int64_t rt,
             int64_t tokens = 10, int64_t cost = 1) {
    c().exec(
        "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
        "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES "
        "(?,?,?,?,?,?,?,?,?,?)",  // these tests' days are UTC days
        {"e" + std::to_string(++seq_), tenant, agent, ms, int64_t{ok}, rt, tokens, cost, ms,
         day_of_ms(ms)});
  }
  void mark_dirty(int64_t day, const std::string& tenant) {
    c().exec("INSERT OR IGNORE INTO usage_dirty_days(day, tenant_id, marked_at) VALUES (?,?,?)",
             {format_day(day), tenant, "2026-03-12T00:00:00Z"});
  }
  // Every column but aggregated_at, in key order.
  std::vector<std::string> rows(const std::string& where = "1=1") {
    std::vector<std::string> out;
    c().each(
        "SELECT tenant_id, agent_id, day, total_requests, successful_requests, failed_requests, "
        "sum_response_time_ms, p95_response_time_ms, total_tokens, cost_cents, last_request_at "
        "FROM tenant_usage_daily WHERE " +
            where + " ORDER BY tenant_id, day, agent_id",
        {}, [&](const Row& r) {
          std::string s;
          for (size_t i = 0; i < r.size(); ++i)
            s += (r.is_null(i) ? "NULL" : r.str(i)) + (i + 1 < r.size() ? "|" : "");
          out.push_back(s);
        });
    return out;
  }
  std::string aggregated_at(const std::string& tenant) {
    return c()
        .query("SELECT max(aggregated_at) FROM tenant_usage_daily WHERE tenant_id = ?", {tenant})[0]
        .str(0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int64_t day_ = 0;
  int seq_ = 0;
};

TEST_F(AggregateTest, ExactSumsRespectUtcDayBoundaries) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start - 1, true, 999, 500, 50);         // 23:59:59.999 of the day before
  event("t1", "a1", start, true, 300, 30, 3);               // 00:00:00.000: first instant
  event("t1", "a1", start + kDayMs - 1, false, 100, 7, 2);  // 23:59:59.999: last instant
  event("t1", "a1", start + kDayMs, true, 777, 1000, 9);    // 00:00:00.000 of the next day
  event("t1", "a2", start + 12 * 3600000, true, 250, 40, 4);
  event("t2", "a1", start + 3600000, false, 80, 0, 0);

  auto st = aggregate_days(c(), day_, day_, std::nullopt, start + 2 * kDayMs);
  EXPECT_EQ(st.days, 1);
  EXPECT_EQ(st.rows, 3);
  EXPECT_EQ(st.events, 4);
  EXPECT_EQ(rows(), (std::vector<std::string>{
                        "t1|a1|2026-03-10|2|1|1|400|300|37|5|" + ts("2026-03-10T23:59:59.999Z"),
                        "t1|a2|2026-03-10|1|1|0|250|250|40|4|" + ts("2026-03-10T12:00:00Z"),
                        "t2|a1|2026-03-10|1|0|1|80|80|0|0|" + ts("2026-03-10T01:00:00Z"),
                    }));
  EXPECT_EQ(aggregated_at("t1"), format_rfc3339(start + 2 * kDayMs));

  st = aggregate_days(c(), day_ - 1, day_ + 1, std::nullopt, start + 2 * kDayMs);
  EXPECT_EQ(st.days, 3);
  EXPECT_EQ(st.rows, 5);
  EXPECT_EQ(st.events, 6);
  EXPECT_EQ(rows("day = '2026-03-09'"),
            (std::vector<std::string>{"t1|a1|2026-03-09|1|1|0|999|999|500|50|" +
                                      ts("2026-03-09T23:59:59.999Z")}));
  EXPECT_EQ(rows("day = '2026-03-11'"),
            (std::vector<std::string>{"t1|a1|2026-03-11|1|1|0|777|777|1000|9|" +
                                      ts("2026-03-11T00:00:00Z")}));
}

TEST_F(AggregateTest, P95IsExactNearestRank) {
  const int64_t start = day_ * kDayMs;
  // 20 events with response times 1..20 (inserted shuffled): p95 is the 19th smallest.
  for (int64_t rt : {7, 20, 3, 15, 1, 19, 12, 4, 18, 9, 2, 16, 11, 5, 14, 8, 17, 6, 13, 10})
    event("t1", "a1", start + rt * 1000, true, rt);
  // 21 events 1..21: ceil(0.95 * 21) = 20.
  for (int64_t rt = 21; rt >= 1; --rt) event("t1", "a2", start + rt * 1000, true, rt);
  // Ties: nine 100s and one 5000 → rank 10 → 5000; 19 × 100 + 1 × 5000 → rank 19 → 100.
  for (int i = 0; i < 9; ++i) event("t1", "a3", start + i, true, 100);
  event("t1", "a3", start + 50, true, 5000);
  for (int i = 0; i < 19; ++i) event("t1", "a4", start + i, true, 100);
  event("t1", "a4", start + 50, true, 5000);

  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  auto p95 = [&](const std::string& agent) {
    return c()
        .query("SELECT p95_response_time_ms FROM tenant_usage_daily WHERE agent_id = ?", {agent})[0]
        .i64(0);
  };
  EXPECT_EQ(p95("a1"), 19);
  EXPECT_EQ(p95("a2"), 20);
  EXPECT_EQ(p95("a3"), 5000);
  EXPECT_EQ(p95("a4"), 100);
}

TEST_F(AggregateTest, RerunIsIdempotentAndPicksUpLateEvents) {
  const int64_t start = day_ * kDayMs;
  for (int i = 0; i < 50; ++i)
    event(i % 2 ? "t1" : "t2", "a1", start + i * 60000, i % 7 != 0, 100 + i);
  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  auto first = rows();
  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs + 5000);
  EXPECT_EQ(rows(), first);
  EXPECT_EQ(aggregated_at("t1"), format_rfc3339(start + kDayMs + 5000));

  // A late event marks its day dirty; re-aggregating it counts the event once.
  event("t1", "a1", start + 100, true, 10);
  mark_dirty(day_, "t1");
  EXPECT_EQ(dirty_days(c(), std::nullopt), std::vector<int64_t>{day_});
  EXPECT_EQ(dirty_days(c(), std::string("t2")), std::vector<int64_t>{});
  for (int i = 0; i < 2; ++i) {
    aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
    EXPECT_EQ(
        c().query("SELECT total_requests FROM tenant_usage_daily WHERE tenant_id = 't1'")[0].i64(0),
        26);
  }
  EXPECT_TRUE(dirty_days(c(), std::nullopt).empty());

  // Rows of a day whose events are gone disappear on re-aggregation.
  c().exec("DELETE FROM usage_events");
  auto st = aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  EXPECT_EQ(st.rows, 0);
  EXPECT_TRUE(rows().empty());
}

TEST_F(AggregateTest, TenantFilterLeavesOtherTenantsAlone) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100);
  event("t2", "a1", start + 2000, true, 200);
  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  auto t2_before = rows("tenant_id = 't2'");
  auto t2_at = aggregated_at("t2");

  event("t1", "a1", start + 3000, false, 300);
  event("t2", "a1", start + 4000, false, 400);  // late, but not reprocessed below
  mark_dirty(day_, "t1");
  mark_dirty(day_, "t2");

  auto st = aggregate_days(c(), day_, day_, std::string("t1"), start + kDayMs + 60000);
  EXPECT_EQ(st.rows, 1);
  EXPECT_EQ(st.events, 2);
  EXPECT_EQ(rows("tenant_id = 't1'"),
            (std::vector<std::string>{"t1|a1|2026-03-10|2|1|1|400|300|20|2|" +
                                      ts("2026-03-10T00:00:03Z")}));
  EXPECT_EQ(rows("tenant_id = 't2'"), t2_before);
  EXPECT_EQ(aggregated_at("t2"), t2_at);
  EXPECT_TRUE(dirty_days(c(), std::string("t1")).empty());
  EXPECT_EQ(dirty_days(c(), std::string("t2")), std::vector<int64_t>{day_});
}

TEST_F(AggregateTest, DayOfTenantsRebuildsOnlyThoseTenants) {
  const int64_t start = day_ * kDayMs;
  for (const char* t : {"t1", "t2", "t3"}) event(t, "a1", start + 1000, true, 100);
  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  auto t3_before = rows("tenant_id = 't3'");
  for (const char* t : {"t1", "t2", "t3"}) {
    event(t, "a1", start + 5000, false, 300);  // late events for all three
    mark_dirty(day_, t);
  }
  event("t1", "a1", start - 1, true, 1);  // the day before: not part of this day

  auto st = aggregate_day_of_tenants(c(), day_, {"t2", "t1"}, start + kDayMs + 60000);
  EXPECT_EQ(st.rows, 2);
  EXPECT_EQ(st.events, 4);
  for (const char* t : {"t1", "t2"})
    EXPECT_EQ(rows(std::string("tenant_id = '") + t + "'"),
              (std::vector<std::string>{std::string(t) + "|a1|2026-03-10|2|1|1|400|300|20|2|" +
                                        ts("2026-03-10T00:00:05Z")}));
  EXPECT_EQ(rows("tenant_id = 't3'"), t3_before);
  EXPECT_EQ(dirty_days(c(), std::string("t3")), std::vector<int64_t>{day_});
  EXPECT_TRUE(dirty_days(c(), std::string("t1")).empty());
  EXPECT_TRUE(dirty_days(c(), std::string("t2")).empty());
  EXPECT_EQ(aggregate_day_of_tenants(c(), day_, {}, start).rows, 0);
}

// Ingestion is fast because usage_events has one cheap index (by day); every reader of raw
// events must go through it, or it scans the whole table.
TEST_F(AggregateTest, RawEventReadersUseTheDayIndex) {
  auto plan = [&](const std::string& sql, const Params& p) {
    std::string out;
    c().each("EXPLAIN QUERY PLAN " + sql, p, [&](const Row& r) { out += r.str(3) + "\n"; });
    return out;
  };
  EXPECT_EQ(c().query("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'usage_events' AND "
                      "type = 'index' AND sql IS NOT NULL")[0]
                .i64(0),
            1);
  for (auto& [sql, p] : std::vector<std::pair<std::string, Params>>{
           {"SELECT tenant_id FROM usage_events WHERE " PAINEL_USAGE_EVENT_DAY " = ?", {day_}},
           {"SELECT id, tenant_id FROM usage_events WHERE " PAINEL_USAGE_EVENTS_OF_DAY
            " AND id > ? AND id <= ?",
            {day_, (day_ - 1) * kDayMs, (day_ + 2) * kDayMs, int64_t{5},
             int64_t{9}}},  // fold_day's scan of the new events
           {"SELECT tenant_id, agent_id, count(*) FROM usage_events WHERE " PAINEL_USAGE_EVENT_DAY
            " BETWEEN ? AND ? AND occurred_at_ms >= ? AND occurred_at_ms <= ? AND "
            "tenant_id = ? GROUP BY tenant_id, agent_id",
            {day_ - 1, day_, int64_t{0}, int64_t{1}, "t1"}}})
    EXPECT_NE(plan(sql, p).find("USING INDEX usage_events_day"), std::string::npos) << sql << "\n"
                                                                                    << plan(sql, p);
}

TEST_F(AggregateTest, RunsInsideCallersTransaction) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100);
  {
    Tx tx(c(), true);
    aggregate_days(c(), day_, day_ + 2, std::nullopt, start + kDayMs);
    // rolled back: nothing written
  }
  EXPECT_TRUE(rows().empty());
  EXPECT_FALSE(c().in_transaction());
}

// --- Issue 20: incremental aggregation ---

TEST_F(AggregateTest, FoldAddsOnlyNewEventsToTheRows) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100, 10, 1);
  event("t2", "a1", start + 2000, false, 300, 20, 2);
  mark_dirty(day_, "t1");
  // The day was never folded: the first pass rebuilds it whole and sets its mark.
  auto fs = fold_day(c(), day_, start + kDayMs);
  EXPECT_TRUE(fs.rebuilt);
  EXPECT_EQ(fs.stats.events, 2);
  EXPECT_EQ(fs.tenants, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(c().query("SELECT folded_through_id FROM usage_fold_days")[0].i64(0), 2);
  EXPECT_TRUE(dirty_days(c(), std::nullopt).empty());

  event("t1", "a1", start + 5000, false, 200, 5, 3);
  event("t1", "a2", start + 6000, true, 50, 1, 1);
  mark_dirty(day_, "t1");
  fs = fold_day(c(), day_, start + kDayMs + 1000);
  EXPECT_FALSE(fs.rebuilt);
  EXPECT_EQ(fs.stats.events, 2);  // only the new ones were read
  EXPECT_EQ(fs.stats.rows, 2);
  EXPECT_EQ(fs.tenants, std::vector<std::string>{"t1"});
  EXPECT_EQ(rows(), (std::vector<std::string>{
                        // p95: the sketch's estimate of 200 (within 1 %)
                        "t1|a1|2026-03-10|2|1|1|300|198|15|4|" + ts("2026-03-10T00:00:05Z"),
                        "t1|a2|2026-03-10|1|1|0|50|50|1|1|" + ts("2026-03-10T00:00:06Z"),
                        "t2|a1|2026-03-10|1|0|1|300|300|20|2|" + ts("2026-03-10T00:00:02Z"),
                    }));
  EXPECT_EQ(aggregated_at("t2"), format_rfc3339(start + kDayMs)) << "t2 had nothing new";
  EXPECT_EQ(c().query("SELECT folded_through_id FROM usage_fold_days")[0].i64(0), 4);
  EXPECT_EQ(c().query("SELECT requests_through_day FROM tenant_usage_cumulative WHERE "
                      "tenant_id = 't1'")[0]
                .i64(0),
            3);
  // Nothing new: nothing read, nothing written.
  fs = fold_day(c(), day_, start + kDayMs + 2000);
  EXPECT_EQ(fs.stats.events, 0);
  EXPECT_EQ(fs.stats.rows, 0);
  EXPECT_EQ(aggregated_at("t1"), format_rfc3339(start + kDayMs + 1000));
}

TEST_F(AggregateTest, TenantRebuiltAloneIsNotFoldedTwice) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100);
  event("t2", "a1", start + 1000, true, 100);
  fold_day(c(), day_, start + kDayMs);  // rebuilt whole: mark at 2
  event("t1", "a1", start + 2000, true, 100);
  event("t2", "a1", start + 2000, true, 100);
  // t1 alone is rebuilt from all its events (through id 4); t2's new event is left.
  aggregate_days(c(), day_, day_, std::string("t1"), start + kDayMs);
  auto fs = fold_day(c(), day_, start + kDayMs);
  EXPECT_EQ(fs.stats.events, 1);
  EXPECT_EQ(fs.tenants, std::vector<std::string>{"t2"});
  for (const char* t : {"t1", "t2"})
    EXPECT_EQ(c().query("SELECT total_requests FROM tenant_usage_daily WHERE tenant_id = ?",
                        {std::string(t)})[0]
                  .i64(0),
              2)
        << t;
  EXPECT_EQ(c().query("SELECT count(*) FROM usage_fold_tenant_days")[0].i64(0), 0)
      << "the day's mark passed the tenant's: its mark is cleared";
}

TEST_F(AggregateTest, RowsWithoutSketchMakeTheDayRebuildWhole) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100);
  aggregate_days(c(), day_, day_, std::nullopt, start + kDayMs);
  // As rows written before migration 23 are (or a damaged sketch).
  c().exec("UPDATE tenant_usage_daily SET response_sketch = NULL");
  event("t1", "a1", start + 2000, true, 300);
  auto fs = fold_day(c(), day_, start + kDayMs);
  EXPECT_TRUE(fs.rebuilt);
  EXPECT_EQ(rows(), (std::vector<std::string>{"t1|a1|2026-03-10|2|2|0|400|300|20|2|" +
                                              ts("2026-03-10T00:00:02Z")}));
  EXPECT_FALSE(c().query("SELECT response_sketch FROM tenant_usage_daily")[0].is_null(0));
  c().exec("UPDATE tenant_usage_daily SET response_sketch = 'AQAB'");  // not a valid sketch
  event("t1", "a1", start + 3000, true, 300);
  EXPECT_TRUE(fold_day(c(), day_, start + kDayMs).rebuilt);
  EXPECT_EQ(c().query("SELECT total_requests FROM tenant_usage_daily")[0].i64(0), 3);
}

TEST_F(AggregateTest, FoldRunsInsideCallersTransaction) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1000, true, 100);
  fold_day(c(), day_, start + kDayMs);
  event("t1", "a1", start + 2000, true, 100);
  {
    Tx tx(c(), true);
    EXPECT_EQ(fold_day(c(), day_, start + kDayMs).stats.events, 1);
  }  // rolled back: the event is still to fold
  EXPECT_EQ(fold_day(c(), day_, start + kDayMs).stats.events, 1);
  EXPECT_EQ(c().query("SELECT total_requests FROM tenant_usage_daily")[0].i64(0), 2);
}

TEST_F(AggregateTest, IncrementalFoldsEqualFullRebuildOnRandomEvents) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    for (const char* table :
         {"usage_events", "usage_dirty_days", "tenant_usage_daily", "tenant_usage_cumulative"})
      c().exec(std::string("DELETE FROM ") + table);
    c().exec("DELETE FROM usage_fold_days");
    c().exec("DELETE FROM usage_fold_tenant_days");
    testing::check_incremental_equals_full(*store_, seed, day_);
  }
}

TEST_F(AggregateTest, RetentionDeletesOldRawEventsInBatchesAndClosesTheirDays) {
  const int64_t start = day_ * kDayMs;
  for (int i = 0; i < 7; ++i) event("t1", "a1", start - kDayMs + i, true, 100);  // day - 1
  for (int i = 0; i < 2; ++i) event("t1", "a1", start + i, true, 100);           // day
  aggregate_days(c(), day_ - 1, day_, std::nullopt, start + kDayMs);
  auto before = rows();
  EXPECT_EQ(raw_events_kept_from(c()), std::nullopt);

  EXPECT_EQ(delete_raw_events_before(c(), day_, 5), 5);  // a batch at most
  EXPECT_EQ(raw_events_kept_from(c()), day_);
  EXPECT_EQ(delete_raw_events_before(c(), day_, 5), 2);
  EXPECT_EQ(delete_raw_events_before(c(), day_, 5), 0);
  EXPECT_EQ(c().query("SELECT count(*) FROM usage_events")[0].i64(0), 2);

  // The closed day's rows stay: a rebuild (REPROCESS_QUEUE, `painel aggregate`) skips it,
  // and a late event for it only loses its dirty mark.
  auto st = aggregate_days(c(), day_ - 1, day_, std::nullopt, start + kDayMs + 1);
  EXPECT_EQ(st.days, 1);
  EXPECT_EQ(rows(), before);
  event("t1", "a1", start - 5, true, 100);
  mark_dirty(day_ - 1, "t1");
  EXPECT_EQ(fold_day(c(), day_ - 1, start + kDayMs).stats.events, 0);
  EXPECT_TRUE(dirty_days(c(), std::nullopt).empty());
  EXPECT_EQ(rows(), before);
  // The floor never moves back.
  delete_raw_events_before(c(), day_ - 5, 5);
  EXPECT_EQ(raw_events_kept_from(c()), day_);
}

TEST_F(AggregateTest, RetentionKeepsTheHighestIdSoSqliteNeverReusesIt) {
  const int64_t start = day_ * kDayMs;
  event("t1", "a1", start + 1, true, 100);       // id 1, today
  event("t1", "a1", start - kDayMs, true, 100);  // id 2: a late event of an old day
  fold_day(c(), day_, start + kDayMs);           // mark of day_: 2
  EXPECT_EQ(delete_raw_events_before(c(), day_, 100), 0) << "deleted the highest id";
  event("t1", "a1", start + 2, true, 100);  // id 3, not 2 again
  EXPECT_EQ(fold_day(c(), day_, start + kDayMs).stats.events, 1);
  EXPECT_EQ(c().query("SELECT total_requests FROM tenant_usage_daily WHERE day = ?",
                      {format_day(day_)})[0]
                .i64(0),
            2);
}

}  // namespace
}  // namespace painel::store
