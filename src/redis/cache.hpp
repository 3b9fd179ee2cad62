#pragma once
// The response cache in Redis, shared by every instance (--redis).
//
// Invalidation uses generation counters rather than deleting keys (which would need a
// SCAN or a per-tenant key index): invalidate_tenant(t) increments painel:gen:t:<t> and
// painel:gen:t:* (cross-tenant answers depend on every tenant), invalidate_all()
// increments painel:gen:all. An entry records the two generations it was computed under
// and is a miss as soon as either differs, in every instance at once. A read is one
// pipelined round trip (MGET of both generations + GET of the entry); a put reuses the
// generations its miss read, so an invalidation that lands while the answer is rendered
// makes that answer a miss instead of caching it stale.
//
// Redis down: get() misses, put() is skipped, and invalidations are remembered and
// replayed before this instance reads the cache again. Entries expire after their TTL
// (SET PX), which bounds staleness if an instance dies with invalidations unreplayed.
// Generation keys have no TTL: a `volatile-*` maxmemory policy never evicts them.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "cache/response_cache.hpp"

namespace painel::redis {

class RedisClient;

class RedisCache final : public cache::ResponseCache {
 public:
  explicit RedisCache(RedisClient& redis) : redis_(redis) {}
  std::optional<cache::CachedAnswer> get(const std::string& key, int64_t now_ms) override;
  // tenant_tag must be the scope `key` was built with (cache_key); otherwise nothing is stored.
  void put(const std::string& key, const std::string& tenant_tag, cache::CachedAnswer a, int64_t ttl_ms,
           int64_t now_ms) override;
  void invalidate_tenant(const std::string& tenant_id) override;
  void invalidate_all() override;

 private:
  bool replay_pending();
  void remember(const std::string* tenant);  // nullptr: everything

  RedisClient& redis_;
  std::mutex replay_mu_;
  std::mutex mu_;  // the pending set
  std::set<std::string> pending_tenants_;
  bool pending_all_ = false;
  std::atomic<bool> pending_{false};
};

// The stored value: "<gen_all> <gen_tag> <etag>\n<body>" (pure, unit-tested).
struct StoredAnswer {
  int64_t gen_all = 0;
  int64_t gen_tag = 0;
  cache::CachedAnswer answer;
};
std::string encode_stored(const StoredAnswer& s);
std::optional<StoredAnswer> decode_stored(std::string_view v);

}  // namespace painel::redis
