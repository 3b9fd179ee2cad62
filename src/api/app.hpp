#pragma once
// The application: services shared by every route, the route table, and the middleware
// chain every request goes through (request id → route → auth → policy → rate limit →
// handler → error mapping → ETag → metrics → access log).
#include <memory>
#include <string>

#include "cache/response_cache.hpp"
#include "api/context.hpp"
#include "api/rate_limit.hpp"
#include "auth/authenticator.hpp"
#include "core/config.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::api {

class StaticFiles;
class DenialAudit;

class App {
 public:
  App(const Config& cfg, store::Store& store, obs::Metrics& metrics, cache::ResponseCache& cache,
      RateLimiter& limiter, const Clock& clock);
  ~App();

  http::Response handle(http::Request& req);  // never throws
  // Before a request's body is read (on the handler pool): routes and authorizes it from its
  // head. Returns the refusal to send (404, 405, 401, 403, 429), or nullopt to read the body;
  // handle() then reuses what was checked. Never throws.
  std::optional<http::Response> check_head(http::Request& req);
  // On a network thread: answers a GET/HEAD if it needs nothing slow (see core/blocking.hpp);
  // false leaves the request for handle() on the pool. Never throws.
  bool try_inline(http::Request& req, http::Response& res);
  // Inline attempts are off when a shared (Redis) cache or limiter is configured: every
  // request would need the network anyway.
  void set_inline_enabled(bool on) { inline_enabled_ = on; }
  size_t body_limit(std::string_view method, std::string_view path) const;
  void set_authenticator(auth::Authenticator* a) { authn_ = a; }
  // Ingest keys: the key's id and tenant scope when valid (checked by the pipeline for
  // IngestKey routes, handed to the handler as ctx.ingest_key).
  using IngestKeyCheck = std::function<std::optional<auth::IngestKey>(std::string_view)>;
  void set_ingest_key_check(IngestKeyCheck f) { ingest_check_ = std::move(f); }
  void set_static_files(std::unique_ptr<StaticFiles> s);
  // Refused requests (401/403) are counted here for the audit log (api/denial_audit.hpp).
  void set_denial_audit(DenialAudit* d) { denials_ = d; }
  void finalize_routes();  // call after all routes are added (metrics slots)

  const Config& config;
  store::Store& store;
  obs::Metrics& metrics;
  cache::ResponseCache& cache;
  RateLimiter& limiter;
  const Clock& clock;
  http::Router router;
  std::atomic<uint64_t>& cache_hits;  // painel_cache_requests_total, looked up once
  std::atomic<uint64_t>& cache_misses;

 private:
  http::Response handle_phase(http::Request& req, const http::Route*& matched, bool head_only);
  http::Response dispatch(http::Request& req, const http::Route*& matched, bool head_only);
  std::optional<http::Response> authorize(http::Request& req, const http::Route& route,
                                          http::RouteContext& ctx,
                                          std::optional<RateDecision>& rate);
  auth::Authenticator* authn_ = nullptr;
  bool inline_enabled_ = true;
  IngestKeyCheck ingest_check_;
  std::unique_ptr<StaticFiles> static_;
  DenialAudit* denials_ = nullptr;
  void note_denial(const http::Request& req, const http::Route& route, std::string_view reason,
                   int status, const auth::Principal* who = nullptr);
  obs::RouteMetrics* unmatched_metrics_ = nullptr;
  std::vector<obs::RouteMetrics*> route_metrics_;
};

// --- helpers every handler uses (render.cpp) ---
http::Response json_response(std::string body, int status = 200);
http::Response problem(int status, std::string_view title, std::string_view detail,
                       std::string_view request_id);
// Serves a read through the cache. `tenant_tag` is the tenant the answer belongs to or
// "*" for cross-tenant answers; the key always includes it.
http::Response cached_json(http::RouteContext& ctx, const std::string& tenant_tag,
                           const std::function<std::string()>& render);
std::string etag_of(std::string_view body);

}  // namespace painel::api
