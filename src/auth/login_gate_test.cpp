#include "auth/login_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace painel::auth {
namespace {

TEST(LoginGate, NeverMoreInFlightThanCapacity) {
  LoginGate g({2, 64, 10'000});
  std::atomic<int> inside{0}, worst{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 16; ++i)
    ts.emplace_back([&] {
      for (int k = 0; k < 20; ++k) {
        auto p = g.acquire(LoginGate::Lane::Normal);
        ASSERT_TRUE(p);
        int n = ++inside;
        int w = worst.load();
        while (n > w && !worst.compare_exchange_weak(w, n)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_LE(worst.load(), 2);
  EXPECT_LE(g.stats().max_in_flight, 2);
  EXPECT_EQ(g.stats().admitted, 16u * 20u);
  EXPECT_EQ(g.stats().in_flight, 0);
}

TEST(LoginGate, RefusesAtOnceWhenTooManyWait) {
  LoginGate g({1, 0, 10'000});
  auto held = g.acquire(LoginGate::Lane::Normal);
  ASSERT_TRUE(held);
  EXPECT_FALSE(g.acquire(LoginGate::Lane::Normal));  // no waiting room: no wait at all
  EXPECT_EQ(g.stats().refused, 1u);
}

TEST(LoginGate, WaitIsBounded) {
  LoginGate g({1, 4, 20});
  auto held = g.acquire(LoginGate::Lane::Normal);
  EXPECT_FALSE(g.acquire(LoginGate::Lane::Normal));
  held.reset();
  EXPECT_TRUE(g.acquire(LoginGate::Lane::Normal));
}

TEST(LoginGate, SlowLaneRunsOneAtATimeAndNeverTakesANormalSlot) {
  LoginGate g({2, 8, 20});
  auto slow1 = g.acquire(LoginGate::Lane::Slow);
  ASSERT_TRUE(slow1);
  EXPECT_FALSE(g.acquire(LoginGate::Lane::Slow));  // a slot is free, but not for a second slow
  auto normal = g.acquire(LoginGate::Lane::Normal);
  EXPECT_TRUE(normal);
  EXPECT_EQ(g.stats().in_flight, 2);
}

void wait_for_waiters(const LoginGate& g, int n) {
  while (g.stats().waiting < n) std::this_thread::yield();
}

TEST(LoginGate, NormalAttemptsGoBeforeAnEarlierSlowOne) {
  LoginGate g({1, 8, 60'000});
  auto held = g.acquire(LoginGate::Lane::Normal);
  std::atomic<int> order{0};
  int normal_at = 0, slow_at = 0;
  std::thread slow([&] {
    auto p = g.acquire(LoginGate::Lane::Slow);
    slow_at = ++order;
  });
  wait_for_waiters(g, 1);  // the slow attempt queues first
  std::thread normal([&] {
    auto p = g.acquire(LoginGate::Lane::Normal);
    normal_at = ++order;
  });
  wait_for_waiters(g, 2);
  held.reset();
  normal.join();
  slow.join();
  EXPECT_EQ(normal_at, 1);
  EXPECT_EQ(slow_at, 2);
}

}  // namespace
}  // namespace painel::auth
