#include "api/app.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/denial_audit.hpp"
#include "api/static_files.hpp"
#include "core/blocking.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "http/problem.hpp"

namespace painel::api {
namespace {

std::optional<std::string_view> bearer(const http::Request& req) {
  auto h = req.header("authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.size() < 8 || !(v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer "))
    return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  return v;
}

// Left on the request when an inline attempt is abandoned after authenticating and taking
// rate-limit tokens, so the re-run on the pool neither repeats nor double-counts them.
// Also left by the head check (check_head), which authorizes a request before its body is
// read.
struct InlineCarry {
  std::optional<auth::Principal> principal;
  std::optional<RateDecision> rate;
  std::optional<auth::IngestKey> ingest_key;
};

// The answer that stands for "authorized, go on" inside dispatch (never sent).
constexpr int kProceed = 100;

void add_rate_headers(http::Response& r, const RateDecision& d) {
  r.set_header("RateLimit-Limit", std::to_string(d.limit));
  r.set_header("RateLimit-Remaining", std::to_string(d.remaining));
  r.set_header("RateLimit-Reset", std::to_string(d.reset_s));
}

}  // namespace

App::App(const Config& cfg, store::Store& s, obs::Metrics& m, cache::ResponseCache& c, RateLimiter& l,
         const Clock& clk)
    : config(cfg),
      store(s),
      metrics(m),
      cache(c),
      limiter(l),
      clock(clk),
      cache_hits(m.counter_ref("painel_cache_requests_total", "result=\"hit\"")),
      cache_misses(m.counter_ref("painel_cache_requests_total", "result=\"miss\"")) {}

App::~App() = default;

void App::set_static_files(std::unique_ptr<StaticFiles> s) { static_ = std::move(s); }

void App::finalize_routes() {
  route_metrics_.clear();
  for (auto& r : router.routes())
    route_metrics_.push_back(&metrics.route(r.index, r.method, r.pattern));
  unmatched_metrics_ = &metrics.route(router.routes().size(), "ANY", "unmatched");
}

size_t App::body_limit(std::string_view method, std::string_view path) const {
  http::Fields ignored;
  auto m = router.match(method, path, ignored);
  return m.route ? m.route->body_limit : (1 << 20);
}

bool App::try_inline(http::Request& req, http::Response& res) {
  if (!inline_enabled_ || (req.method != "GET" && req.method != "HEAD")) return false;
  try {
    InlineAttempt attempt;
    res = handle(req);
    return true;
  } catch (const WouldBlock&) {
    return false;
  }
}

http::Response App::handle(http::Request& req) {
  const http::Route* matched = nullptr;
  return handle_phase(req, matched, false);
}

http::Response App::handle_phase(http::Request& req, const http::Route*& matched, bool head_only) {
  auto t0 = std::chrono::steady_clock::now();
  if (req.request_id.empty()) {  // kept from an abandoned inline attempt
    req.request_id = http::request_id_for(req.headers);
  }
  http::Response res;
  try {
    res = dispatch(req, matched, head_only);
  } catch (const ApiError& e) {
    res = problem(e.status, e.title, e.detail, req.request_id);
    if (e.retry_after_s > 0) res.set_header("Retry-After", std::to_string(e.retry_after_s));
    if (!e.log.empty()) spdlog::warn("request {}: {}", req.request_id, e.log);
  } catch (const store::DbError& e) {
    bool busy = e.kind == store::DbError::Kind::Busy || e.kind == store::DbError::Kind::Unavailable;
    metrics.inc("painel_store_errors_total", busy ? "kind=\"busy\"" : "kind=\"other\"");
    spdlog::error("request {}: store error: {}", req.request_id, e.what());
    res = busy ? problem(503, "Service Unavailable", "the store is busy; retry shortly",
                         req.request_id)
               : problem(500, "Internal Server Error", "internal error", req.request_id);
    if (busy) res.set_header("Retry-After", "1");
  } catch (const std::exception& e) {
    metrics.inc("painel_internal_errors_total");
    spdlog::error("request {}: unhandled: {}", req.request_id, e.what());
    res = problem(500, "Internal Server Error", "internal error", req.request_id);
  }
  if (res.status == kProceed) return res;  // authorized from the head: the body comes next
  res.set_header("X-Request-Id", req.request_id);
  res.set_header("X-Content-Type-Options", "nosniff");

  // Conditional GET: ETag on successful reads, 304 when the client has it.
  if ((req.method == "GET" || req.method == "HEAD") && res.status == 200 &&
      res.content_type.rfind("application/json", 0) == 0) {
    bool has = false;
    for (auto& [k, v] : res.headers) has = has || k == "ETag";
    std::string tag;
    if (!has) {
      tag = etag_of(res.body);
      res.set_header("ETag", tag);
    } else {
      for (auto& [k, v] : res.headers)
        if (k == "ETag") tag = v;
    }
    auto inm = req.header("if-none-match");
    if (inm && (*inm == tag || *inm == "*" || inm->find(tag) != std::string_view::npos)) {
      res.status = 304;
      res.body.clear();
    }
  }

  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (matched && matched->index < route_metrics_.size())
    route_metrics_[matched->index]->observe(res.status, micros);
  else if (unmatched_metrics_)
    unmatched_metrics_->observe(res.status, micros);
  if (spdlog::should_log(spdlog::level::info)) {
    JsonOut j;
    j.begin_object()
        .kv("type", "access")
        .kv("request_id", req.request_id)
        .kv("method", req.method)
        .kv("path", req.path)
        .kv("route", matched ? matched->pattern : "")
        .kv("status", res.status)
        .key("duration_ms")
        .dbl(static_cast<double>(micros) / 1000.0)
        .kv("ip", req.remote_ip)
        .end_object();
    spdlog::info("{}", j.view());
  }
  return res;
}

std::optional<http::Response> App::check_head(http::Request& req) {
  const http::Route* matched = nullptr;
  http::Response res = handle_phase(req, matched, true);
  if (res.status == kProceed) return std::nullopt;
  return res;
}

http::Response App::dispatch(http::Request& req, const http::Route*& matched, bool head_only) {
  if (req.path == "/" && (req.method == "GET" || req.method == "HEAD")) {
    http::Response r;
    r.status = 302;
    r.content_type.clear();
    r.set_header("Location", "/app/");
    return r;
  }
  if (req.path == "/app" || req.path.rfind("/app/", 0) == 0) {
    if (req.method != "GET" && req.method != "HEAD") {
      http::Response r =
          problem(405, "Method Not Allowed", "the web UI is read-only", req.request_id);
      r.set_header("Allow", "GET, HEAD");
      return r;
    }
    if (!static_) throw ApiError(404, "Not Found", "the web UI is not built; run `make build`");
    return static_->serve(req);
  }

  http::Fields params;
  auto m = router.match(req.method, req.path, params);
  if (!m.route) {
    if (m.path_exists) {
      http::Response r =
          problem(405, "Method Not Allowed", "method not allowed on this path", req.request_id);
      r.set_header("Allow", m.allow);
      return r;
    }
    throw not_found("no such route");
  }
  matched = m.route;
  req.params = std::move(params);
  http::RouteContext ctx{req, *this, std::nullopt, m.route->pattern};

  std::optional<RateDecision> rate;
  if (auto carry = static_cast<const InlineCarry*>(req.inline_carry.get())) {
    ctx.principal = carry->principal;
    ctx.ingest_key = carry->ingest_key;
    rate = carry->rate;
  } else {
    if (auto refusal = authorize(req, *m.route, ctx, rate)) return std::move(*refusal);
    if (head_only) {
      req.inline_carry =
          std::make_shared<const InlineCarry>(InlineCarry{ctx.principal, rate, ctx.ingest_key});
      http::Response go;
      go.status = kProceed;
      return go;
    }
  }
  http::Response res;
  try {
    res = m.route->handler(ctx);
  } catch (const WouldBlock&) {
    req.inline_carry =
        std::make_shared<const InlineCarry>(InlineCarry{ctx.principal, rate, ctx.ingest_key});
    throw;
  } catch (ApiError& e) {
    if (e.status == 403)
      note_denial(req, *m.route, "forbidden", 403, ctx.principal ? &*ctx.principal : nullptr);
    res = problem(e.status, e.title, e.detail, req.request_id);
    if (e.retry_after_s > 0) res.set_header("Retry-After", std::to_string(e.retry_after_s));
    if (!e.log.empty()) spdlog::warn("request {}: {}", req.request_id, e.log);
  }
  if (rate) add_rate_headers(res, *rate);
  return res;
}

// Credentials, permission and rate limits of a matched route: the refusal to send, or
// nullopt with ctx.principal and rate filled.
std::optional<http::Response> App::authorize(http::Request& req, const http::Route& route,
                                             http::RouteContext& ctx,
                                             std::optional<RateDecision>& rate) {
  if (route.access == http::Access::IngestKey) {
    auto tok = bearer(req);
    if (tok && ingest_check_) ctx.ingest_key = ingest_check_(*tok);
    if (!ctx.ingest_key) {
      note_denial(req, route, tok ? "bad_ingest_key" : "missing_token", 401);
      http::Response r =
          problem(401, "Unauthorized", "a valid ingest API key is required", req.request_id);
      r.set_header("WWW-Authenticate", "Bearer");
      return r;
    }
  } else if (route.access == http::Access::User) {
    auto tok = bearer(req);
    std::string why = "missing bearer token";
    std::optional<auth::Principal> p;
    if (tok && authn_) p = authn_->authenticate(*tok, why);
    if (!p) {
      metrics.inc("painel_auth_rejections_total");
      note_denial(req, route, tok ? "bad_token" : "missing_token", 401);
      http::Response r = problem(401, "Unauthorized", why, req.request_id);
      r.set_header("WWW-Authenticate", "Bearer");
      return r;
    }
    if ((route.groups & p->role) == 0) {
      note_denial(req, route, "forbidden", 403, &*p);
      throw forbidden("Você não tem permissão para acessar este recurso (group " +
                      std::string(auth::group_name(p->role)) + " may not use this route)");
    }
    // Per-user then per-tenant token buckets; the tighter answer is reported.
    auto now = clock.now_ms();
    RateDecision du =
        limiter.take("u:" + p->user_id, config.rate_user_per_min, config.rate_user_burst, now);
    rate = du;
    if (du.allowed && p->tenant_id) {
      RateDecision dt = limiter.take("t:" + *p->tenant_id, config.rate_tenant_per_min,
                                     config.rate_tenant_burst, now);
      if (!dt.allowed || dt.remaining < du.remaining) rate = dt;
    }
    if (!rate->allowed) {
      metrics.inc("painel_rate_limited_total");
      http::Response r = problem(429, "Too Many Requests", "rate limit exceeded", req.request_id);
      add_rate_headers(r, *rate);
      r.set_header("Retry-After", std::to_string(rate->retry_after_s));
      return r;
    }
    ctx.principal = std::move(p);
  }
  return std::nullopt;
}

void App::note_denial(const http::Request& req, const http::Route& route, std::string_view reason,
                      int status, const auth::Principal* who) {
  if (!denials_) return;
  Denial d{reason,       status,       route.method,  route.pattern, std::nullopt,
           std::nullopt, std::nullopt, req.remote_ip, req.request_id};
  if (who) {
    d.actor = who->user_id;
    d.role = auth::group_name(who->role);
    if (who->tenant_id) d.tenant_id = *who->tenant_id;
  }
  denials_->record(d, clock.now_ms());
}

}  // namespace painel::api
