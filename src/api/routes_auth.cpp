// /auth/* and /.well-known/jwks.json — the Cognito-compatible login API.
#include "api/app.hpp"
#include "api/rate_limit.hpp"
#include "api/routes.hpp"
#include "api/session_cookie.hpp"
#include "api/session_support.hpp"
#include "api/write_support.hpp"
#include "auth/token_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "http/problem.hpp"
#include "obs/metrics.hpp"
#include "store/sessions.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

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

// The original's body form, or (cookie mode) the refresh token in the session cookie and
// not in the body.
http::Response render_pair(const AuthDeps& d, const auth::TokenPair& p, bool cookie_mode) {
  JsonOut j;
  j.begin_object()
      .kv("access_token", p.access_token)
      .kv("id_token", p.id_token)
      .kv("token_type", "Bearer")
      .kv("expires_in", p.expires_in);
  if (!cookie_mode) j.kv("refresh_token", p.refresh_token);
  j.key("user");
  render_user(j, p.user);
  j.end_object();
  http::Response r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  if (cookie_mode)
    r.set_header("Set-Cookie",
                 refresh_cookie(p.refresh_token, d.config.refresh_ttl_s,
                                cookie_secure(d.config.public_base_url()), d.config.path_prefix()));
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

// Which form a /auth/refresh or /auth/logout request uses: the body's refresh_token (the
// original's), else the session cookie — only with X-Painel-Session and from this origin.
// A cookie sent without the header is refused (403), nothing at all keeps the original's
// 400.
enum class SessionForm { Body, Cookie };
SessionForm session_form(const AuthDeps& d, http::RouteContext& ctx) {
  if (ctx.json_body().HasMember("refresh_token")) return SessionForm::Body;
  if (!wants_cookie_mode(ctx.req) && !refresh_cookie_value(ctx.req)) return SessionForm::Body;
  try {
    check_cookie_request(ctx.req, d.config.public_base_url());
  } catch (const ApiError&) {
    d.metrics.inc("painel_session_cookie_refused_total");
    throw;
  }
  return SessionForm::Cookie;
}

// A refused session cookie is deleted with the refusal, so the browser stops sending it.
http::Response refusal_clearing_cookie(const AuthDeps& d, const http::Request& req,
                                       const ApiError& e) {
  http::Response r = http::problem(e.status, e.title, e.detail, req.request_id, e.code);
  r.set_header("Set-Cookie", cleared_refresh_cookie(cookie_secure(d.config.public_base_url()),
                                                    d.config.path_prefix()));
  return r;
}

http::Response refresh(const AuthDeps& d, http::RouteContext& ctx) {
  if (session_form(d, ctx) == SessionForm::Body)
    return render_pair(
        d, d.tokens.refresh(req_string(ctx.json_body(), "refresh_token", 256), meta(ctx.req)),
        false);
  auto token = refresh_cookie_value(ctx.req);
  try {
    if (!token) throw coded("no-session", unauthorized("no session cookie"));
    return render_pair(d, d.tokens.refresh(*token, meta(ctx.req)), true);
  } catch (const ApiError& e) {
    if (e.status != 401) throw;
    return refusal_clearing_cookie(d, ctx.req, e);
  }
}

http::Response logout(const AuthDeps& d, http::RouteContext& ctx) {
  http::Response r = no_content();
  if (session_form(d, ctx) == SessionForm::Body) {
    d.tokens.logout(req_string(ctx.json_body(), "refresh_token", 256), meta(ctx.req));
    return r;
  }
  if (auto token = refresh_cookie_value(ctx.req)) d.tokens.logout(*token, meta(ctx.req));
  r.set_header("Set-Cookie", cleared_refresh_cookie(cookie_secure(d.config.public_base_url()),
                                                    d.config.path_prefix()));
  return r;
}

// POST /auth/login: a per-IP bucket before any work, the password checked under the
// lockout and the LoginGate, then a per-account bucket of successful logins (charged
// only once the password is right, so nobody else can spend a user's logins).
http::Response login(const AuthDeps& d, http::RouteContext& ctx) {
  const auto& body = ctx.json_body();
  const bool cookie_mode = wants_cookie_mode(ctx.req);
  if (cookie_mode) {
    try {
      check_cookie_request(ctx.req, d.config.public_base_url());
    } catch (const ApiError&) {
      d.metrics.inc("painel_session_cookie_refused_total");
      throw;
    }
  }
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
  http::Response r = render_pair(d, d.tokens.open_session(u, m), cookie_mode);
  // The browser holds one session: the one its cookie named until now ends, rather than
  // staying valid, unseen, until --refresh-ttl.
  if (cookie_mode)
    if (auto previous = refresh_cookie_value(ctx.req)) d.tokens.logout(*previous, m);
  return r;
}

// POST /auth/password: the caller changes its own password; its other sessions end.
http::Response change_password(const AuthDeps& d, http::RouteContext& ctx) {
  const auto& body = ctx.json_body();
  BodyFields fields(body, {"current_password", "new_password"});  // unknown fields → 400
  auto current = req_string(body, "current_password", 1024);
  auto next = req_string(body, "new_password", 1024);
  try {
    d.tokens.change_password(ctx.who(), current, next, meta(ctx.req));
  } catch (const ApiError& e) {
    publish_gate(d);
    if (e.status == 429) d.metrics.inc("painel_login_refused_total", "reason=\"locked\"");
    throw;
  }
  publish_gate(d);
  return no_content();
}

// DELETE /auth/sessions/{id} (one of the caller's sessions, the current one included) and
// DELETE /auth/sessions (all of them but the current one).
http::Response end_own_sessions(const AuthDeps& d, http::RouteContext& ctx,
                                std::optional<std::string> family) {
  auto& p = ctx.who();
  // Off the global write lock: end_session and end_other_sessions lock the user's row
  // before they read or revoke (store::lock_user_row); the audit row comes last.
  d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    int64_t n = 0;
    if (family) {
      if (!d.tokens.end_session(c, p.user_id, *family)) throw not_found("session not found");
      n = 1;
    } else {
      n = d.tokens.end_other_sessions(c, p.user_id, p.sid);
    }
    audit_session_end(c, ctx, p.user_id, p.tenant_id, n, d.clock.now_ms());
  });
  d.tokens.sync_revocations(true);  // this instance at once; the others at their next poll
  return no_content();
}

}  // namespace

void add_auth_routes(http::Router& router, const AuthDeps& d) {
  using http::Access;
  constexpr size_t kSmall = 16 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  constexpr http::RouteFlags kInline{.may_inline = true};
  publish_gate(d);  // the capacity is known before the first login
  router.add({"POST", "/auth/login", Access::Public, 0, kSmall, kJson,
              [d](http::RouteContext& ctx) { return login(d, ctx); }});
  router.add({"POST", "/auth/refresh", Access::Public, 0, kSmall, kJson,
              [d](http::RouteContext& ctx) { return refresh(d, ctx); }});
  router.add({"POST", "/auth/logout", Access::Public, 0, kSmall, kJson,
              [d](http::RouteContext& ctx) { return logout(d, ctx); }});
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
  router.add({"POST", "/auth/password", Access::User, auth::kAllGroups, kSmall, kJson,
              [d](http::RouteContext& ctx) { return change_password(d, ctx); }});
  router.add({"GET",
              "/auth/sessions",
              Access::User,
              auth::kAllGroups,
              kSmall,
              {},
              [d](http::RouteContext& ctx) {
                auto& p = ctx.who();
                return sessions_response(
                    store::open_session_families(d.store.conn(), p.user_id, d.clock.now_ms()),
                    p.sid);
              }});
  router.add({"DELETE",
              "/auth/sessions",
              Access::User,
              auth::kAllGroups,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return end_own_sessions(d, ctx, std::nullopt); }});
  router.add({"DELETE",
              "/auth/sessions/{id}",
              Access::User,
              auth::kAllGroups,
              kSmall,
              {},
              [d](http::RouteContext& ctx) {
                return end_own_sessions(d, ctx, std::string(ctx.req.param("id")));
              }});
  router.add({"GET", "/.well-known/jwks.json", Access::Public, 0, kSmall, kInline,
              [d](http::RouteContext&) {
                http::Response r = json_response(d.tokens.jwks());
                r.set_header("Cache-Control", "public, max-age=300");
                return r;
              }});
}

}  // namespace painel::api
