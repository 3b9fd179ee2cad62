#include "auth/lockout.hpp"

#include <algorithm>

namespace painel::auth {

int64_t live_failures(const store::ThrottleRow& row, const LockoutPolicy& p, int64_t now_ms) {
  return now_ms - row.last_failure_ms > p.forget_ms ? 0 : row.failures;
}

store::ThrottleRow after_failure(store::ThrottleRow row, const LockoutPolicy& p, int64_t now_ms) {
  row.failures = live_failures(row, p, now_ms) + 1;
  row.last_failure_ms = now_ms;
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
