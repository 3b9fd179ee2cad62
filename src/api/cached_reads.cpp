#include "api/cached_reads.hpp"

#include <algorithm>

#include "api/app.hpp"
#include "core/blocking.hpp"
#include "http/compress.hpp"
#include "obs/metrics.hpp"

namespace painel::api {

CachedReads::CachedReads(cache::ResponseCache& cache, obs::Metrics& metrics, const Clock& clock,
                         int64_t ttl_ms)
    : cache_(cache),
      clock_(clock),
      ttl_ms_(ttl_ms),
      hits_(metrics.counter_ref("painel_cache_requests_total", "result=\"hit\"")),
      misses_(metrics.counter_ref("painel_cache_requests_total", "result=\"miss\"")) {}

std::string CachedReads::key_for(const http::RouteContext& ctx,
                                 const std::string& tenant_tag) const {
  // Normalized query: sorted pairs, so ?a=1&b=2 and ?b=2&a=1 share an entry.
  auto q = ctx.req.query;
  std::sort(q.begin(), q.end());
  std::string nq;
  for (auto& [k, v] : q) nq.append(k).append("=").append(v).append("&");
  // The role is part of the key: TENANT_USER answers omit cost fields.
  std::string role = ctx.principal ? auth::group_name(ctx.principal->role) : "-";
  return cache::cache_key(ctx.route, tenant_tag, role, std::move(nq));
}

std::optional<http::Response> CachedReads::lookup(const std::string& key, int64_t now) {
  auto hit = ttl_ms_ > 0 ? cache_.get(key, now) : std::nullopt;
  if (!hit) return std::nullopt;
  hits_.fetch_add(1, std::memory_order_relaxed);
  http::Response r = json_response(std::move(hit->body));
  r.gzip_body = std::move(hit->gzip);
  r.set_header("ETag", hit->etag);
  r.set_header("X-Cache", "hit");
  return r;
}

std::optional<http::Response> CachedReads::find(const http::RouteContext& ctx,
                                                const std::string& tenant_tag) {
  return lookup(key_for(ctx, tenant_tag), clock_.now_ms());
}

http::Response CachedReads::json(http::RouteContext& ctx, const std::string& tenant_tag,
                                 const std::function<std::string()>& render) {
  std::string key = key_for(ctx, tenant_tag);
  int64_t now = clock_.now_ms();
  if (auto hit = lookup(key, now)) return std::move(*hit);
  may_block();  // rendering reads the store: on the handler pool
  misses_.fetch_add(1, std::memory_order_relaxed);
  std::string body = render();
  std::string tag = etag_of(body);
  // Compressed once here, at zlib's default level, and served from the cache to every
  // client that accepts gzip (the chain compresses uncached answers at level 1).
  std::string gz =
      ttl_ms_ > 0 && body.size() > http::kCompressMinBytes ? http::gzip_compress(body, 6) : "";
  if (ttl_ms_ > 0) cache_.put(key, tenant_tag, cache::CachedAnswer{body, tag, gz}, ttl_ms_, now);
  http::Response r = json_response(std::move(body));
  r.gzip_body = std::move(gz);
  r.set_header("ETag", tag);
  r.set_header("X-Cache", "miss");
  return r;
}

}  // namespace painel::api
