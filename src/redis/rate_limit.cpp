#include "redis/rate_limit.hpp"

#include <openssl/evp.h>

#include "redis/client.hpp"

namespace painel::redis {
namespace {

// KEYS[1] = bucket; ARGV = per_min, burst. Mirrors api::bucket_take() line by line; the state is
// a hash {t = tokens (float), l = last refill, ms} that expires once it would be full again.
constexpr const char* kScript = R"lua(
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local per_min = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local rate = per_min / 60000.0
local b = redis.call('HMGET', KEYS[1], 't', 'l')
local tokens = tonumber(b[1])
local last = tonumber(b[2])
if tokens == nil or last == nil then
  tokens = burst
  last = now
end
if now > last then
  tokens = math.min(burst, tokens + (now - last) * rate)
  last = now
end
local allowed = 0
local retry = 0
if tokens >= 1.0 then
  tokens = tokens - 1.0
  allowed = 1
else
  retry = math.max(1, math.ceil((1.0 - tokens) / rate / 1000.0))
end
local remaining = math.floor(tokens)
local reset = math.ceil((burst - tokens) / rate / 1000.0)
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'l', string.format('%.0f', last))
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(burst / rate) + 1000))
return {allowed, remaining, reset, retry}
)lua";

std::string sha1_hex(const std::string& s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), md, &n, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::optional<api::RateDecision> decode(const RedisValue& v, int burst) {
  if (v.type != RedisValue::Type::Array || v.elements.size() != 4) return std::nullopt;
  for (auto& e : v.elements)
    if (e.type != RedisValue::Type::Integer) return std::nullopt;
  api::RateDecision d;
  d.allowed = v.elements[0].integer == 1;
  d.limit = burst;
  d.remaining = v.elements[1].integer;
  d.reset_s = v.elements[2].integer;
  d.retry_after_s = v.elements[3].integer;
  return d;
}

}  // namespace

const std::string& RedisRateLimiter::script() {
  static const std::string s = kScript;
  return s;
}

RedisRateLimiter::RedisRateLimiter(RedisClient& redis) : redis_(redis), sha_(sha1_hex(script())) {}

api::RateDecision RedisRateLimiter::take(const std::string& key, int per_min, int burst,
                                    int64_t now_ms) {
  if (redis_.up()) {
    std::string bucket = "painel:rl:" + key, pm = std::to_string(per_min),
                b = std::to_string(burst);
    auto r = redis_.command({"EVALSHA", sha_, "1", bucket, pm, b});
    if (r && r->is_error() && r->str.rfind("NOSCRIPT", 0) == 0)  // EVAL also caches the script
      r = redis_.command({"EVAL", script(), "1", bucket, pm, b});
    if (r) {
      if (auto d = decode(*r, burst)) return *d;
      redis_.note_error("reply");
    }
  }
  return local_.take(key, per_min, burst, now_ms);
}

}  // namespace painel::redis
