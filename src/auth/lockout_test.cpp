#include "auth/lockout.hpp"

#include <gtest/gtest.h>

#include "store/test_stores.hpp"

namespace painel::auth {
namespace {

constexpr int64_t kMin = 60'000;

// The scenarios run on the login's own path: record_failure against a real store (the
// upsert and the lock it extends), on SQLite and on PostgreSQL.
struct Counter {
  store::Store& s;
  std::string key = "pair:a@x.com|10.0.0.1";
  store::ThrottleRow fail(const LockoutPolicy& p, int64_t now) {
    return s.write([&](store::Conn& c) { return record_failure(c, key, p, now); });
  }
  store::ThrottleRow fail_n(const LockoutPolicy& p, int n, int64_t now) {
    store::ThrottleRow r;
    for (int i = 0; i < n; ++i) r = fail(p, now);
    return r;
  }
  // What the next login reads: the stored row must be what record_failure returned.
  store::ThrottleRow stored() { return store::load_throttle(s.conn(), key); }
};

void four_failures_do_not_lock(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  auto r = k.fail_n(p, 4, 1'000'000);
  EXPECT_EQ(r.failures, 4);
  EXPECT_EQ(k.stored().failures, 4);
  EXPECT_EQ(retry_after_s(k.stored(), 1'000'000), 0);
}

void fifth_failure_locks_one_minute_then_doubles(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  int64_t now = 1'000'000;
  auto r = k.fail_n(p, 5, now);
  EXPECT_EQ(retry_after_s(r, now), 60);
  EXPECT_EQ(retry_after_s(k.stored(), now), 60);
  now = r.locked_until_ms;  // the lock ran out; one more failure
  r = k.fail(p, now);
  EXPECT_EQ(retry_after_s(k.stored(), now), 120);
  now = r.locked_until_ms;
  r = k.fail(p, now);
  EXPECT_EQ(retry_after_s(r, now), 240);
  EXPECT_EQ(k.stored().locked_until_ms, r.locked_until_ms);
}

void locks_are_capped(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  int64_t now = 1'000'000;
  for (int i = 0; i < 60; ++i) {  // also past any shift overflow (steps are capped at 40)
    auto r = k.fail(p, now);
    EXPECT_LE(retry_after_s(r, now), p.max_ms / 1000);
    now += 1000;
  }
  EXPECT_EQ(retry_after_s(k.stored(), now - 1000), 900);
}

void a_lock_never_shrinks(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  auto r = k.fail_n(p, 9, 1'000'000);  // locked 16 min (capped at 15)
  LockoutPolicy shorter = p;
  shorter.max_ms = 60'000;  // e.g. the configuration lowered meanwhile
  auto after = k.fail(shorter, 1'000'001);
  EXPECT_EQ(after.locked_until_ms, r.locked_until_ms);
  EXPECT_EQ(k.stored().locked_until_ms, r.locked_until_ms);
}

void quiet_period_forgets_failures(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  int64_t now = 1'000'000;
  auto r = k.fail_n(p, 7, now);
  now += p.forget_ms + 1;
  EXPECT_EQ(retry_after_s(r, now), 0);
  EXPECT_EQ(live_failures(k.stored(), p, now), 0);
  r = k.fail(p, now);
  EXPECT_EQ(r.failures, 1);
  EXPECT_EQ(retry_after_s(r, now), 0);
  // Just inside the quiet period, failures add up.
  r = k.fail(p, now + p.forget_ms);
  EXPECT_EQ(r.failures, 2);
}

void zero_threshold_only_counts(store::Store& s) {
  Counter k{s};
  LockoutPolicy p;
  p.threshold = 0;
  auto r = k.fail_n(p, 100, 5 * kMin);
  EXPECT_EQ(r.failures, 100);
  EXPECT_EQ(retry_after_s(k.stored(), 5 * kMin), 0);
}

void keys_count_apart(store::Store& s) {
  Counter a{s}, b{s, "acct:a@x.com"};
  LockoutPolicy p;
  a.fail_n(p, 5, 1'000'000);
  EXPECT_EQ(b.fail(p, 1'000'000).failures, 1);
  EXPECT_EQ(retry_after_s(b.stored(), 1'000'000), 0);
  EXPECT_EQ(retry_after_s(a.stored(), 1'000'000), 60);
}

using Lockout = store::SqliteStoreTest;
using PgServerLockout = store::PgStoreTest;

TEST_F(Lockout, FourFailuresDoNotLock) { four_failures_do_not_lock(*store_); }
TEST_F(Lockout, FifthFailureLocksOneMinuteThenDoubles) {
  fifth_failure_locks_one_minute_then_doubles(*store_);
}
TEST_F(Lockout, LocksAreCapped) { locks_are_capped(*store_); }
TEST_F(Lockout, ALockNeverShrinks) { a_lock_never_shrinks(*store_); }
TEST_F(Lockout, QuietPeriodForgetsFailures) { quiet_period_forgets_failures(*store_); }
TEST_F(Lockout, ZeroThresholdOnlyCounts) { zero_threshold_only_counts(*store_); }
TEST_F(Lockout, KeysCountApart) { keys_count_apart(*store_); }
TEST_F(PgServerLockout, FourFailuresDoNotLock) {
  if (store_) four_failures_do_not_lock(*store_);
}
TEST_F(PgServerLockout, FifthFailureLocksOneMinuteThenDoubles) {
  if (store_) fifth_failure_locks_one_minute_then_doubles(*store_);
}
TEST_F(PgServerLockout, LocksAreCapped) {
  if (store_) locks_are_capped(*store_);
}
TEST_F(PgServerLockout, ALockNeverShrinks) {
  if (store_) a_lock_never_shrinks(*store_);
}
TEST_F(PgServerLockout, QuietPeriodForgetsFailures) {
  if (store_) quiet_period_forgets_failures(*store_);
}
TEST_F(PgServerLockout, ZeroThresholdOnlyCounts) {
  if (store_) zero_threshold_only_counts(*store_);
}
TEST_F(PgServerLockout, KeysCountApart) {
  if (store_) keys_count_apart(*store_);
}

TEST(LockoutPolicies, FollowTheConfiguration) {
  Config cfg;
  cfg.login_max_failures = 3;
  cfg.login_account_max_failures = 30;
  cfg.login_lock_max_s = 7200;
  EXPECT_EQ(pair_policy(cfg).threshold, 3);
  EXPECT_EQ(account_policy(cfg).threshold, 30);
  EXPECT_EQ(pair_policy(cfg).max_ms, 7'200'000);
  EXPECT_EQ(ip_policy(cfg).threshold, 0);                // an IP is never locked
  EXPECT_EQ(pair_policy(cfg).forget_ms, 4 * 7'200'000);  // outlives the longest lock
  EXPECT_EQ(login_memory_ms(cfg), 4 * 7'200'000);
}

}  // namespace
}  // namespace painel::auth
