#pragma once
// Cache of rendered read answers, behind an interface (the Redis issue implements a shared
// one). Every key is built by cache_key(), which always embeds the tenant scope, so one
// tenant's answer can never be served to another. Entries are tagged with their tenant
// (or "*" for cross-tenant internal answers) so a write can invalidate them.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace painel::cache {

struct CachedAnswer {
  std::string body;
  std::string etag;
  std::string gzip;  // body's gzip form, made once per miss when large enough; "" = none
};

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;
  virtual std::optional<CachedAnswer> get(const std::string& key, int64_t now_ms) = 0;
  virtual void put(const std::string& key, const std::string& tenant_tag, CachedAnswer a,
                   int64_t ttl_ms, int64_t now_ms) = 0;
  // Drops every answer tagged with this tenant and every cross-tenant ("*") answer.
  virtual void invalidate_tenant(const std::string& tenant_id) = 0;
  virtual void invalidate_all() = 0;
};

// In-process cache. A miss leaves a ticket (this thread, this key, the invalidation epoch
// it saw); the put() that follows the render stores the answer only if no invalidation
// happened in between. Without it, a read that rendered from the store before a write
// committed could put its answer back after the write's invalidation and serve it stale
// for a whole TTL (seen as api-pg.test_usage failing under load: the aggregation's
// invalidation landed while a /tenant/usage render was in flight). One epoch for every
// tag: an invalidation voids every in-flight put, which only costs a re-render.
class LocalCache final : public ResponseCache {
 public:
  explicit LocalCache(size_t max_entries) : max_per_shard_(max_entries / kShards + 1) {}
  std::optional<CachedAnswer> get(const std::string& key, int64_t now_ms) override;
  void put(const std::string& key, const std::string& tenant_tag, CachedAnswer a, int64_t ttl_ms,
           int64_t now_ms) override;
  void invalidate_tenant(const std::string& tenant_id) override;
  void invalidate_all() override;

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    CachedAnswer answer;
    std::string tag;
    int64_t expires_ms;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> map;
  };
  std::array<Shard, kShards> shards_;
  size_t max_per_shard_;
  std::atomic<uint64_t> epoch_{0};  // bumped by every invalidation, before it erases
};

// route + scope + normalized (sorted) query → key. scope is the entry's tenant tag: a
// tenant id, or "*" for cross-tenant internal answers.
std::string cache_key(std::string_view route, std::string_view scope, std::string_view role_view,
                      std::string normalized_query);
// The scope a key was built with (a shared cache needs the tag before it has the entry).
std::string_view cache_key_scope(std::string_view key);

}  // namespace painel::cache
