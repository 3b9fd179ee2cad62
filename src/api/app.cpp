#include "api/app.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/cached_reads.hpp"
#include "api/csv_export.hpp"
#include "api/denial_audit.hpp"
#include "api/scope.hpp"
#include "api/static_files.hpp"
#include "core/blocking.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "http/accept_encoding.hpp"
#include "http/compress.hpp"
#include "http/problem.hpp"
#include "obs/log.hpp"
#include "store/db.hpp"

namespace painel::api {
namespace {

using Clock_ = std::chrono::steady_clock;

// Left on the request for the next run of the chain on the handler pool: by the head check
// (which admits a request before its body is read) and by an inline attempt that could not
// answer. `admitted`: authentication, policy and the rate-limit tokens are done and are not
// repeated (nor double-counted); otherwise only the route match is reused.
struct Carry {
  const http::Route* route = nullptr;
  bool admitted = false;
  std::optional<auth::Principal> principal;
  std::optional<RateDecision> rate;
  std::optional<auth::IngestKey> ingest_key;
};

void add_rate_headers(http::Response& r, const RateDecision& d) {
  r.set_header("RateLimit-Limit", std::to_string(d.limit));
  r.set_header("RateLimit-Remaining", std::to_string(d.remaining));
  r.set_header("RateLimit-Reset", std::to_string(d.reset_s));
}

// The client's X-Request-Id when sane, else a new one; kept across runs of one request.
void assign_request_id(http::Request& req) {
  if (req.request_id.empty()) req.request_id = http::request_id_for(req.headers);
}

// JSON answers above http::kCompressMinBytes go gzip-compressed to clients that accept
// gzip (issue 18); `Vary: Accept-Encoding` tells caches the answer depends on it. Returns
// whether this answer is to be compressed.
bool wants_gzip(const http::Request& req, http::Response& res) {
  if (res.body.size() <= http::kCompressMinBytes) return false;
  const auto& ct = res.content_type;
  if (ct.rfind("application/json", 0) != 0 && ct.rfind("application/problem+json", 0) != 0)
    return false;
  std::string* vary = nullptr;
  for (auto& [k, v] : res.headers) {
    if (k == "Content-Encoding") return false;
    if (k == "Vary") vary = &v;
  }
  if (vary)  // one Vary header (CORS may have set "Origin")
    vary->append(", Accept-Encoding");
  else
    res.set_header("Vary", "Accept-Encoding");
  // A client refusing identity too gets identity anyway: a JSON API answers rather than 406.
  auto coding = http::choose_encoding(req.header("accept-encoding"), {"gzip"});
  return coding && *coding == "gzip";
}

// Conditional GET: ETag on successful JSON reads (the gzip form's tag when compressed),
// 304 when the client has the answer in either form.
void conditional_get(const http::Request& req, http::Response& res, bool gzip) {
  std::string* etag = nullptr;
  for (auto& [k, v] : res.headers)
    if (k == "ETag") etag = &v;
  if ((req.method != "GET" && req.method != "HEAD") || res.status != 200 ||
      res.content_type.rfind("application/json", 0) != 0) {
    if (gzip && etag) *etag = http::gzip_etag(*etag);  // a write's answer, compressed
    return;
  }
  if (!etag) {
    res.set_header("ETag", etag_of(res.body));
    etag = &res.headers.back().second;
  }
  std::string plain = *etag, zipped = http::gzip_etag(plain);
  if (gzip) *etag = zipped;
  auto inm = req.header("if-none-match");
  auto has = [&inm](const std::string& t) {
    return *inm == t || inm->find(t) != std::string_view::npos;
  };
  if (inm && (*inm == "*" || has(plain) || has(zipped))) {
    res.status = 304;
    res.body.clear();
    res.gzip_body.clear();
  }
}

void compress_body(http::Response& res) {
  if (res.body.empty()) return;  // 304, HEAD
  res.body = res.gzip_body.empty() ? http::gzip_compress(res.body, 1) : std::move(res.gzip_body);
  res.gzip_body.clear();
  res.set_header("Content-Encoding", "gzip");
}

// Who made a request, for its access line: the user and tenant ids (never a credential).
struct Caller {
  std::string_view user_id, tenant_id;
};

// One line per answer: a JSON object (--log-format json) or `access key=value ...` (text).
void access_log(const http::Request& req, const http::Route* route, int status, int64_t micros,
                uint64_t statements, Caller who) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  double ms = static_cast<double>(micros) / 1000.0;
  std::string_view pattern = route ? std::string_view(route->pattern) : std::string_view();
  if (obs::text_logs()) {
    using obs::text_field;
    spdlog::info(
        "access request_id={} method={} path={} route={} status={} duration_ms={:.3f} "
        "statements={} ip={} user_id={} tenant_id={}",
        text_field(req.request_id), text_field(req.method), text_field(req.path),
        text_field(pattern.empty() ? "-" : pattern), status, ms, statements,
        text_field(req.remote_ip), text_field(who.user_id.empty() ? "-" : who.user_id),
        text_field(who.tenant_id.empty() ? "-" : who.tenant_id));
    return;
  }
  JsonOut j;
  j.begin_object()
      .kv("type", "access")
      .kv("request_id", req.request_id)
      .kv("method", req.method)
      .kv("path", req.path)
      .kv("route", pattern)
      .kv("status", status)
      .key("duration_ms")
      .dbl(ms)
      .kv("statements", static_cast<int64_t>(statements))
      .kv("ip", req.remote_ip);
  if (!who.user_id.empty()) j.kv("user_id", who.user_id);
  if (!who.tenant_id.empty()) j.kv("tenant_id", who.tenant_id);
  j.end_object();
  spdlog::info("{}", j.view());
}

// The tenant tag of a cached read's key when it is known without the store; nullopt sends
// the read to the pool (staff naming a tenant: validated and audited there, scope.cpp).
std::optional<std::string> inline_cache_tag(const http::Request& req, const http::Route& route,
                                            const std::optional<auth::Principal>& p) {
  switch (route.flags.cache) {
    case http::CacheScope::CrossTenant:
      return std::string("*");
    case http::CacheScope::Tenant:
      if (p) return own_tenant_of(req, *p);
      return std::nullopt;
    case http::CacheScope::None:
      break;
  }
  return std::nullopt;
}

}  // namespace

// What the chain learns about one request, step by step.
struct App::Exchange {
  enum class Stage {
    Admission,  // request id, UI, route, authentication: a 403 here is not audited
    Policy,     // groups and rate limit: a 403 is the route's refusal, audited
    Handler,    // the JSON body and the handler: rate headers on the answer
  };
  explicit Exchange(http::Request& req) : ctx{req, std::nullopt, {}, std::nullopt, nullptr} {}
  Clock_::time_point t0 = Clock_::now();
  // The store statements the request makes: every step runs on the thread that made the
  // Exchange (the pool's, or the network thread's, which never reads the store).
  uint64_t statements0 = store::statements_on_this_thread();
  const http::Route* route = nullptr;
  http::RouteContext ctx;  // what the handler receives
  std::optional<RateDecision> rate;
  std::optional<rapidjson::Document> body;
  Stage stage = Stage::Admission;
  bool admitted = false;          // authenticated, allowed and within its rate
  bool internal_failure = false;  // a store or unexpected error (no rate headers)
  bool ui = false;                // `/` or `/app/*`: the web UI's files (route "static")
};

App::App(ChainDeps deps, http::Router routes, std::unique_ptr<StaticFiles> ui)
    : d_(std::move(deps)),
      router_(std::move(routes)),
      static_(std::move(ui)),
      cors_(http::Cors::parse(d_.config.cors_origins)),
      path_prefix_(d_.config.path_prefix()) {
  for (auto& r : router_.routes())
    route_metrics_.push_back(&d_.metrics.route(r.index, r.method, r.pattern));
  static_metrics_ = &d_.metrics.route(router_.routes().size(), "GET", "static");
  unmatched_metrics_ = &d_.metrics.route(router_.routes().size() + 1, "ANY", "unmatched");
}

App::~App() = default;

size_t App::body_limit(std::string_view method, std::string_view path) const {
  http::Fields ignored;
  auto m = router_.match(method, path, ignored);
  return m.route ? m.route->body_limit : (1 << 20);
}

// --- the three entry points -------------------------------------------------------------

http::Response App::handle(http::Request& req) {
  assign_request_id(req);
  Exchange x(req);
  http::Response res;
  try {
    auto answered = admit(req, x);
    res = answered ? std::move(*answered) : run_handler(x);
  } catch (...) {
    res = map_error(req, x);
  }
  finish(req, x, res);
  return res;
}

std::optional<http::Response> App::check_head(http::Request& req) {
  assign_request_id(req);
  Exchange x(req);
  auto res = guarded(&App::admit, req, x);
  if (res)
    finish(req, x, *res);
  else  // admitted: read the body; handle() goes on from here
    leave_carry(req, x);
  return res;
}

bool App::try_inline(http::Request& req, http::Response& res) {
  if (!d_.inline_enabled || (req.method != "GET" && req.method != "HEAD")) return false;
  InlineAttempt on_network_thread;  // may_block() reports a slip meanwhile
  assign_request_id(req);
  Exchange x(req);
  auto answer = guarded(&App::inline_answer, req, x);
  if (!answer) {  // to the pool, with what was done
    if (x.route) leave_carry(req, x);
    return false;
  }
  finish(req, x, *answer);
  res = std::move(*answer);
  return true;
}

// A run of steps under the one error mapping.
std::optional<http::Response> App::guarded(Steps steps, http::Request& req, Exchange& x) {
  try {
    return (this->*steps)(req, x);
  } catch (...) {
    return map_error(req, x);
  }
}

// What this run did, for the next run of the request on the pool (see Carry).
void App::leave_carry(http::Request& req, const Exchange& x) const {
  req.inline_carry = std::make_shared<const Carry>(
      Carry{x.route, x.admitted, x.ctx.principal, x.rate, x.ctx.ingest_key});
}

// --- the steps, in order ----------------------------------------------------------------

// Static UI → route match → authenticate → policy → rate limit: the answer when a step
// answers (the UI, a refusal), nullopt when the handler is next. What an earlier run
// carried (check_head, an inline attempt) is not done again.
std::optional<http::Response> App::admit(http::Request& req, Exchange& x) {
  if (auto carry = static_cast<const Carry*>(req.inline_carry.get())) {
    x.route = carry->route;
    x.ctx.route = x.route->pattern;
    if (carry->admitted) {
      x.ctx.principal = carry->principal;
      x.ctx.ingest_key = carry->ingest_key;
      x.rate = carry->rate;
      x.admitted = true;
      return std::nullopt;
    }
  } else {
    if (auto ui = serve_ui(req, x)) return ui;
    if (auto refused = match_route(req, x)) return refused;
  }
  if (auto refused = authenticate(req, x)) return refused;
  check_policy(x);
  if (auto refused = rate_limit(req, x)) return refused;
  x.admitted = true;
  return std::nullopt;
}

// Outside --public-url's path: 404. `/` redirects to the UI; `/app/*` is the built web UI
// (read-only); `/docs` its page of browsable API docs (StaticFiles::is_docs_path).
std::optional<http::Response> App::serve_ui(const http::Request& req, Exchange& x) const {
  if (req.outside_prefix) throw not_found("not under the path of --public-url");
  bool docs = StaticFiles::is_docs_path(req.path);
  x.ui = req.path == "/app" || req.path.rfind("/app/", 0) == 0 || docs ||
         (req.path == "/" && (req.method == "GET" || req.method == "HEAD"));
  if (req.path == "/" && (req.method == "GET" || req.method == "HEAD")) {
    http::Response r;
    r.status = 302;
    r.content_type.clear();
    r.set_header("Location", "/app/");
    return r;
  }
  if (req.path != "/app" && req.path.rfind("/app/", 0) != 0 && !docs) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") {
    http::Response r =
        http::problem(405, "Method Not Allowed", "the web UI is read-only", req.request_id);
    r.set_header("Allow", "GET, HEAD");
    return r;
  }
  if (!static_) throw ApiError(404, "Not Found", "the web UI is not built; run `make build`");
  return static_->serve(req);
}

// 404 for an unknown path, 405 (with Allow) for a known path and another method.
std::optional<http::Response> App::match_route(http::Request& req, Exchange& x) const {
  http::Fields params;
  auto m = router_.match(req.method, req.path, params);
  if (!m.route) {
    if (!m.path_exists) throw not_found("no such route");
    if (cors_.is_preflight(req)) return cors_.preflight(m.allow);  // before authentication
    http::Response r =
        http::problem(405, "Method Not Allowed", "method not allowed on this path", req.request_id);
    r.set_header("Allow", m.allow);
    return r;
  }
  x.route = m.route;
  x.ctx.route = m.route->pattern;
  req.params = std::move(params);
  return std::nullopt;
}

// The caller's credentials: an ingest key or a bearer token, as the route says (401).
std::optional<http::Response> App::authenticate(http::Request& req, Exchange& x) {
  const http::Route& route = *x.route;
  if (route.access == http::Access::Public) return std::nullopt;
  auto tok = req.bearer();
  if (route.access == http::Access::IngestKey) {
    if (tok && d_.ingest_check) x.ctx.ingest_key = d_.ingest_check(*tok);
    if (x.ctx.ingest_key) return std::nullopt;
    note_denial(req, route, tok ? "bad_ingest_key" : "missing_token", 401);
    http::Response r =
        http::problem(401, "Unauthorized", "a valid ingest API key is required", req.request_id);
    r.set_header("WWW-Authenticate", "Bearer");
    return r;
  }
  std::string why = "missing bearer token";
  if (tok) x.ctx.principal = d_.authn.authenticate(*tok, why);
  if (x.ctx.principal) return std::nullopt;
  d_.metrics.inc("painel_auth_rejections_total");
  note_denial(req, route, tok ? "bad_token" : "missing_token", 401);
  http::Response r = http::problem(401, "Unauthorized", why, req.request_id);
  r.set_header("WWW-Authenticate", "Bearer");
  return r;
}

// The network thread's authentication: from memory only (verified-token cache, revocation
// set, tenant-status cache). False when that is not enough; the pool then authenticates.
bool App::authenticate_cached(const http::Request& req, Exchange& x) {
  auto tok = req.bearer();
  if (tok) x.ctx.principal = d_.authn.authenticate_cached(*tok);
  return x.ctx.principal.has_value();
}

// The route's groups (403, audited by the error mapping).
void App::check_policy(Exchange& x) const {
  x.stage = Exchange::Stage::Policy;
  const http::Route& route = *x.route;
  if (route.access != http::Access::User) return;
  const auth::Principal& p = *x.ctx.principal;
  if ((route.groups & p.role) == 0)
    throw forbidden("Você não tem permissão para acessar este recurso (group " +
                    std::string(auth::group_name(p.role)) + " may not use this route)");
}

// Per-user then per-tenant token buckets; the tighter answer is reported (429).
std::optional<http::Response> App::rate_limit(const http::Request& req, Exchange& x) {
  if (x.route->access != http::Access::User) return std::nullopt;
  const auth::Principal& p = *x.ctx.principal;
  auto now = d_.clock.now_ms();
  const Config& c = d_.config;
  RateDecision du = d_.limiter.take("u:" + p.user_id, c.rate_user_per_min, c.rate_user_burst, now);
  x.rate = du;
  if (du.allowed && p.tenant_id) {
    RateDecision dt =
        d_.limiter.take("t:" + *p.tenant_id, c.rate_tenant_per_min, c.rate_tenant_burst, now);
    if (!dt.allowed || dt.remaining < du.remaining) x.rate = dt;
  }
  if (x.rate->allowed) return std::nullopt;
  d_.metrics.inc("painel_rate_limited_total");
  http::Response r = http::problem(429, "Too Many Requests", "rate limit exceeded", req.request_id);
  add_rate_headers(r, *x.rate);
  r.set_header("Retry-After", std::to_string(x.rate->retry_after_s));
  return r;
}

// The JSON body of a json_body route (415, 400), then the handler.
http::Response App::run_handler(Exchange& x) {
  x.stage = Exchange::Stage::Handler;
  if (x.route->flags.json_body) {
    require_json(x.ctx.req);
    x.body.emplace(parse_json_object(x.ctx.req.body));
    x.ctx.json = &*x.body;
  }
  return x.route->handler(x.ctx);
}

// The network thread's run: the same steps, with authentication from memory only and the
// handler only for a flagged route — a public one, or a cached read whose key needs no
// store, answered on a hit. nullopt: the pool takes over (try_inline leaves the carry).
std::optional<http::Response> App::inline_answer(http::Request& req, Exchange& x) {
  if (auto ui = serve_ui(req, x)) return ui;
  if (auto refused = match_route(req, x)) return refused;
  const http::Route& route = *x.route;
  if (!route.flags.may_inline || route.access == http::Access::IngestKey) return std::nullopt;
  if (route.access == http::Access::User) {
    if (!authenticate_cached(req, x)) return std::nullopt;
    check_policy(x);
    if (auto refused = rate_limit(req, x)) return refused;
  }
  x.admitted = true;
  if (route.flags.cache == http::CacheScope::None) return run_handler(x);
  x.stage = Exchange::Stage::Handler;
  // A CSV export (even one asked for with Accept alone, which the cache key does not see)
  // is never a cached JSON answer: the handler streams it on the pool.
  if (csv_requested(req)) return std::nullopt;
  auto tag = inline_cache_tag(req, route, x.ctx.principal);
  if (!tag) return std::nullopt;
  return d_.reads.find(x.ctx, *tag);
}

// The one mapping of what a step throws to problem+json (http/problem): ApiError as it
// says (a 403 of the policy or the handler is counted for the audit), store errors to 503
// (busy) or 500, anything else to 500 — logged with the request id, never shown. Called
// from a catch block.
http::Response App::map_error(const http::Request& req, Exchange& x) {
  try {
    throw;
  } catch (const ApiError& e) {
    if (e.status == 403 && x.route && x.stage != Exchange::Stage::Admission)
      note_denial(req, *x.route, "forbidden", 403, x.ctx.principal ? &*x.ctx.principal : nullptr);
    http::Response r = http::problem(e.status, e.title, e.detail, req.request_id, e.code, e.errors);
    if (e.retry_after_s > 0) r.set_header("Retry-After", std::to_string(e.retry_after_s));
    if (!e.log.empty()) spdlog::warn("request {}: {}", req.request_id, e.log);
    return r;
  } catch (const store::DbError& e) {
    x.internal_failure = true;
    bool busy = e.kind == store::DbError::Kind::Busy || e.kind == store::DbError::Kind::Unavailable;
    d_.metrics.inc("painel_store_errors_total", busy ? "kind=\"busy\"" : "kind=\"other\"");
    spdlog::error("request {}: store error: {}", req.request_id, e.what());
    if (!busy) return http::problem(500, "Internal Server Error", "internal error", req.request_id);
    http::Response r = http::problem(503, "Service Unavailable", "the store is busy; retry shortly",
                                     req.request_id);
    r.set_header("Retry-After", "1");
    return r;
  } catch (const std::exception& e) {
    x.internal_failure = true;
    d_.metrics.inc("painel_internal_errors_total");
    spdlog::error("request {}: unhandled: {}", req.request_id, e.what());
  } catch (...) {
    x.internal_failure = true;
    d_.metrics.inc("painel_internal_errors_total");
    spdlog::error("request {}: unhandled non-standard exception", req.request_id);
  }
  return http::problem(500, "Internal Server Error", "internal error", req.request_id);
}

// Rate headers, request id, ETag/304, metrics, access log: every answer the chain sends.
void App::finish(const http::Request& req, const Exchange& x, http::Response& res) {
  if (x.rate && x.stage == Exchange::Stage::Handler && !x.internal_failure)
    add_rate_headers(res, *x.rate);
  res.set_header("X-Request-Id", req.request_id);
  res.set_header("X-Content-Type-Options", "nosniff");
  // Locations are written as the routes know them ("/app/", "/internal/tenants/x"); the
  // browser and the proxy see them under --public-url's path.
  if (!path_prefix_.empty())
    for (auto& [k, v] : res.headers)
      if (k == "Location" && v.rfind('/', 0) == 0) v.insert(0, path_prefix_);
  cors_.decorate(req.headers, res);  // after the cache: never stored with an answer
  bool gzip = wants_gzip(req, res);
  conditional_get(req, res, gzip);
  if (gzip) compress_body(res);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock_::now() - x.t0).count();
  const uint64_t statements = store::statements_on_this_thread() - x.statements0;
  if (x.route && x.route->index < route_metrics_.size())
    route_metrics_[x.route->index]->observe(res.status, micros, statements);
  else
    (x.ui ? static_metrics_ : unmatched_metrics_)->observe(res.status, micros);
  Caller who;
  if (const auto& p = x.ctx.principal) {
    who.user_id = p->user_id;
    if (p->tenant_id) who.tenant_id = *p->tenant_id;
  } else if (const auto& k = x.ctx.ingest_key; k && k->tenant_id) {
    who.tenant_id = *k->tenant_id;
  }
  if (x.route) {  // the metric history's "top tenants" and "use per internal user"
    if (!who.tenant_id.empty())
      d_.metrics.tenant_requests.add(who.tenant_id);
    else if (x.ctx.principal && x.ctx.principal->internal())
      d_.metrics.internal_user_requests.add(who.user_id);
  }
  access_log(req, x.route, res.status, micros, statements, who);
}

void App::note_denial(const http::Request& req, const http::Route& route, std::string_view reason,
                      int status, const auth::Principal* who) {
  if (!d_.denials) return;
  Denial d{reason,       status,       route.method,  route.pattern, std::nullopt,
           std::nullopt, std::nullopt, req.remote_ip, req.request_id};
  if (who) {
    d.actor = who->user_id;
    d.role = auth::group_name(who->role);
    if (who->tenant_id) d.tenant_id = *who->tenant_id;
  }
  d_.denials->record(d, d_.clock.now_ms());
}

}  // namespace painel::api
