#pragma once
// Token-bucket rate limiting behind an interface: in-process buckets by default; the
// Redis issue provides a shared implementation with the same contract.
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace painel::api {

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;      // bucket capacity
  int64_t remaining = 0;  // whole tokens left after this request
  int64_t reset_s = 0;    // seconds until the bucket is full again
  int64_t retry_after_s = 0;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token from bucket `key` refilled at per_min/60 tokens per second up to burst.
  virtual RateDecision take(const std::string& key, int per_min, int burst, int64_t now_ms) = 0;
};

class LocalRateLimiter final : public RateLimiter {
 public:
  RateDecision take(const std::string& key, int per_min, int burst, int64_t now_ms) override;

 private:
  struct Bucket {
    double tokens;
    int64_t last_ms;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  std::array<Shard, 16> shards_;
};

// Pure bucket arithmetic shared by every implementation (unit-tested).
RateDecision bucket_take(double& tokens, int64_t& last_ms, int per_min, int burst, int64_t now_ms);

}  // namespace painel::api
