#pragma once
// Shared rendering of usage statistics objects.
#include "core/json.hpp"
#include "domain/usage_math.hpp"

namespace painel::api {
inline void render_usage_stats(JsonOut& j, const domain::UsageSums& u) {
  j.begin_object()
      .kv("total_requests", u.total)
      .key("success_rate")
      .fixed1(domain::success_rate(u.successful, u.total))
      .kv("avg_response_time_ms", domain::weighted_avg_ms(u.sum_response_ms, u.total))
      .end_object();
}
}  // namespace painel::api
