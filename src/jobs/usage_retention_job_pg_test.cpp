// UsageRetentionJob on PostgreSQL (issue 20 item 3): usage_events' day partitions created
// ahead, events of a day without one kept in DEFAULT then moved to their partition,
// retention dropping whole days while the daily rows stay, and migration 27 keeping the
// events and their ids. Needs a server: skipped unless PAINEL_TEST_PG_URL(_FILE) is set.
#include <gtest/gtest.h>

#include <algorithm>

#include "jobs/job_test_support.hpp"
#include "jobs/usage_retention_job.hpp"
#include "store/leases.hpp"
#include "store/test_stores.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_ingest.hpp"
#include "store/usage_partitions.hpp"

namespace painel::jobs {
namespace {

constexpr const char* kTenant = "0b1c5a5e-0000-4000-8000-000000000001";
constexpr const char* kAgent = "0b1c5a5e-0000-4000-8000-0000000000a1";
constexpr int64_t kDayMs = 86400000;

class PgServerUsageRetention : public store::PgStoreTest {
 protected:
  int64_t count(const std::string& table) {
    return store_->conn().query("SELECT count(*) FROM " + table)[0].i64(0);
  }
  store::IngestResult ingest(const std::vector<store::UsageEvent>& batch) {
    return store_->write(
        [&](store::Conn& c) { return store::insert_usage_events(c, batch, clock_.now_ms()); });
  }
  std::vector<int64_t> partitions() { return store::usage_partition_days(store_->conn()); }
  std::vector<int64_t> days(int64_t from, int64_t to) {
    std::vector<int64_t> out;
    for (int64_t d = from; d <= to; ++d) out.push_back(d);
    return out;
  }
  testing::ManualClock clock_{*parse_rfc3339("2026-03-11T12:00:00Z")};
  const int64_t today_ = today_utc(clock_);
  obs::Metrics metrics_;
};

// Events at noon (São Paulo, the default zone of these unknown tenants): local date = UTC date.
constexpr int64_t kNoon = 15 * 3600000;

store::UsageEvent event(std::string_view id, int64_t ms) {  // ids are literals: views stay valid
  return store::UsageEvent{id, kTenant, kAgent, ms, true, 100, 10, 5};
}

TEST_F(PgServerUsageRetention, CreatesThePartitionsAheadOnceAndKeepsEverythingAtZeroDays) {
  if (!store_) return;
  EXPECT_TRUE(partitions().empty()) << "the migration creates only DEFAULT on an empty store";
  UsageRetentionJob job(*store_, metrics_, clock_, 0);
  EXPECT_EQ(job.tick().partitions_created, 10);
  EXPECT_EQ(partitions(), days(today_ - 2, today_ + 7));
  EXPECT_EQ(store::usage_partition_name(today_), "usage_events_d20260311");
  EXPECT_EQ(job.tick().partitions_created, 0) << "idempotent";
  clock_.advance(kDayMs);
  EXPECT_EQ(job.tick().partitions_created, 1);
  EXPECT_EQ(partitions(), days(today_ - 2, today_ + 8)) << "0 days: nothing dropped";
  EXPECT_EQ(metrics_.counter("painel_usage_partitions_created_total"), 11u);
  ingest({event("today", today_ * kDayMs + kNoon + 5)});
  EXPECT_EQ(count(store::usage_partition_name(today_)), 1) << "routed to its day";
  EXPECT_EQ(count("usage_events_default"), 0);
}

TEST_F(PgServerUsageRetention, AnEventOfADayWithoutPartitionWaitsInDefaultThenMovesWithItsId) {
  if (!store_) return;
  UsageRetentionJob job(*store_, metrics_, clock_, 0);
  job.tick();
  const int64_t old = today_ - 20;
  EXPECT_EQ(
      ingest({event("late-1", old * kDayMs + kNoon + 1), event("late-2", old * kDayMs + kNoon + 2)})
          .accepted,
      2);
  EXPECT_EQ(count("usage_events_default"), 2) << "no partition for the day: ingestion succeeds";
  auto ids = store_->conn().query("SELECT id FROM usage_events ORDER BY id");
  ASSERT_EQ(ids.size(), 2u);

  EXPECT_EQ(job.tick().partitions_created, 1);
  EXPECT_EQ(count("usage_events_default"), 0);
  EXPECT_EQ(count(store::usage_partition_name(old)), 2);
  auto moved = store_->conn().query("SELECT id FROM usage_events ORDER BY id");
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].i64(0), ids[0].i64(0));
  EXPECT_EQ(moved[1].i64(0), ids[1].i64(0));
  EXPECT_EQ(ingest({event("late-1", old * kDayMs + kNoon + 1)}).duplicates, 1)
      << "a retry of a moved event is still a duplicate";
  auto agg = store::aggregate_days(store_->conn(), old, old, std::nullopt, clock_.now_ms());
  EXPECT_EQ(agg.events, 2);
}

TEST_F(PgServerUsageRetention, RetriedEventsAreDuplicatesInAPartitionAndInDefault) {
  if (!store_) return;
  UsageRetentionJob(*store_, metrics_, clock_, 0).tick();
  std::vector<store::UsageEvent> batch = {
      event("a", today_ * kDayMs + kNoon + 1),
      event("b", (today_ - 100) * kDayMs + kNoon + 2)};  // DEFAULT
  EXPECT_EQ(ingest(batch).accepted, 2);
  auto again = ingest(batch);
  EXPECT_EQ(again.accepted, 0);
  EXPECT_EQ(again.duplicates, 2);
  EXPECT_EQ(count("usage_events"), 2);
  EXPECT_EQ(count("usage_events_default"), 1);
}

TEST_F(PgServerUsageRetention, RetentionDropsOldDaysWholeAndTheDailyRowsStay) {
  if (!store_) return;
  UsageRetentionJob keep(*store_, metrics_, clock_, 0);
  ingest({event("d40", (today_ - 40) * kDayMs + kNoon + 1),
          event("d31", (today_ - 31) * kDayMs + kNoon + 1),
          event("d30", (today_ - 30) * kDayMs + kNoon + 1),
          event("d0", today_ * kDayMs + kNoon + 1)});
  keep.tick();  // partitions for today-2..+7 and for the days waiting in DEFAULT
  EXPECT_EQ(count("usage_events_default"), 0);
  ingest({event("d50", (today_ - 50) * kDayMs + kNoon + 1)});  // in DEFAULT, and the highest id
  const int64_t max_id = store_->conn().query("SELECT max(id) FROM usage_events")[0].i64(0);
  store::aggregate_days(store_->conn(), today_ - 50, today_, std::nullopt, clock_.now_ms());

  UsageRetentionJob job(*store_, metrics_, clock_, 30);
  RetentionRun run = job.tick();
  // A partition is a UTC day, whose events' local dates run to the next day: today-31's
  // goes once today-30 is closed too, a day later.
  EXPECT_EQ(run.partitions_dropped, 1);  // today-40
  EXPECT_EQ(run.deleted, 1);             // today-50, from DEFAULT
  EXPECT_EQ(run.partitions_created, 0);
  EXPECT_EQ(partitions().front(), today_ - 31);
  EXPECT_EQ(count("usage_events"), 3);
  EXPECT_EQ(store::raw_events_kept_from(store_->conn()), today_ - 30);
  EXPECT_EQ(metrics_.counter("painel_usage_partitions_dropped_total"), 1u);

  // The closed days keep their daily rows, whatever aggregation runs over them.
  store::aggregate_days(store_->conn(), today_ - 50, today_, std::nullopt, clock_.now_ms());
  for (int64_t d : {today_ - 50, today_ - 40, today_ - 31, today_ - 30, today_})
    EXPECT_EQ(store_->conn()
                  .query("SELECT total_requests FROM tenant_usage_daily WHERE day = ?",
                         {format_day(d)})[0]
                  .i64(0),
              1)
        << format_day(d);
  ingest({event("new", today_ * kDayMs + kNoon + 2)});
  EXPECT_GT(store_->conn().query("SELECT max(id) FROM usage_events")[0].i64(0), max_id)
      << "ids never go back, even with the highest one dropped";
  EXPECT_EQ(job.tick().partitions_dropped, 0);
}

// Retention detaches a day, then drops it in a second transaction: a day left detached
// (the run stopped in between) is dropped by the next run.
TEST_F(PgServerUsageRetention, ADayLeftDetachedIsDroppedByTheNextRun) {
  if (!store_) return;
  ingest(
      {event("d40", (today_ - 40) * kDayMs + kNoon + 1), event("d0", today_ * kDayMs + kNoon + 1)});
  UsageRetentionJob(*store_, metrics_, clock_, 0).tick();
  store_->write([&](store::Conn& c) { store::detach_usage_partition(c, today_ - 40); });
  EXPECT_EQ(store::detached_usage_partition_days(store_->conn()),
            std::vector<int64_t>{today_ - 40});
  EXPECT_EQ(count("usage_events"), 1);
  UsageRetentionJob job(*store_, metrics_, clock_, 30);
  EXPECT_EQ(job.tick().partitions_dropped, 1);
  EXPECT_TRUE(store::detached_usage_partition_days(store_->conn()).empty());
  EXPECT_TRUE(store_->conn()
                  .query("SELECT 1 FROM pg_class WHERE relname = ?",
                         {store::usage_partition_name(today_ - 40)})
                  .empty());
  EXPECT_EQ(job.tick().partitions_dropped, 0);
}

// Several instances: while another one holds the job's lease, a run does nothing.
TEST_F(PgServerUsageRetention, OneInstanceAtATime) {
  if (!store_) return;
  auto other = store::Store::open(db_->url());
  store::PinnedSession pin(other->conn());
  ASSERT_TRUE(other->write([&](store::Conn& c) {
    return store::acquire_lease(c, "usage_retention", "other", clock_.now_ms(), 60000);
  }));
  UsageRetentionJob job(*store_, metrics_, clock_, 0);
  EXPECT_EQ(job.tick().partitions_created, 0);
  EXPECT_TRUE(partitions().empty());
  other->write([&](store::Conn& c) { store::release_lease(c, "usage_retention", "other"); });
  EXPECT_EQ(job.tick().partitions_created, 10);
}

// A day's scan (fold_day, aggregate_days) reads only the partitions that can hold its
// events: a local date's events are in the UTC days around it.
TEST_F(PgServerUsageRetention, ADaysScanReadsOnlyItsPartitions) {
  if (!store_) return;
  UsageRetentionJob(*store_, metrics_, clock_, 0).tick();
  std::string plan;
  store_->conn().each(
      "EXPLAIN SELECT id, tenant_id FROM usage_events WHERE " PAINEL_USAGE_EVENTS_OF_DAY
      " AND id > ? AND id <= ?",
      {today_, (today_ - 1) * kDayMs, (today_ + 2) * kDayMs, int64_t{5}, int64_t{9}},
      [&](const store::Row& r) { plan += r.str(0) + "\n"; });
  for (int64_t d : {today_ - 1, today_, today_ + 1})
    EXPECT_NE(plan.find(store::usage_partition_name(d)), std::string::npos) << plan;
  for (int64_t d : partitions()) {
    if (d >= today_ - 1 && d <= today_ + 1) continue;
    EXPECT_EQ(plan.find(store::usage_partition_name(d)), std::string::npos) << plan;
  }
  EXPECT_EQ(plan.find("usage_events_default"), std::string::npos) << plan;
}

// Migration 27 on a store that has events: they move into day partitions with their ids.
class PgServerUsageEventsMigration : public store::PgStoreTest {
 protected:
  bool migrates() const override { return false; }
};

TEST_F(PgServerUsageEventsMigration, KeepsTheEventsAndTheirIdsAndTheSequenceGoesOn) {
  if (!store_) return;
  store_->migrate_to("", 25);
  const int64_t day = *parse_day("2026-03-10");
  auto& c = store_->conn();
  for (int i = 0; i < 6; ++i)
    c.exec(
        "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
        "response_time_ms, tokens_used, cost_cents, ingested_at_ms) VALUES (?,?,?,?,1,100,1,1,0)",
        {"m" + std::to_string(i), std::string(kTenant), std::string(kAgent),
         (day - i % 3) * kDayMs + i});
  auto before = c.query("SELECT id, event_id, occurred_at_ms FROM usage_events ORDER BY id");
  store_->migrate("");
  EXPECT_EQ(c.query("SELECT relkind FROM pg_class WHERE relname = 'usage_events'")[0].str(0), "p");
  auto after = c.query("SELECT id, event_id, occurred_at_ms FROM usage_events ORDER BY id");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].i64(0), before[i].i64(0));
    EXPECT_EQ(after[i].str(1), before[i].str(1));
    EXPECT_EQ(after[i].i64(2), before[i].i64(2));
  }
  EXPECT_EQ(store::usage_partition_days(c), (std::vector<int64_t>{day - 2, day - 1, day}));
  EXPECT_EQ(c.query("SELECT count(*) FROM usage_events_default")[0].i64(0), 0);
  auto r = store_->write([&](store::Conn& w) {
    return store::insert_usage_events(
        w, {event("m0", (day - 0) * kDayMs + 0), event("n", day * kDayMs)},
        day * kDayMs);  // m0 as stored
  });
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_GT(c.query("SELECT id FROM usage_events WHERE event_id = 'n'")[0].i64(0),
            before.back().i64(0));
  EXPECT_FALSE(c.query("SELECT pg_get_serial_sequence('usage_events', 'id')")[0].is_null(0))
      << "the sequence belongs to the new table";
}

}  // namespace
}  // namespace painel::jobs
