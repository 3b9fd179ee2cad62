// The platform usage rollup (migrations 28 and 29, store/usage_rollup.hpp) against the
// daily rows it sums, on SQLite (a real file) and PostgreSQL (PgServer*: skipped unless
// PAINEL_TEST_PG_URL(_FILE) is set; ctest's pg.unit): after random folds, tenant rebuilds,
// whole-day rebuilds and tenants losing their rows, the overview from the rollup equals the
// scan of the daily rows (usage_overview_scan) for several periods (some across and a day
// short of 8-day block edges), and the rollup rows equal a rebuild from the daily rows
// (sums, counts, bitmaps, block rows); the backfill of a database with daily rows and no
// rollup gives the same, and so does migration 29's of a database with decimal lists.
#include "store/usage_rollup.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <limits>
#include <optional>
#include <random>
#include <tuple>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/store.hpp"
#include "store/test_stores.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_ingest.hpp"
#include "store/usage_reads.hpp"

namespace painel::store {
namespace {

constexpr int64_t kDayMs = 86400000;

std::string tenant_id(size_t i) {
  char b[64];
  std::snprintf(b, sizeof b, "0b1c5a5e-0000-4000-8000-00000001%04zu", i);
  return b;
}
std::string agent_id(size_t i) {
  char b[64];
  std::snprintf(b, sizeof b, "0b1c5a5e-0000-4000-8000-00000002%04zu", i);
  return b;
}

// The rollup rows, every column, in key order.
std::vector<std::string> rollup_rows(Conn& c) {
  std::vector<std::string> out;
  c.each(
      "SELECT day, agent_id, total_requests, successful_requests, sum_response_time_ms, "
      "tenants, coalesce(tenant_bits, 'null'), coalesce(tenant_totals, 'null') FROM "
      "platform_usage_daily ORDER BY day, agent_id",
      {}, [&](const Row& r) {
        std::string line = r.str(0);
        for (size_t i = 1; i < 8; ++i) line += "|" + r.str(i);
        out.push_back(line);
      });
  return out;
}

// The block rows, every column, in key order.
std::vector<std::string> block_rows(Conn& c) {
  std::vector<std::string> out;
  c.each(
      "SELECT first_day, agent_id, coalesce(tenant_totals, 'null'), coalesce(tenant_bits, "
      "'null') FROM platform_usage_blocks ORDER BY first_day, agent_id",
      {}, [&](const Row& r) {
        out.push_back(r.str(0) + "|" + r.str(1) + "|" + r.str(2) + "|" + r.str(3));
      });
  return out;
}

std::string describe(const UsageOverview& o) {
  std::string s = "total " + std::to_string(o.total) + " ok " + std::to_string(o.successful) +
                  " rt " + std::to_string(o.sum_response_ms) + "\ndays:";
  for (auto& d : o.by_day)
    s += " " + std::to_string(d.total) + "/" + std::to_string(d.successful) + "/" +
         std::to_string(d.active_tenants);
  s += "\ntenants:";
  for (auto& t : o.top_tenants)
    s += " " + t.id.substr(30) + "=" + std::to_string(t.total) + "/" +
         std::to_string(t.successful) + "/" + t.name;
  s += "\nagents:";
  for (auto& a : o.top_agents)
    s += " " + a.id.substr(30) + "=" + std::to_string(a.total) + "/" +
         std::to_string(a.successful) + "/" + std::to_string(a.tenant_count) + "/" +
         std::to_string(a.deployed_count) + "/" + a.name;
  return s;
}

class Scenario {
 public:
  // `tenants`: past Ordinals::kReadAllPast (64), a fold's delta reads every ordinal at once.
  // `days`: events and rebuilds fall on today-(days-1) .. today (past 8, across blocks).
  Scenario(Store& s, uint64_t seed, size_t tenants = 14, int64_t days = 6)
      : s_(s), rng_(seed), today_(*parse_day("2026-03-10")), n_tenants_(tenants), days_(days) {
    for (size_t i = 0; i < n_tenants_; ++i) tenants_.push_back(tenant_id(i));
  }
  Conn& c() { return s_.conn(); }
  int64_t today() const { return today_; }
  int64_t now() const { return (today_ + 3) * kDayMs; }

  // Random events of random tenants on days today-(days-1) .. today (local noon-ish: the
  // default zone is UTC-3, so 13:00-21:00 UTC is the same local date).
  void random_events(size_t n, std::optional<int64_t> on_day = std::nullopt) {
    std::vector<UsageEvent> batch;
    for (size_t i = 0; i < n; ++i) {
      ids_.push_back("r" + std::to_string(ids_.size()));
      int64_t d = on_day.value_or(today_ - static_cast<int64_t>(rng_() % days_));
      size_t t = rng_() % n_tenants_;
      size_t a = (t + rng_() % 3) % kAgents;  // each tenant uses a few agents
      batch.push_back({ids_.back(), tenants_[t], agents_[a],
                       d * kDayMs + 13 * 3600000 + static_cast<int64_t>(rng_() % 28800000),
                       rng_() % 7 != 0, static_cast<int64_t>(rng_() % 2000), 10, 1});
    }
    s_.write([&](Conn& w) { insert_usage_events(w, batch, now()); });
  }
  void fold_dirty() {
    for (int64_t d : dirty_days(c(), std::nullopt)) fold_day(c(), d, now());
  }
  // One random step of what changes daily rows.
  void random_step() {
    int64_t day = today_ - static_cast<int64_t>(rng_() % days_);
    switch (rng_() % 6) {
      case 0:
      case 1:
        random_events(1 + rng_() % 80);
        fold_dirty();
        break;
      case 2:  // one tenant rebuilt alone
        random_events(rng_() % 30);
        aggregate_days(c(), day, day, tenants_[rng_() % n_tenants_], now());
        break;
      case 3: {  // a set of tenants (the dirty-day pass)
        random_events(rng_() % 30);
        std::vector<std::string> set{tenants_[rng_() % n_tenants_], tenants_[rng_() % n_tenants_]};
        aggregate_day_of_tenants(c(), day, set, now());
        break;
      }
      case 4:  // the whole day
        aggregate_days(c(), day, day, std::nullopt, now());
        break;
      case 5: {  // a tenant's events of the day gone, then its rebuild: its rows disappear
        const std::string& t = tenants_[rng_() % n_tenants_];
        c().exec(
            "DELETE FROM usage_events WHERE tenant_id = ? AND occurred_at_ms >= ? AND "
            "occurred_at_ms < ?",
            {t, day * kDayMs, (day + 1) * kDayMs});
        if (rng_() % 2)
          aggregate_days(c(), day, day, t, now());
        else
          aggregate_days(c(), day, day, std::nullopt, now());
        break;
      }
    }
  }
  // The rollup's overview equals the scan, for several periods and both top sizes: whole
  // blocks (b: the first day of today's block), and periods a day short of or past a block's
  // edges.
  void expect_overview_equals_scan(const std::string& when) {
    SCOPED_TRACE(when);
    ASSERT_TRUE(rollup_complete(c()));
    const int64_t b = rollup_block_of(today_);
    const std::pair<int64_t, int64_t> periods[] = {{today_ - 5, today_},
                                                   {today_ - 2, today_ - 1},
                                                   {today_, today_},
                                                   {today_ - 30, today_ + 1},
                                                   {today_ - 4, today_ - 4},
                                                   {b - 8, b - 1},
                                                   {b - 7, b - 1},
                                                   {b - 8, b - 2},
                                                   {b - 9, b},
                                                   {b - 16, today_},
                                                   {b - 17, b - 1},
                                                   {b - 15, b - 2},
                                                   {b - 24, b + 7},
                                                   {b - 1, b}};
    for (auto [from, to] : periods)
      for (size_t top : {size_t{3}, size_t{10}, std::numeric_limits<size_t>::max()}) {
        SCOPED_TRACE(format_day(from) + ".." + format_day(to) + " top " + std::to_string(top));
        EXPECT_EQ(describe(usage_overview(c(), from, to, top)),
                  describe(usage_overview_scan(c(), from, to, top)));
      }
  }
  // The rollup rows equal a rebuild of every day from the daily rows (bitmaps included),
  // and the block lists a sum of the day lists.
  void expect_rows_equal_rebuild(const std::string& when) {
    SCOPED_TRACE(when);
    auto kept = rollup_rows(c());
    auto kept_blocks = block_rows(c());
    s_.write([&](Conn& w) {
      for (int64_t d = today_ - days_; d <= today_ + 1; ++d)
        rebuild_platform_usage_day(w, format_day(d));
    });
    EXPECT_EQ(kept, rollup_rows(c()));
    EXPECT_EQ(kept_blocks, block_rows(c()));
    s_.write([&](Conn& w) { rebuild_platform_usage_blocks(w); });
    EXPECT_EQ(kept_blocks, block_rows(c()));
  }

  static constexpr size_t kAgents = 5;

 private:
  Store& s_;
  std::mt19937_64 rng_;
  int64_t today_;
  std::deque<std::string> ids_;  // the events view their ids: no reallocation
  size_t n_tenants_;
  int64_t days_;
  std::vector<std::string> tenants_;
  std::vector<std::string> agents_ = [] {
    std::vector<std::string> v;
    for (size_t i = 0; i < kAgents; ++i) v.push_back(agent_id(i));
    return v;
  }();
};

void random_sequences_match_scan(Store& s, size_t tenants = 14, uint64_t seeds = 4,
                                 int64_t days = 6) {
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    s.write([](Conn& c) {
      c.exec("DELETE FROM usage_events");
      c.exec("DELETE FROM tenant_usage_daily");
      c.exec("DELETE FROM tenant_usage_cumulative");
      c.exec("DELETE FROM usage_fold_days");
      c.exec("DELETE FROM usage_fold_tenant_days");
      c.exec("DELETE FROM usage_dirty_days");
      c.exec("DELETE FROM platform_usage_daily");
      c.exec("DELETE FROM platform_usage_blocks");
    });
    Scenario sc(s, seed, tenants, days);
    sc.random_events(300);
    sc.fold_dirty();
    sc.expect_overview_equals_scan("first fold");
    if (tenants > 64) {  // one fold's delta touching most tenants of a day
      sc.random_events(4 * tenants, sc.today() - 1);
      sc.fold_dirty();
      sc.expect_overview_equals_scan("a fold of many tenants");
    }
    for (int step = 0; step < 14; ++step) {
      sc.random_step();
      sc.expect_overview_equals_scan("step " + std::to_string(step));
    }
    sc.expect_rows_equal_rebuild("after the steps");
  }
}

// A tenant whose rows of a day disappear on a rebuild (alone, or with the whole day) leaves
// the day's counts and the agents' bits.
void tenant_losing_its_rows_leaves_counts_and_bits(Store& s) {
  Scenario sc(s, 7);
  Conn& c = sc.c();
  const int64_t day = sc.today();
  const std::string d = format_day(day), t0 = tenant_id(0), t1 = tenant_id(1), a0 = agent_id(0);
  std::vector<UsageEvent> batch = {
      {"x0", t0, a0, day * kDayMs + 15 * 3600000, true, 100, 1, 1},
      {"x1", t1, a0, day * kDayMs + 15 * 3600000, false, 300, 1, 1},
  };
  s.write([&](Conn& w) { insert_usage_events(w, batch, sc.now()); });
  sc.fold_dirty();
  auto row = [&](const std::string& agent) {
    Rows r = c.query(
        "SELECT total_requests, tenants, coalesce(tenant_bits, tenant_totals) FROM "
        "platform_usage_daily WHERE day = ? AND agent_id = ?",
        {d, agent});
    return r.empty() ? std::string("none") : r[0].str(0) + "/" + r[0].str(1) + "/" + r[0].str(2);
  };
  auto block = [&](const std::string& agent) {  // the day's block (no other day in it)
    Rows r = c.query(
        "SELECT coalesce(tenant_bits, tenant_totals) FROM platform_usage_blocks WHERE "
        "first_day = ? AND agent_id = ?",
        {format_day(rollup_block_of(day)), agent});
    return r.empty() ? std::string("none") : r[0].str(0);
  };
  EXPECT_EQ(row(a0), "2/2/03");  // ordinals 0 and 1
  EXPECT_EQ(row(""), "2/2/11");  // one request each, ordinals 0 and 1
  EXPECT_EQ(block(a0), "03");
  EXPECT_EQ(block(""), "11");
  auto drop = [&](const std::string& t) {
    c.exec(
        "DELETE FROM usage_events WHERE tenant_id = ? AND occurred_at_ms >= ? AND "
        "occurred_at_ms < ?",
        {t, day * kDayMs, (day + 1) * kDayMs});
  };
  drop(t0);
  aggregate_days(c, day, day, t0, sc.now());  // t0 rebuilt alone: the delta
  EXPECT_EQ(row(a0), "1/1/02");
  EXPECT_EQ(row(""), "1/1/01");
  EXPECT_EQ(block(a0), "02");
  EXPECT_EQ(block(""), "01");
  sc.expect_overview_equals_scan("t0 gone");
  drop(t1);
  aggregate_days(c, day, day, std::nullopt, sc.now());  // the whole day: the rebuild
  EXPECT_EQ(row(a0), "none");
  EXPECT_EQ(row(""), "none");
  EXPECT_EQ(block(a0), "none");
  EXPECT_EQ(block(""), "none");
  sc.expect_overview_equals_scan("t1 gone");
  // t1 back, then gone by its own rebuild: the delta deletes the agent's and the day's rows,
  // and their blocks.
  batch = {{"x2", t1, a0, day * kDayMs + 16 * 3600000, true, 200, 1, 1}};
  s.write([&](Conn& w) { insert_usage_events(w, batch, sc.now()); });
  sc.fold_dirty();
  EXPECT_EQ(block(a0), "02");
  EXPECT_EQ(block(""), "01");
  drop(t1);
  aggregate_days(c, day, day, t1, sc.now());
  EXPECT_EQ(row(a0), "none");
  EXPECT_EQ(row(""), "none");
  EXPECT_EQ(block(a0), "none");
  EXPECT_EQ(block(""), "none");
  sc.expect_overview_equals_scan("t1 gone alone");
}

// Daily rows without a rollup (a database migrated to 28, or rows written behind the
// aggregation's back): incomplete, the overview scans; the backfill, a few days per pass,
// rebuilds every day and marks it complete; then the rollup equals the scan.
void backfill_from_daily_rows(Store& s, const std::vector<Migration>& migrations) {
  Scenario sc(s, 11);
  Conn& c = sc.c();
  sc.random_events(400);
  sc.fold_dirty();
  auto kept = rollup_rows(c);
  ASSERT_FALSE(kept.empty());
  c.exec_script(
      "DROP TABLE platform_usage_daily; DROP TABLE usage_tenant_ordinals; DROP TABLE "
      "usage_rollup_state");
  for (auto& m : migrations)
    if (m.version == 28) c.exec_script(m.sql);
  EXPECT_FALSE(rollup_complete(c));
  EXPECT_TRUE(rollup_rows(c).empty());
  // Still right, from the scan, while incomplete.
  EXPECT_EQ(describe(usage_overview(c, sc.today() - 5, sc.today(), 10)),
            describe(usage_overview_scan(c, sc.today() - 5, sc.today(), 10)));
  auto b = backfill_rollup(c, 4);
  EXPECT_EQ(b.days, 4);
  EXPECT_FALSE(b.complete);
  EXPECT_FALSE(rollup_complete(c));
  sc.random_events(50);  // a fold between passes: deltas on backfilled and pending days
  sc.fold_dirty();
  b = backfill_rollup(c, 4);
  EXPECT_EQ(b.days, 2);
  EXPECT_TRUE(b.complete);
  EXPECT_TRUE(rollup_complete(c));
  EXPECT_EQ(backfill_rollup(c, 4).days, 0);
  sc.expect_overview_equals_scan("after the backfill");
  sc.expect_rows_equal_rebuild("after the backfill");
}

// A database at migration 28 (decimal lists, no blocks): migration 29 drops the lists and
// marks the rollup incomplete; the backfill writes them again in base 32, then the blocks.
void migration_29_rewrites_the_lists(Store& s, const std::vector<Migration>& migrations) {
  Scenario sc(s, 13, 14, 20);
  Conn& c = sc.c();
  sc.random_events(400);
  sc.fold_dirty();
  auto kept = rollup_rows(c);
  auto kept_blocks = block_rows(c);
  ASSERT_FALSE(kept_blocks.empty());
  c.exec("UPDATE platform_usage_daily SET tenant_totals = '5,,12' WHERE agent_id = ''");
  c.exec_script("DROP TABLE platform_usage_blocks");
  for (auto& m : migrations)
    if (m.version == 29) c.exec_script(m.sql);
  EXPECT_FALSE(rollup_complete(c));
  EXPECT_EQ(
      c.query("SELECT count(*) FROM platform_usage_daily WHERE tenant_totals IS NOT NULL")[0].i64(
          0),
      0);
  EXPECT_TRUE(backfill_rollup(c, 100).complete);
  EXPECT_EQ(kept, rollup_rows(c));
  EXPECT_EQ(kept_blocks, block_rows(c));
  sc.expect_overview_equals_scan("after migration 29 and the backfill");
}

TEST(RollupBitmap, SetClearOrCount) {
  std::string b = bitmap_set("", 9, true);
  EXPECT_EQ(b, "0002");
  b = bitmap_set(b, 0, true);
  EXPECT_EQ(b, "0102");
  EXPECT_EQ(bitmap_set(b, 9, false), "01");
  EXPECT_EQ(bitmap_set("01", 0, false), "");
  std::vector<uint8_t> acc;
  bitmap_or(acc, "0102");
  bitmap_or(acc, "03");
  bitmap_or(acc, "000080");
  EXPECT_EQ(bitmap_count(acc), 4);
}

TEST(RollupTotalsList, Base32DigitsRoundTrip) {
  EXPECT_EQ(format_tenant_totals({5, 0, 12}), "50c");
  EXPECT_EQ(format_tenant_totals({750, 31, 32, 0, 0}), "XevB0");  // trailing zeros dropped
  EXPECT_EQ(format_tenant_totals({-3, 1024}), "-3BA0");
  EXPECT_EQ(format_tenant_totals({0, 0}), "");
  std::vector<int64_t> totals;
  tenant_totals_add(totals, "50c");
  tenant_totals_add(totals, "03001-7");
  tenant_totals_add(totals, "");
  EXPECT_EQ(totals, (std::vector<int64_t>{5, 3, 12, 0, 1, -7}));
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    std::vector<int64_t> v(rng() % 40);
    for (auto& n : v) {
      int64_t m = static_cast<int64_t>((rng() >> 1) >> (rng() % 63));  // every magnitude
      n = rng() % 5 == 0 ? 0 : (rng() % 7 == 0 ? -m : m);
    }
    while (!v.empty() && v.back() == 0) v.pop_back();
    std::vector<int64_t> back;
    tenant_totals_add(back, format_tenant_totals(v));
    back.resize(v.size(), 0);  // trailing zeros are not read back
    EXPECT_EQ(back, v);
  }
}

TEST(RollupTotalsList, SpansOfAPeriod) {
  using S = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>;
  auto spans = [](int64_t from, int64_t to) {
    RollupSpans s = rollup_spans(from, to);
    return S{s.head_from, s.head_to, s.blocks_from, s.blocks_to, s.tail_from, s.tail_to};
  };
  EXPECT_EQ(rollup_block_of(16), 16);
  EXPECT_EQ(rollup_block_of(23), 16);
  EXPECT_EQ(rollup_block_of(24), 24);
  EXPECT_EQ(spans(16, 23), (S{16, 15, 16, 16, 24, 23}));  // one whole block
  EXPECT_EQ(spans(16, 22), (S{16, 22, 16, 15, 23, 22}));  // a day short: days only
  EXPECT_EQ(spans(17, 23), (S{17, 23, 24, 23, 24, 23}));
  EXPECT_EQ(spans(15, 24), (S{15, 15, 16, 16, 24, 24}));  // a day either side
  EXPECT_EQ(spans(9, 40), (S{9, 15, 16, 32, 40, 40}));    // three blocks
  EXPECT_EQ(spans(20, 20), (S{20, 20, 24, 23, 21, 20}));
  // Every day of every period in exactly one span, whole blocks inside it.
  for (int64_t from = 0; from < 40; ++from)
    for (int64_t to = from; to < 60; ++to) {
      RollupSpans s = rollup_spans(from, to);
      std::vector<int> seen(70, 0);
      for (int64_t d = s.head_from; d <= s.head_to; ++d) ++seen[static_cast<size_t>(d)];
      for (int64_t b = s.blocks_from; b <= s.blocks_to; b += kRollupBlockDays) {
        ASSERT_EQ(rollup_block_of(b), b);
        for (int64_t d = b; d < b + kRollupBlockDays; ++d) ++seen[static_cast<size_t>(d)];
      }
      for (int64_t d = s.tail_from; d <= s.tail_to; ++d) ++seen[static_cast<size_t>(d)];
      for (int64_t d = 0; d < 70; ++d)
        ASSERT_EQ(seen[static_cast<size_t>(d)], d >= from && d <= to ? 1 : 0)
            << from << ".." << to << " day " << d;
      int64_t fit = 0;  // as many whole blocks as fit
      for (int64_t b = 0; b < 70; b += kRollupBlockDays)
        fit += b >= from && b + kRollupBlockDays - 1 <= to;
      EXPECT_EQ(s.blocks_from > s.blocks_to ? 0 : (s.blocks_to - s.blocks_from) / 8 + 1, fit)
          << from << ".." << to;
    }
}

using UsageRollup = SqliteStoreTest;
using PgServerUsageRollup = PgStoreTest;

TEST_F(UsageRollup, RandomSequencesMatchScan) { random_sequences_match_scan(*store_); }
TEST_F(UsageRollup, RandomSequencesOfManyTenantsMatchScan) {
  random_sequences_match_scan(*store_, 150, 2);
}
TEST_F(UsageRollup, RandomSequencesAcrossBlocksMatchScan) {
  random_sequences_match_scan(*store_, 14, 3, 26);
}
TEST_F(UsageRollup, TenantLosingItsRowsLeavesCountsAndBits) {
  tenant_losing_its_rows_leaves_counts_and_bits(*store_);
}
TEST_F(UsageRollup, BackfillFromDailyRows) {
  backfill_from_daily_rows(*store_, sqlite_migrations());
}
TEST_F(UsageRollup, Migration29RewritesTheLists) {
  migration_29_rewrites_the_lists(*store_, sqlite_migrations());
}
TEST_F(PgServerUsageRollup, Migration29RewritesTheLists) {
  migration_29_rewrites_the_lists(*store_, postgres_migrations());
}
TEST_F(PgServerUsageRollup, RandomSequencesMatchScan) { random_sequences_match_scan(*store_); }
TEST_F(PgServerUsageRollup, RandomSequencesOfManyTenantsMatchScan) {
  random_sequences_match_scan(*store_, 150, 2);
}
TEST_F(PgServerUsageRollup, RandomSequencesAcrossBlocksMatchScan) {
  random_sequences_match_scan(*store_, 14, 3, 26);
}
TEST_F(PgServerUsageRollup, TenantLosingItsRowsLeavesCountsAndBits) {
  tenant_losing_its_rows_leaves_counts_and_bits(*store_);
}
TEST_F(PgServerUsageRollup, BackfillFromDailyRows) {
  backfill_from_daily_rows(*store_, postgres_migrations());
}

}  // namespace
}  // namespace painel::store
