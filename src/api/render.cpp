#include <algorithm>
#include <functional>

#include "api/app.hpp"
#include "core/blocking.hpp"
#include "core/json.hpp"
#include "http/problem.hpp"

namespace painel::api {

http::Response json_response(std::string body, int status) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response problem(int status, std::string_view title, std::string_view detail,
                       std::string_view request_id) {
  return http::problem(status, title, detail, request_id);
}

std::string etag_of(std::string_view body) {
  // libstdc++'s 64-bit MurmurHash (fixed seed, so equal across instances of one build):
  // ~8x faster than byte-wise FNV on 10 KB answers; a collision only costs a refetch.
  uint64_t h = std::hash<std::string_view>{}(body);
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

http::Response cached_json(http::RouteContext& ctx, const std::string& tenant_tag,
                           const std::function<std::string()>& render) {
  auto& app = ctx.app;
  // Normalized query: sorted pairs, so ?a=1&b=2 and ?b=2&a=1 share an entry.
  auto q = ctx.req.query;
  std::sort(q.begin(), q.end());
  std::string nq;
  for (auto& [k, v] : q) nq.append(k).append("=").append(v).append("&");
  // The role is part of the key: TENANT_USER answers omit cost fields.
  std::string role = ctx.principal ? auth::group_name(ctx.principal->role) : "-";
  std::string key = cache::cache_key(ctx.route, tenant_tag, role, std::move(nq));
  int64_t now = app.clock.now_ms();
  bool caching = app.config.cache_ttl_ms > 0;
  if (auto hit = caching ? app.cache.get(key, now) : std::nullopt) {
    app.cache_hits.fetch_add(1, std::memory_order_relaxed);
    http::Response r = json_response(std::move(hit->body));
    r.set_header("ETag", hit->etag);
    r.set_header("X-Cache", "hit");
    return r;
  }
  may_block();  // rendering reads the store: on the handler pool
  app.cache_misses.fetch_add(1, std::memory_order_relaxed);
  std::string body = render();
  std::string tag = etag_of(body);
  if (caching)
    app.cache.put(key, tenant_tag, cache::CachedAnswer{body, tag}, app.config.cache_ttl_ms, now);
  http::Response r = json_response(std::move(body));
  r.set_header("ETag", tag);
  r.set_header("X-Cache", "miss");
  return r;
}

}  // namespace painel::api
