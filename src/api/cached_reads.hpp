#pragma once
// Reads served through the answer cache. The key is the route, the tenant tag (the tenant
// the answer belongs to, or "*" for cross-tenant answers), the caller's role and the
// normalized query: built in one place (key_for) for the handler's read and for the
// network thread's inline lookup alike.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cache/response_cache.hpp"
#include "api/context.hpp"
#include "core/time.hpp"

namespace painel::obs {
class Metrics;
}

namespace painel::api {

class CachedReads {
 public:
  // ttl_ms <= 0 turns caching off (every read renders).
  CachedReads(cache::ResponseCache& cache, obs::Metrics& metrics, const Clock& clock, int64_t ttl_ms);

  // The cached answer when there is one (X-Cache: hit), else renders, stores and answers it
  // (X-Cache: miss). `render` reads the store: on the handler pool only.
  http::Response json(http::RouteContext& ctx, const std::string& tenant_tag,
                      const std::function<std::string()>& render);
  // The network thread's lookup: the cached answer, or nullopt (a miss is counted by the
  // json() that follows on the pool, not here). Never renders, never blocks on the store.
  std::optional<http::Response> find(const http::RouteContext& ctx, const std::string& tenant_tag);

 private:
  std::string key_for(const http::RouteContext& ctx, const std::string& tenant_tag) const;
  std::optional<http::Response> lookup(const std::string& key, int64_t now);

  cache::ResponseCache& cache_;
  const Clock& clock_;
  const int64_t ttl_ms_;
  std::atomic<uint64_t>& hits_;  // painel_cache_requests_total, looked up once
  std::atomic<uint64_t>& misses_;
};

}  // namespace painel::api
