#include "domain/usage_math.hpp"

namespace painel::domain {

double success_rate(int64_t successful, int64_t total) {
  if (total <= 0) return 0.0;
  // integer arithmetic in tenths, then one division: exact rounding, no float drift
  int64_t tenths = (successful * 2000 + total) / (2 * total);
  return static_cast<double>(tenths) / 10.0;
}

int64_t weighted_avg_ms(int64_t sum_ms, int64_t total) {
  if (total <= 0) return 0;
  return (sum_ms * 2 + total) / (2 * total);
}

}  // namespace painel::domain
