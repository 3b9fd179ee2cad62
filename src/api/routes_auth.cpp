// /auth/* and /.well-known/jwks.json — the Cognito-compatible login API.
#include "api/app.hpp"
#include "api/rate_limit.hpp"
#include "api/routes.hpp"
#include "auth/token_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "obs/metrics.hpp"

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

// Publishes the LoginGate's state for operators and tests (the cap is never exceeded).
void publish_gate(const AuthDeps& d) {
  auto st = d.tokens.login_gate_stats();
  d.metrics.set_gauge("painel_login_verifications_in_flight", st.in_flight);
  d.metrics.set_gauge("painel_login_verifications_in_flight_max", st.max_in_flight);
  d.metrics.set_gauge("painel_login_verifications_capacity", d.tokens.login_gate_capacity());
}

// POST /auth/login: a per-IP bucket before any work, the password checked under the
// lockout and the LoginGate, then a per-account bucket of successful logins (charged
// only once the password is right, so nobody else can spend a user's logins).
http::Response login(const AuthDeps& d, http::RouteContext& ctx) {
  const auto& body = ctx.json_body();
  auto email = req_string(body, "email", 254);
  auto password = req_string(body, "password", 256);
  const auto m = meta(ctx.req);
  const int64_t now = d.clock.now_ms();
  const int ip_rate = d.config.login_ip_per_min, account_rate = d.config.login_account_per_min;
  RateDecision by_ip = d.limiter.take("login-ip:" + m.ip, ip_rate, ip_rate, now);
  if (!by_ip.allowed) {
    d.metrics.inc("painel_login_refused_total", "reason=\"ip_rate\"");
    throw too_many("too many logins from this address; retry later",
                   static_cast<int>(by_ip.retry_after_s));
  }
  auth::UserView u;
  try {
    u = d.tokens.check_password(email, password, m);
  } catch (const ApiError& e) {
    publish_gate(d);
    if (e.status == 429) d.metrics.inc("painel_login_refused_total", "reason=\"locked\"");
    if (e.status == 503) d.metrics.inc("painel_login_refused_total", "reason=\"busy\"");
    throw;
  }
  publish_gate(d);
  RateDecision by_account =
      d.limiter.take("login-account:" + u.id, account_rate, account_rate, now);
  if (!by_account.allowed) {
    d.metrics.inc("painel_login_refused_total", "reason=\"account_rate\"");
    throw too_many("too many logins for this account; retry later",
                   static_cast<int>(by_account.retry_after_s));
  }
  return render_pair(d.tokens.open_session(u, m));
}

}  // namespace

void add_auth_routes(http::Router& router, const AuthDeps& d) {
  using http::Access;
  constexpr size_t kSmall = 16 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  constexpr http::RouteFlags kInline{.may_inline = true};
  router.add({"POST", "/auth/login", Access::Public, 0, kSmall, kJson,
              [d](http::RouteContext& ctx) { return login(d, ctx); }});
  router.add(
      {"POST", "/auth/refresh", Access::Public, 0, kSmall, kJson, [d](http::RouteContext& ctx) {
         const auto& body = ctx.json_body();
         return render_pair(
             d.tokens.refresh(req_string(body, "refresh_token", 256), meta(ctx.req)));
       }});
  router.add(
      {"POST", "/auth/logout", Access::Public, 0, kSmall, kJson, [d](http::RouteContext& ctx) {
         const auto& body = ctx.json_body();
         d.tokens.logout(req_string(body, "refresh_token", 256), meta(ctx.req));
         http::Response r;
         r.status = 204;
         r.content_type.clear();
         return r;
       }});
  router.add(
      {"GET", "/auth/me", Access::User, auth::kAllGroups, kSmall, {}, [d](http::RouteContext& ctx) {
         auto& p = ctx.who();
         auto u = d.tokens.user_view(p.user_id);
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
  router.add({"GET", "/.well-known/jwks.json", Access::Public, 0, kSmall, kInline,
              [d](http::RouteContext&) {
                http::Response r = json_response(d.tokens.jwks());
                r.set_header("Cache-Control", "public, max-age=300");
                return r;
              }});
}

}  // namespace painel::api
