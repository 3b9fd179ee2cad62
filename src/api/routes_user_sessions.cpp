// A user's sessions seen by staff (GET /internal/users/{id}/sessions, both internal
// groups) and ended by an INTERNAL_ADMIN (DELETE: every refresh family and every access
// token already issued; other instances notice at their next revocation poll). Also the
// session list JSON and the session.end audit row that /auth/sessions shares
// (api/session_support.hpp).
#include "api/app.hpp"
#include "api/context.hpp"
#include "api/routes.hpp"
#include "api/session_support.hpp"
#include "auth/token_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace painel::api {

http::Response sessions_response(const std::vector<store::SessionFamily>& families,
                                 std::string_view current_sid) {
  JsonOut j;
  j.begin_object().key("sessions").begin_array();
  for (auto& f : families) {
    j.begin_object()
        .kv("id", f.family_id)
        .kv("created_at", format_rfc3339(f.created_at_ms))
        .kv("last_used_at", format_rfc3339(f.last_refresh_ms))
        .kv("expires_at", format_rfc3339(f.expires_at_ms))
        .kv("ip", f.ip)
        .kv("user_agent", f.user_agent)
        .kv("current", !current_sid.empty() && f.family_id == current_sid)
        .end_object();
  }
  j.end_array().end_object();
  http::Response r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

void audit_session_end(store::Conn& c, http::RouteContext& ctx, const std::string& user_id,
                       const std::optional<std::string>& tenant_id, int64_t n, int64_t now_ms) {
  auto& who = ctx.who();
  JsonOut meta;
  meta.begin_object().kv("sessions", n).end_object();
  store::audit_append(c,
                      {who.user_id, auth::group_name(who.role), "session.end", tenant_id, user_id,
                       ctx.req.request_id, ctx.req.remote_ip, meta.take()},
                      now_ms);
}

http::Response no_content() {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

namespace {

store::UserRow user_or_404(store::Conn& c, const std::string& id) {
  auto u = store::find_user_by_id(c, id);
  if (!u) throw not_found("user not found");
  return *u;
}

}  // namespace

void add_user_session_routes(http::Router& router, const UserSessionDeps& d) {
  using http::Access;
  constexpr size_t kSmall = 16 * 1024;
  router.add({"GET",
              "/internal/users/{id}/sessions",
              Access::User,
              auth::kInternal,
              kSmall,
              {},
              [d](http::RouteContext& ctx) {
                auto& c = d.store.conn();
                auto u = user_or_404(c, std::string(ctx.req.param("id")));
                return sessions_response(store::open_session_families(c, u.id, d.clock.now_ms()),
                                         "");
              }});
  router.add({"DELETE",
              "/internal/users/{id}/sessions",
              Access::User,
              auth::kInternalAdmin,
              kSmall,
              {},
              [d](http::RouteContext& ctx) {
                const std::string id(ctx.req.param("id"));
                // Off the global write lock: the user's row is locked before its sessions
                // are counted and revoked (a login beside this is counted and ended, or
                // waits; store::lock_user_row).
                d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
                  auto u = user_or_404(c, id);
                  store::lock_user_row(c, u.id);
                  const int64_t now = d.clock.now_ms();
                  auto n = static_cast<int64_t>(store::open_session_families(c, id, now).size());
                  d.tokens.revoke_user_sessions(c, id);  // and every access token issued
                  audit_session_end(c, ctx, id, u.tenant_id, n, now);
                });
                d.tokens.sync_revocations(true);
                return no_content();
              }});
}

}  // namespace painel::api
