#include "auth/lockout.hpp"

#include <algorithm>

namespace painel::auth {
namespace {

LockoutPolicy lock_policy(const Config& cfg, int threshold) {
  LockoutPolicy p;
  p.threshold = threshold;
  p.base_ms = 60'000;
  p.max_ms = cfg.login_lock_max_s * 1000LL;
  p.forget_ms = std::max<int64_t>(3'600'000, 4 * p.max_ms);
  return p;
}

}  // namespace

LockoutPolicy pair_policy(const Config& cfg) { return lock_policy(cfg, cfg.login_max_failures); }

LockoutPolicy account_policy(const Config& cfg) {
  return lock_policy(cfg, cfg.login_account_max_failures);
}

LockoutPolicy ip_policy(const Config& cfg) {
  LockoutPolicy p;
  p.threshold = 0;
  p.forget_ms = cfg.login_window_s * 1000LL;
  return p;
}

int64_t login_memory_ms(const Config& cfg) {
  return std::max(
      {pair_policy(cfg).forget_ms, account_policy(cfg).forget_ms, ip_policy(cfg).forget_ms});
}

int64_t live_failures(const store::ThrottleRow& row, const LockoutPolicy& p, int64_t now_ms) {
  return now_ms - row.last_failure_ms > p.forget_ms ? 0 : row.failures;
}

store::ThrottleRow record_failure(store::Conn& c, const std::string& key, const LockoutPolicy& p,
                                  int64_t now_ms) {
  auto row = store::count_throttle_failure(c, key, now_ms, now_ms - p.forget_ms);
  auto locked = with_lock(row, p, now_ms);
  if (locked.locked_until_ms != row.locked_until_ms)
    store::set_throttle_lock(c, key, locked.locked_until_ms);
  return locked;
}

store::ThrottleRow with_lock(store::ThrottleRow row, const LockoutPolicy& p, int64_t now_ms) {
  if (p.threshold > 0 && row.failures >= p.threshold) {
    const int64_t steps = std::min<int64_t>(row.failures - p.threshold, 40);
    const int64_t lock = steps >= 40 ? p.max_ms : std::min(p.max_ms, p.base_ms << steps);
    row.locked_until_ms = std::max(row.locked_until_ms, now_ms + lock);
  }
  return row;
}

int64_t retry_after_s(const store::ThrottleRow& row, int64_t now_ms) {
  if (row.locked_until_ms <= now_ms) return 0;
  return (row.locked_until_ms - now_ms + 999) / 1000;
}

}  // namespace painel::auth
