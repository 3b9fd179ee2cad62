// The Idempotency-Key's claim off PostgreSQL's global write lock (WriteLock::RowLevel;
// docs/architecture.md, "Audit of the write call sites"): the key's row is read FOR UPDATE,
// so two instances taking over one stale claim at once (a request that crashed in flight)
// take it over once: the second waits for the first's takeover, then finds it in flight.
// The insert race of a first claim is raced over HTTP (tests/test_races_pg.py). Needs a
// server: skipped unless PAINEL_TEST_PG_URL(_FILE) is set (ctest's pg.unit).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "store/idempotency.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

class PgServerIdempotencyRace : public PgStoreTest {};

// Rounds of two threads (one Store each: two instances) claiming one stale key with the
// same request at the same instant: exactly one takes it over, the other gets InFlight.
// Fails without the FOR UPDATE (both read the stale row and both take it over).
TEST_F(PgServerIdempotencyRace, TwoTakeoversOfOneStaleClaimTakeItOnce) {
  if (!store_) return;
  constexpr int kRounds = 60;
  constexpr int64_t kNow = 1'800'000'000'000, kStale = 60'000;
  auto other = Store::open(db_->url());
  Store* stores[2] = {store_.get(), other.get()};
  int doubled = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "stale-" + std::to_string(round);
    // A claim left in flight long ago by a crashed request.
    store_->write([&](Conn& c) {
      ASSERT_EQ(claim_idempotency_key(c, "user-1", key, "hash", kNow - 10 * kStale, kStale).state,
                KeyClaim::Claimed);
    });
    std::atomic<int> ready{0};
    std::vector<KeyClaim> got(2, KeyClaim::Mismatch);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&, t] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        got[t] = stores[t]->write(WriteLock::RowLevel, [&](Conn& c) {
          return claim_idempotency_key(c, "user-1", key, "hash", kNow, kStale).state;
        });
      });
    for (auto& th : threads) th.join();
    int claimed = (got[0] == KeyClaim::Claimed) + (got[1] == KeyClaim::Claimed);
    int in_flight = (got[0] == KeyClaim::InFlight) + (got[1] == KeyClaim::InFlight);
    if (claimed == 2) ++doubled;
    EXPECT_EQ(claimed + in_flight, 2) << "round " << round;
  }
  EXPECT_EQ(doubled, 0) << "rounds where both instances took over one stale claim";
}

// A first claim beside another first claim of the same key (the second's INSERT waits for
// the first's row): once the first commits, the second finds the key in flight, in the
// same call and transaction. Before, the second's INSERT failed on the primary key
// (aborting its transaction); the route claimed once more and a third request taking the
// key between the two got a 500.
TEST_F(PgServerIdempotencyRace, AClaimBesideAFirstClaimWaitsAndFindsItInFlight) {
  if (!store_) return;
  constexpr int64_t kNow = 1'800'000'000'000;
  auto other = Store::open(db_->url());
  std::atomic<bool> inserted{false}, second_done{false};
  KeyClaim second = KeyClaim::Claimed;
  std::string error;
  std::thread first([&] {
    store_->write(WriteLock::RowLevel, [&](Conn& c) {
      EXPECT_EQ(claim_idempotency_key(c, "user-1", "k", "hash", kNow).state, KeyClaim::Claimed);
      inserted = true;
      // Hold the uncommitted row until the second claim is waiting on it.
      for (int i = 0; i < 300 && !second_done; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    });
  });
  while (!inserted) std::this_thread::yield();
  try {
    second = other->write(WriteLock::RowLevel, [&](Conn& c) {
      return claim_idempotency_key(c, "user-1", "k", "hash", kNow).state;
    });
  } catch (const std::exception& e) {
    error = e.what();
  }
  second_done = true;
  first.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(second, KeyClaim::InFlight);
}

}  // namespace
}  // namespace painel::store
