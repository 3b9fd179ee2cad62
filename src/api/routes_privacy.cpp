// Personal data (LGPD, issue #16): GET /internal/users/{id}/export (everything Painel holds
// about one person, as a JSON attachment) and POST /internal/users/{id}/erase (the account
// becomes a disabled pseudonymous row; e-mail, name, password, external link, sessions and
// the IPs kept beside the person's audit rows go). INTERNAL_ADMIN only; both audited
// (user.export, user.erase) by user id, never with an e-mail, a name or an IP.
// The IP retention job is jobs/privacy_retention_job.cpp.
#include <algorithm>

#include "api/app.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "domain/roles.hpp"
#include "store/audit.hpp"
#include "store/privacy.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace painel::api {
namespace {

using store::Conn;

void audit(Conn& c, const http::RouteContext& ctx, const char* action, const std::string& target,
           const std::string& metadata, int64_t now) {
  auto& who = ctx.who();
  store::audit_append(c,
                      {who.user_id, auth::group_name(who.role), action, std::nullopt, target,
                       ctx.req.request_id, ctx.req.remote_ip, metadata},
                      now);
}

store::PersonAccount require_person(Conn& c, const http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "user id");
  auto p = store::find_person(c, id);
  if (!p) throw not_found("user not found");
  return std::move(*p);
}

// The user object of the issue-16 contract (the users API renders the same shape).
void render_user(JsonOut& j, const store::PersonAccount& p) {
  const auto& u = p.user;
  auto g = domain::effective_group(u.groups);
  j.begin_object()
      .kv("id", u.id)
      .kv("email", u.email)
      .kv("name", u.full_name)
      .kv("group", g ? std::optional<std::string>(domain::group_name(*g)) : std::nullopt)
      .kv("tenant_id", u.tenant_id)
      .kv("tenant_name", p.tenant_name)
      .kv("status", u.disabled ? "disabled" : "active")
      .kv("password_set", u.password_hash.has_value())
      .kv("last_login_at", u.last_login_at)
      .kv("created_at", p.created_at)
      .end_object();
}

std::optional<std::string> instant(std::optional<int64_t> ms) {
  return ms ? std::optional<std::string>(format_rfc3339(*ms)) : std::nullopt;
}

http::Response export_person(const PrivacyDeps& d, http::RouteContext& ctx) {
  int64_t now = d.clock.now_ms();
  std::string id;
  // Off the global write lock: reads and one audit row (the chain's own lock).
  auto body = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto person = require_person(c, ctx);
    id = person.user.id;
    JsonOut j;
    j.begin_object().kv("exported_at", format_rfc3339(now)).key("user");
    render_user(j, person);
    j.key("sessions").begin_array();
    for (auto& s : store::sessions_of_person(c, id))
      j.begin_object()
          .kv("id", s.id)
          .kv("created_at", format_rfc3339(s.created_at_ms))
          .kv("last_used_at", format_rfc3339(s.last_used_at_ms))
          .kv("expires_at", format_rfc3339(s.expires_at_ms))
          .kv("ended_at", instant(s.ended_at_ms))
          .kv("ip", s.ip)
          .kv("user_agent", s.user_agent)
          .end_object();
    j.end_array().key("audit").begin_array();
    int64_t audit_rows = 0;
    for (auto& e : store::audit_rows_of_person(c, id)) {
      render_audit_event(j, e);
      ++audit_rows;
    }
    j.end_array().key("support_requests").begin_array();
    for (auto& r : store::support_requests_of_person(c, id))
      j.begin_object()
          .kv("id", r.id)
          .kv("tenant_id", r.tenant_id)
          .kv("subject", r.subject)
          .kv("category", r.category)
          .kv("status", r.status)
          .kv("created_at", r.created_at)
          .end_object();
    j.end_array().key("support_messages").begin_array();
    for (auto& m : store::support_messages_of_person(c, id))
      j.begin_object()
          .kv("id", m.id)
          .kv("request_id", m.request_id)
          .kv("side", m.side)
          .kv("body", m.body)
          .kv("created_at", m.created_at)
          .end_object();
    j.end_array().end_object();
    JsonOut meta;
    meta.begin_object().kv("audit_rows", audit_rows).end_object();
    audit(c, ctx, "user.export", id, meta.take(), now);
    return j.take();
  });
  auto r = json_response(std::move(body));
  r.set_header("Cache-Control", "no-store");
  r.set_header("Content-Disposition", "attachment; filename=\"painel-user-" + id + ".json\"");
  return r;
}

http::Response erase_person(const PrivacyDeps& d, http::RouteContext& ctx) {
  BodyFields f(ctx.json_body(), {"confirm_email"});
  std::string confirm = store::lower_ascii(f.req_text("confirm_email", 320));
  int64_t now = d.clock.now_ms();
  store::Erasure done;
  std::string id;
  // Off the global write lock: the tenant's row (disabling the user moves its active_users,
  // a trigger's update) and then the user's row are locked before the person is read again
  // (parent before child, as a user's update takes them). The e-mail's lockout counters are
  // deleted between the two: a login deletes its counter before it locks the user's row.
  d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto seen = require_person(c, ctx);
    if (seen.user.tenant_id) store::lock_tenant_row(c, *seen.user.tenant_id);
    store::forget_login_failures(c, seen.user.email);
    store::lock_user_row(c, seen.user.id);
    auto person = require_person(c, ctx);
    id = person.user.id;
    if (id == ctx.who().user_id) throw unprocessable("you cannot erase your own account");
    if (person.erased_at) throw unprocessable("the account is already erased");
    if (confirm != person.user.email)
      throw unprocessable("confirm_email does not match the account's e-mail");
    // Its epoch is read after the user's row is locked (a login beside it: see
    // store::lock_user_row).
    store::lock_user_row(c, id);
    now = std::max(now, d.clock.now_ms());
    done = store::erase_person(c, id, person.user.email, now);
    JsonOut meta;
    meta.begin_object()
        .kv("sessions", done.sessions)
        .kv("audit_ips", done.audit_ips)
        .key("changed")
        .begin_array()
        .str("email")
        .str("name")
        .str("password")
        .str("status")
        .end_array()
        .end_object();
    audit(c, ctx, "user.erase", id, meta.take(), now);
  });
  // Names and e-mails appear in cached answers of every area (commands, support threads,
  // tenant user counts): an erasure is rare, drop them all.
  d.cache.invalidate_all();
  JsonOut j;
  j.begin_object().kv("id", id).kv("erased_at", done.erased_at).end_object();
  auto r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace

void add_privacy_routes(http::Router& router, const PrivacyDeps& d) {
  using http::Access;
  constexpr unsigned kAdmin = auth::kInternalAdmin;
  constexpr size_t kSmall = 16 * 1024;
  router.add({"GET",
              "/internal/users/{id}/export",
              Access::User,
              kAdmin,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return export_person(d, ctx); }});
  router.add({"POST", "/internal/users/{id}/erase", Access::User, kAdmin, kSmall,
              http::RouteFlags{.json_body = true},
              [d](http::RouteContext& ctx) { return erase_person(d, ctx); }});
}

}  // namespace painel::api
