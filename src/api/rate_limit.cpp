#include "api/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace painel::api {

RateDecision bucket_take(double& tokens, int64_t& last_ms, int per_min, int burst, int64_t now_ms) {
  double rate_per_ms = per_min / 60000.0;
  if (now_ms > last_ms) tokens = std::min<double>(burst, tokens + (now_ms - last_ms) * rate_per_ms);
  last_ms = std::max(last_ms, now_ms);
  RateDecision d;
  d.limit = burst;
  if (tokens >= 1.0) {
    tokens -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after_s = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil((1.0 - tokens) / rate_per_ms / 1000.0)));
  }
  d.remaining = static_cast<int64_t>(std::floor(tokens));
  d.reset_s = static_cast<int64_t>(std::ceil((burst - tokens) / rate_per_ms / 1000.0));
  return d;
}

RateDecision LocalRateLimiter::take(const std::string& key, int per_min, int burst,
                                    int64_t now_ms) {
  auto& shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lk(shard.mu);
  if (shard.buckets.size() > 200000) shard.buckets.clear();  // bound memory under key floods
  auto [it, fresh] = shard.buckets.try_emplace(key, Bucket{static_cast<double>(burst), now_ms});
  return bucket_take(it->second.tokens, it->second.last_ms, per_min, burst, now_ms);
}

}  // namespace painel::api
