#include "auth/lockout.hpp"

#include <gtest/gtest.h>

namespace painel::auth {
namespace {

constexpr int64_t kMin = 60'000;

store::ThrottleRow fail_n(store::ThrottleRow r, const LockoutPolicy& p, int n, int64_t now) {
  for (int i = 0; i < n; ++i) r = after_failure(r, p, now);
  return r;
}

TEST(Lockout, FourFailuresDoNotLock) {
  LockoutPolicy p;
  auto r = fail_n({}, p, 4, 1'000'000);
  EXPECT_EQ(r.failures, 4);
  EXPECT_EQ(retry_after_s(r, 1'000'000), 0);
}

TEST(Lockout, FifthFailureLocksOneMinuteThenDoubles) {
  LockoutPolicy p;
  int64_t now = 1'000'000;
  auto r = fail_n({}, p, 5, now);
  EXPECT_EQ(retry_after_s(r, now), 60);
  now = r.locked_until_ms;  // the lock ran out; one more failure
  r = after_failure(r, p, now);
  EXPECT_EQ(retry_after_s(r, now), 120);
  now = r.locked_until_ms;
  r = after_failure(r, p, now);
  EXPECT_EQ(retry_after_s(r, now), 240);
}

TEST(Lockout, LocksAreCapped) {
  LockoutPolicy p;
  int64_t now = 1'000'000;
  store::ThrottleRow r;
  for (int i = 0; i < 200; ++i) {  // also past any shift overflow
    r = after_failure(r, p, now);
    EXPECT_LE(retry_after_s(r, now), p.max_ms / 1000);
    now += 1000;
  }
  EXPECT_EQ(retry_after_s(r, now - 1000), 900);
}

TEST(Lockout, QuietPeriodForgetsFailures) {
  LockoutPolicy p;
  int64_t now = 1'000'000;
  auto r = fail_n({}, p, 7, now);
  now += p.forget_ms + 1;
  EXPECT_EQ(retry_after_s(r, now), 0);
  EXPECT_EQ(live_failures(r, p, now), 0);
  r = after_failure(r, p, now);
  EXPECT_EQ(r.failures, 1);
  EXPECT_EQ(retry_after_s(r, now), 0);
}

TEST(Lockout, ZeroThresholdOnlyCounts) {
  LockoutPolicy p;
  p.threshold = 0;
  auto r = fail_n({}, p, 100, 5 * kMin);
  EXPECT_EQ(r.failures, 100);
  EXPECT_EQ(retry_after_s(r, 5 * kMin), 0);
}

}  // namespace
}  // namespace painel::auth

namespace painel::auth {
namespace {

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
