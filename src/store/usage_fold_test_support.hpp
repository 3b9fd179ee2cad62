#pragma once
// Test support (usage_aggregate_test.cpp, usage_aggregate_pg_test.cpp): random event sets
// ingested in batches with incremental folds (and tenant-scoped rebuilds) in between must
// leave the same daily rows as one full rebuild — counts and sums equal, sketches equal
// (their merge is exact), p95 within the sketch's stated error of the exact p95.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/store.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_ingest.hpp"

namespace painel::store::testing {

struct DaySnapshot {
  std::vector<std::string> sums;                // every column but p95, sketch, aggregated_at
  std::map<std::string, int64_t> p95;           // by tenant|agent|day
  std::map<std::string, std::string> sketches;  // by tenant|agent|day
  std::vector<std::string> cumulative;          // tenant_usage_cumulative
};

inline DaySnapshot snapshot(Conn& c) {
  DaySnapshot s;
  c.each(
      "SELECT tenant_id, agent_id, day, total_requests, successful_requests, failed_requests, "
      "sum_response_time_ms, total_tokens, cost_cents, last_request_at, p95_response_time_ms, "
      "response_sketch FROM tenant_usage_daily ORDER BY tenant_id, day, agent_id",
      {}, [&](const Row& r) {
        std::string key = r.str(0) + "|" + r.str(1) + "|" + r.str(2), line = key;
        for (size_t i = 3; i < 10; ++i) line += "|" + r.str(i);
        s.sums.push_back(line);
        s.p95[key] = r.i64(10);
        s.sketches[key] = r.str(11);
      });
  c.each(
      "SELECT tenant_id, day, requests_through_day FROM tenant_usage_cumulative ORDER BY "
      "tenant_id, day",
      {},
      [&](const Row& r) { s.cumulative.push_back(r.str(0) + "|" + r.str(1) + "|" + r.str(2)); });
  return s;
}

// Ingests random events of `day` (and some late ones of the day before, a few of the day
// after) in batches; between batches it folds every dirty day, rebuilds one tenant alone,
// or does nothing. Then compares with a full rebuild of the three days.
inline void check_incremental_equals_full(Store& store, uint64_t seed, int64_t day) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const std::vector<std::string> tenants = {
      "0b1c5a5e-0000-4000-8000-000000000001", "0b1c5a5e-0000-4000-8000-000000000002",
      "0b1c5a5e-0000-4000-8000-000000000003", "0b1c5a5e-0000-4000-8000-000000000004"};
  const std::vector<std::string> agents = {"0b1c5a5e-0000-4000-8000-0000000000a1",
                                           "0b1c5a5e-0000-4000-8000-0000000000a2",
                                           "0b1c5a5e-0000-4000-8000-0000000000a3"};
  std::lognormal_distribution<double> rt(5.5, 1.2);
  std::vector<std::string> ids;  // the events' texts are views into these
  ids.reserve(20000);
  int64_t now = (day + 2) * 86400000;
  int64_t folded_events = 0, ingested = 0;
  const int batches = 4 + static_cast<int>(rng() % 5);
  for (int b = 0; b < batches; ++b) {
    std::vector<UsageEvent> batch;
    size_t n = rng() % 600;
    for (size_t i = 0; i < n; ++i) {
      ids.push_back("s" + std::to_string(seed) + "-" + std::to_string(ids.size()));
      int64_t d = day;
      if (rng() % 6 == 0) d = day - 1;  // late events of the day before
      if (rng() % 50 == 0) d = day + 1;
      int64_t ms = d * 86400000 + static_cast<int64_t>(rng() % 86400000);
      if (rng() % 40 == 0) ms = d * 86400000 + (rng() % 2 ? 0 : 86400000 - 1);  // the edges
      auto v = static_cast<int64_t>(rt(rng));
      if (rng() % 30 == 0) v = 0;
      batch.push_back({ids.back(), tenants[rng() % tenants.size()], agents[rng() % agents.size()],
                       ms, rng() % 9 != 0, v, static_cast<int64_t>(rng() % 5000),
                       static_cast<int64_t>(rng() % 300)});
    }
    if (!batch.empty() && rng() % 4 == 0) batch.push_back(batch.front());  // a duplicate id
    store.write([&](Conn& c) { ingested += insert_usage_events(c, batch, now).accepted; });
    now += 1000;
    switch (rng() % 4) {
      case 0:
        break;   // the next batch joins this one's unfolded events
      case 1: {  // one tenant rebuilt alone (REPROCESS_QUEUE / `painel aggregate` for a tenant)
        std::string t = tenants[rng() % tenants.size()];
        aggregate_days(store.conn(), day - 1, day, t, now);
        [[fallthrough]];
      }
      default:
        for (int64_t d : dirty_days(store.conn(), std::nullopt))
          folded_events += fold_day(store.conn(), d, now).stats.events;
    }
  }
  for (int64_t d : dirty_days(store.conn(), std::nullopt))
    folded_events += fold_day(store.conn(), d, now).stats.events;
  EXPECT_TRUE(dirty_days(store.conn(), std::nullopt).empty());
  EXPECT_GT(folded_events, 0);

  DaySnapshot inc = snapshot(store.conn());
  // The running totals the folds kept equal the daily rows' own (a full rebuild below
  // would keep a wrong one: it moves them by its change only).
  std::vector<std::string> running;
  std::string tenant;
  int64_t sum = 0;
  store.conn().each(
      "SELECT tenant_id, day, sum(total_requests) FROM tenant_usage_daily GROUP BY tenant_id, "
      "day ORDER BY tenant_id, day",
      {}, [&](const Row& r) {
        if (r.str(0) != tenant) tenant = r.str(0), sum = 0;
        sum += r.i64(2);
        running.push_back(r.str(0) + "|" + r.str(1) + "|" + std::to_string(sum));
      });
  EXPECT_EQ(inc.cumulative, running);
  aggregate_days(store.conn(), day - 1, day + 1, std::nullopt, now);
  DaySnapshot full = snapshot(store.conn());

  int64_t total = 0;
  for (auto& line : full.sums)
    total += std::stoll(line.substr(line.find('|', line.find('|', line.find('|') + 1) + 1) + 1));
  EXPECT_EQ(total, ingested);
  EXPECT_EQ(inc.sums, full.sums);
  EXPECT_EQ(inc.cumulative, full.cumulative);
  EXPECT_EQ(inc.sketches, full.sketches);
  ASSERT_EQ(inc.p95.size(), full.p95.size());
  for (auto& [key, exact] : full.p95) {
    int64_t est = inc.p95[key];
    EXPECT_LE(std::llabs(est - exact),
              static_cast<int64_t>(0.01 * static_cast<double>(exact) + 0.5))
        << key << ": incremental " << est << ", full rebuild (exact) " << exact;
  }
}

}  // namespace painel::store::testing
