// /auth/* and /.well-known/jwks.json — the Cognito-compatible login API.
#include "api/app.hpp"
#include "api/rate_limit.hpp"
#include "api/routes.hpp"
#include "auth/token_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace painel::api {
namespace {

void render_user(JsonOut& j, const auth::UserView& u) {
  j.begin_object()
      .kv("id", u.id)
      .kv("email", u.email)
      .kv("name", u.name)
      .key("groups")
      .begin_array();
  for (auto& g : u.groups) j.str(g);
  j.end_array().kv("role", u.role).kv("tenant_id", u.tenant_id).end_object();
}

http::Response render_pair(const auth::TokenPair& p) {
  JsonOut j;
  j.begin_object()
      .kv("access_token", p.access_token)
      .kv("id_token", p.id_token)
      .kv("token_type", "Bearer")
      .kv("expires_in", p.expires_in)
      .kv("refresh_token", p.refresh_token)
      .key("user");
  render_user(j, p.user);
  j.end_object();
  http::Response r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

auth::RequestMeta meta(const http::Request& req) {
  auto ua = req.header("user-agent");
  return {req.remote_ip, ua ? std::string(*ua) : "", req.request_id};
}

void require_json(const http::Request& req) {
  auto ct = req.header("content-type");
  if (!ct || ct->find("application/json") == std::string_view::npos)
    throw ApiError(415, "Unsupported Media Type", "send Content-Type: application/json");
}

// Publishes the LoginGate's state for operators and tests (the cap is never exceeded).
void publish_gate(App& app, const auth::TokenService& ts) {
  auto st = ts.login_gate_stats();
  app.metrics.set_gauge("painel_login_verifications_in_flight", st.in_flight);
  app.metrics.set_gauge("painel_login_verifications_in_flight_max", st.max_in_flight);
  app.metrics.set_gauge("painel_login_verifications_capacity", ts.login_gate_capacity());
}

// POST /auth/login: a per-IP bucket before any work, the password checked under the
// lockout and the LoginGate, then a per-account bucket of successful logins (charged
// only once the password is right, so nobody else can spend a user's logins).
http::Response login(http::RouteContext& ctx, auth::TokenService& ts) {
  require_json(ctx.req);
  auto d = parse_json_object(ctx.req.body);
  auto email = req_string(d, "email", 254);
  auto password = req_string(d, "password", 256);
  App& app = ctx.app;
  const auto m = meta(ctx.req);
  const int64_t now = app.clock.now_ms();
  const int ip_rate = app.config.login_ip_per_min, account_rate = app.config.login_account_per_min;
  RateDecision by_ip = app.limiter.take("login-ip:" + m.ip, ip_rate, ip_rate, now);
  if (!by_ip.allowed) {
    app.metrics.inc("painel_login_refused_total", "reason=\"ip_rate\"");
    throw too_many("too many logins from this address; retry later",
                   static_cast<int>(by_ip.retry_after_s));
  }
  auth::UserView u;
  try {
    u = ts.check_password(email, password, m);
  } catch (const ApiError& e) {
    publish_gate(app, ts);
    if (e.status == 429) app.metrics.inc("painel_login_refused_total", "reason=\"locked\"");
    if (e.status == 503) app.metrics.inc("painel_login_refused_total", "reason=\"busy\"");
    throw;
  }
  publish_gate(app, ts);
  RateDecision by_account =
      app.limiter.take("login-account:" + u.id, account_rate, account_rate, now);
  if (!by_account.allowed) {
    app.metrics.inc("painel_login_refused_total", "reason=\"account_rate\"");
    throw too_many("too many logins for this account; retry later",
                   static_cast<int>(by_account.retry_after_s));
  }
  return render_pair(ts.open_session(u, m));
}

}  // namespace

void add_auth_routes(App& app, auth::TokenService& ts) {
  using http::Access;
  constexpr size_t kSmall = 16 * 1024;
  app.router.add({"POST", "/auth/login", Access::Public, 0, kSmall,
                  [&ts](http::RouteContext& ctx) { return login(ctx, ts); }});
  app.router.add(
      {"POST", "/auth/refresh", Access::Public, 0, kSmall, [&ts](http::RouteContext& ctx) {
         require_json(ctx.req);
         auto d = parse_json_object(ctx.req.body);
         return render_pair(ts.refresh(req_string(d, "refresh_token", 256), meta(ctx.req)));
       }});
  app.router.add(
      {"POST", "/auth/logout", Access::Public, 0, kSmall, [&ts](http::RouteContext& ctx) {
         require_json(ctx.req);
         auto d = parse_json_object(ctx.req.body);
         ts.logout(req_string(d, "refresh_token", 256), meta(ctx.req));
         http::Response r;
         r.status = 204;
         r.content_type.clear();
         return r;
       }});
  app.router.add(
      {"GET", "/auth/me", Access::User, auth::kAllGroups, kSmall, [&ts](http::RouteContext& ctx) {
         auto& p = ctx.who();
         auto u = ts.user_view(p.user_id);
         JsonOut j;
         if (u) {
           render_user(j, *u);
         } else {  // an external identity with no local user
           auth::UserView v{p.user_id,  p.email, p.name, p.groups, auth::group_name(p.role),
                            p.tenant_id};
           render_user(j, v);
         }
         http::Response r = json_response(j.take());
         r.set_header("Cache-Control", "no-store");
         return r;
       }});
  app.router.add(
      {"GET", "/.well-known/jwks.json", Access::Public, 0, kSmall, [&ts](http::RouteContext&) {
         http::Response r = json_response(ts.jwks());
         r.set_header("Cache-Control", "public, max-age=300");
         return r;
       }});
}

}  // namespace painel::api
