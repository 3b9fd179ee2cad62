#pragma once
// Usage figures from sums, the one way: success rate 0..100 with one decimal (0 with no
// requests, never NaN), average response time weighted by requests (sum / count).
#include <cstdint>

namespace painel::domain {

struct UsageSums {
  int64_t total = 0, successful = 0, failed = 0, sum_response_ms = 0, tokens = 0, cost_cents = 0;
  void add(const UsageSums& o) {
    total += o.total;
    successful += o.successful;
    failed += o.failed;
    sum_response_ms += o.sum_response_ms;
    tokens += o.tokens;
    cost_cents += o.cost_cents;
  }
};

// Rounded to one decimal, half away from zero: 2 of 3 → 66.7.
double success_rate(int64_t successful, int64_t total);
// Rounded to whole milliseconds.
int64_t weighted_avg_ms(int64_t sum_ms, int64_t total);

}  // namespace painel::domain
