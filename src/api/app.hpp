#pragma once
// The application: the route table and the middleware chain every request goes through,
// as small named steps in order (app.cpp):
//   request id → static UI → route match → authenticate → policy → rate limit →
//   JSON body → handler → error mapping (once) → ETag/304 → CORS → metrics → access log.
// A CORS preflight from an allowed origin is answered at the route match (204).
// Built once with everything it uses; nothing is set or looked up afterwards.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/context.hpp"
#include "api/rate_limit.hpp"
#include "auth/authenticator.hpp"
#include "core/config.hpp"
#include "core/time.hpp"
#include "http/cors.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"

namespace painel::api {

class StaticFiles;
class DenialAudit;
class CachedReads;

// Ingest keys: the key's id and tenant scope when valid (checked by the chain for
// IngestKey routes, handed to the handler as ctx.ingest_key).
using IngestKeyCheck = std::function<std::optional<auth::IngestKey>(std::string_view)>;

// What the chain itself uses (the handlers' services are their route groups').
struct ChainDeps {
  const Config& config;  // rate limits
  obs::Metrics& metrics;
  RateLimiter& limiter;
  const Clock& clock;
  auth::Authenticator& authn;
  IngestKeyCheck ingest_check;
  DenialAudit* denials = nullptr;  // refused requests (401/403) for the audit log
  CachedReads& reads;              // the network thread's cache lookups
  // Inline answers are off when a shared (Redis) cache or limiter is configured: every
  // request would need the network anyway.
  bool inline_enabled = true;
};

class App {
 public:
  App(ChainDeps deps, http::Router routes, std::unique_ptr<StaticFiles> ui);
  ~App();

  http::Response handle(http::Request& req);  // on the handler pool; never throws
  // Before a request's body is read (on the handler pool): routes and authorizes it from its
  // head. Returns the refusal to send (404, 405, 401, 403, 429), or nullopt to read the body;
  // handle() then reuses what was checked. Never throws.
  std::optional<http::Response> check_head(http::Request& req);
  // On a network thread: answers a GET/HEAD when that needs nothing slow (a flagged public
  // route, or a cache hit found with a token-cache principal); false hands the request to
  // handle() on the pool with what was already done. Never throws, never blocks.
  bool try_inline(http::Request& req, http::Response& res);
  size_t body_limit(std::string_view method, std::string_view path) const;
  const std::vector<http::Route>& routes() const { return router_.routes(); }

 private:
  struct Exchange;
  using Steps = std::optional<http::Response> (App::*)(http::Request&, Exchange&);
  std::optional<http::Response> guarded(Steps steps, http::Request& req, Exchange& x);
  void leave_carry(http::Request& req, const Exchange& x) const;
  std::optional<http::Response> admit(http::Request& req, Exchange& x);
  std::optional<http::Response> serve_ui(const http::Request& req, Exchange& x) const;
  std::optional<http::Response> match_route(http::Request& req, Exchange& x) const;
  std::optional<http::Response> authenticate(http::Request& req, Exchange& x);
  bool authenticate_cached(const http::Request& req, Exchange& x);
  void check_policy(Exchange& x) const;
  std::optional<http::Response> rate_limit(const http::Request& req, Exchange& x);
  http::Response run_handler(Exchange& x);
  std::optional<http::Response> inline_answer(http::Request& req, Exchange& x);
  http::Response map_error(const http::Request& req, Exchange& x);
  void finish(const http::Request& req, const Exchange& x, http::Response& res);
  void note_denial(const http::Request& req, const http::Route& route, std::string_view reason,
                   int status, const auth::Principal* who = nullptr);

  ChainDeps d_;
  http::Router router_;
  std::unique_ptr<StaticFiles> static_;
  http::Cors cors_;                              // --cors-origins
  std::string path_prefix_;                      // --public-url's path: Location headers
  obs::RouteMetrics* static_metrics_ = nullptr;  // the web UI's files (serve_ui)
  obs::RouteMetrics* unmatched_metrics_ = nullptr;
  std::vector<obs::RouteMetrics*> route_metrics_;
};

// --- helpers every handler uses (render.cpp) ---
http::Response json_response(std::string body, int status = 200);
// 415 unless the request says its body is JSON.
void require_json(const http::Request& req);
std::string etag_of(std::string_view body);

}  // namespace painel::api
