#pragma once
// Token buckets in Redis, shared by every instance (--redis). One Lua script takes a token
// atomically (EVALSHA, EVAL when the server answers NOSCRIPT, e.g. after a restart) with
// api::bucket_take's arithmetic and headers. The clock is Redis's TIME, not the caller's now_ms:
// instances on different hosts share a bucket, so they must share a clock too, or a skewed
// host would refill it early. When Redis is down the in-process api::LocalRateLimiter answers
// (each instance then enforces the limits on its own); Redis is used again once it returns.
#include <string>

#include "api/rate_limit.hpp"

namespace painel::redis {

class RedisClient;

class RedisRateLimiter final : public api::RateLimiter {
 public:
  explicit RedisRateLimiter(RedisClient& redis);
  api::RateDecision take(const std::string& key, int per_min, int burst, int64_t now_ms) override;

  static const std::string& script();  // the Lua source (tests and docs)

 private:
  RedisClient& redis_;
  api::LocalRateLimiter local_;
  std::string sha_;
};

}  // namespace painel::redis
