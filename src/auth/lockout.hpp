#pragma once
// Login lockout: the arithmetic (pure) and the counter it is applied to in the store.
//
// A counter (one per (account, IP) pair, one per account, one per IP) remembers failures
// until a quiet period passes. From `threshold` failures on, each further failure locks
// the key for base << (failures - threshold), capped: exponential, and never forever.
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "store/sessions.hpp"

namespace painel::auth {

struct LockoutPolicy {
  int64_t threshold = 5;          // failures before the first lock; <= 0: never locks
  int64_t base_ms = 60'000;       // first lock
  int64_t max_ms = 900'000;       // longest lock
  int64_t forget_ms = 3'600'000;  // failures older than this (quiet period) are forgotten
};

// How long a failure is remembered at most, by any of the policies built from cfg.
int64_t login_memory_ms(const Config& cfg);
// The policies: (account, IP) pairs, accounts, and IPs (counted only: slowed, never locked).
LockoutPolicy pair_policy(const Config& cfg);
LockoutPolicy account_policy(const Config& cfg);
LockoutPolicy ip_policy(const Config& cfg);

// Counts a failure of `key` at now_ms in the store and extends the key's lock as `p` says;
// returns the counter after it. One upsert (store::count_throttle_failure), so no failure
// is lost beside another writer without the global lock; this is the login's path.
store::ThrottleRow record_failure(store::Conn& c, const std::string& key, const LockoutPolicy& p,
                                  int64_t now_ms);
// The lock a counter that already counts the failure at now_ms (row.failures, as
// store::count_throttle_failure returns it) earns: row with locked_until_ms extended.
store::ThrottleRow with_lock(store::ThrottleRow row, const LockoutPolicy& p, int64_t now_ms);
// Seconds until the key may try again; 0 when it is not locked.
int64_t retry_after_s(const store::ThrottleRow& row, int64_t now_ms);
// Failures still remembered at now_ms (0 once the quiet period has passed).
int64_t live_failures(const store::ThrottleRow& row, const LockoutPolicy& p, int64_t now_ms);

}  // namespace painel::auth
