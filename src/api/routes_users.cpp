// Users (issue #16; API.md "Administration — the write side"): /internal/users* for staff
// (both internal groups read, INTERNAL_ADMIN writes), /tenant/users* for a tenant's
// administrator (the same handlers with the scope forced to their tenant), and the public
// POST /auth/password/reset that a link's page calls. The writes live in user_writes.cpp
// (shared with `painel users`); a write that revokes tokens syncs this instance's
// revocation list at once, and one that moves a tenant's active users drops its cached
// answers (/tenant/me, the tenants list).
#include "api/app.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "api/user_writes.hpp"
#include "auth/token_service.hpp"
#include "cache/response_cache.hpp"
#include "core/error.hpp"
#include "domain/mail_texts.hpp"
#include "mail/mailer.hpp"
#include "store/users.hpp"

namespace painel::api {
namespace {

// Which area a request came through: staff see every user; a tenant administrator only
// their tenant's (another tenant's or a staff user's id is "not found").
enum class Area { Staff, Tenant };

UserActor actor_of(const http::RouteContext& ctx, Area area) {
  const auto& p = ctx.who();
  return {p.user_id,
          auth::group_name(p.role),
          p.role,
          area == Area::Tenant ? p.tenant_id : std::nullopt,
          ctx.req.request_id,
          ctx.req.remote_ip};
}

http::Response no_store(http::Response r) {
  r.set_header("Cache-Control", "no-store");
  return r;
}

// The user object as GET …/users/{id} answers it, with its ETag.
http::Response user_answer(const store::UserRow& u, int status = 200) {
  std::string body = user_json(u);
  std::string tag = etag_of(body);
  auto r = json_response(std::move(body), status);
  r.set_header("ETag", tag);
  return no_store(std::move(r));
}

void drop_cached(const UserDeps& d, const store::UserRow& u) {
  if (u.tenant_id) d.cache.invalidate_tenant(*u.tenant_id);
}

// Queues the link's e-mail (off the request path: a slow SMTP server never holds the
// answer), in the caller's language; false when mail is off or the queue refused it.
bool email_link(const UserDeps& d, const http::RouteContext& ctx, domain::LinkPurpose purpose,
                const store::UserRow& u, const PasswordLink& link) {
  auto lang = domain::mail_language(ctx.req.header("accept-language").value_or(""));
  return mail::enqueue_link_mail(d.mailer, purpose, lang, u.email, u.full_name, link.url,
                                 link.expires_at);
}

http::Response list_users(const UserDeps& d, http::RouteContext& ctx, Area area) {
  store::UserQuery q;
  q.search = parse_opt_text(ctx.req, "search", 100);
  q.group = parse_opt_enum(ctx.req, "group",
                           {"INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"});
  q.tenant_id = parse_opt_uuid(ctx.req, "tenant_id");
  auto actor = actor_of(ctx, area);
  if (actor.tenant) {
    if (q.tenant_id && q.tenant_id != actor.tenant)
      throw forbidden("tenant administrators see their own tenant's users only");
    q.tenant_id = actor.tenant;
  }
  auto status = parse_enum(ctx.req, "status", {"active", "disabled", "all"}, "all");
  if (status != "all") q.disabled = status == "disabled";
  auto pg = parse_page(ctx.req);
  q.page = {pg.limit, pg.offset};
  auto page = store::list_users(d.store.conn(), q);
  JsonOut j;
  j.begin_object().key("users").begin_array();
  for (auto& u : page.items) render_user(j, u);
  page_fields(j.end_array(), page.total, pg).end_object();
  return no_store(json_response(j.take()));
}

http::Response get_user(const UserDeps& d, http::RouteContext& ctx, Area area) {
  return user_answer(
      user_visible(d.store.conn(), std::string(ctx.req.param("id")), actor_of(ctx, area)));
}

http::Response create_user(const UserDeps& d, http::RouteContext& ctx, Area area) {
  auto made = user_create(d.store, d.clock, ctx.json_body(), actor_of(ctx, area),
                          d.config.public_base_url());
  drop_cached(d, made.user);
  bool emailed = email_link(d, ctx, domain::LinkPurpose::Invite, made.user, *made.invite);
  JsonOut j;
  j.begin_object().key("user");
  render_user(j, made.user);
  j.key("invite").raw(link_json(*made.invite)).kv("emailed", emailed).end_object();
  auto r = no_store(json_response(j.take(), 201));
  r.set_header("Location",
               (area == Area::Staff ? "/internal/users/" : "/tenant/users/") + made.user.id);
  return r;
}

http::Response update_user(const UserDeps& d, http::RouteContext& ctx, Area area) {
  auto u = user_update(d.store, d.clock, std::string(ctx.req.param("id")), ctx.json_body(),
                       actor_of(ctx, area), &ctx.req);
  drop_cached(d, u);
  d.tokens.sync_revocations(true);
  return user_answer(u);
}

http::Response reset_password(const UserDeps& d, http::RouteContext& ctx, Area area) {
  std::string id(ctx.req.param("id"));
  auto actor = actor_of(ctx, area);
  auto link = user_issue_reset(d.store, d.clock, id, actor, d.config.public_base_url());
  bool emailed =
      email_link(d, ctx, domain::LinkPurpose::Reset, user_visible(d.store.conn(), id, actor), link);
  return no_store(json_response(reset_link_json(link, emailed)));
}

http::Response use_reset_link(const UserDeps& d, http::RouteContext& ctx) {
  password_reset_use(d.store, d.clock, ctx.json_body(), ctx.req.request_id, ctx.req.remote_ip);
  d.tokens.sync_revocations(true);
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace

void add_user_routes(http::Router& router, const UserDeps& d) {
  using http::Access;
  constexpr size_t kSmall = 64 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true}, kNone{};
  constexpr unsigned kStaff = auth::kInternal, kAdmin = auth::kInternalAdmin,
                     kTenantAdmin = auth::kTenantAdmin;
  using Handler = http::Response (*)(const UserDeps&, http::RouteContext&, Area);
  auto add = [&](const char* method, const char* path, unsigned groups, http::RouteFlags flags,
                 Handler fn, Area area) {
    router.add({method, path, Access::User, groups, kSmall, flags,
                [d, fn, area](http::RouteContext& ctx) { return fn(d, ctx, area); }});
  };
  add("GET", "/internal/users", kStaff, kNone, list_users, Area::Staff);
  add("GET", "/internal/users/{id}", kStaff, kNone, get_user, Area::Staff);
  add("POST", "/internal/users", kAdmin, kJson, create_user, Area::Staff);
  add("PATCH", "/internal/users/{id}", kAdmin, kJson, update_user, Area::Staff);
  add("POST", "/internal/users/{id}/password-reset", kAdmin, kNone, reset_password, Area::Staff);
  add("GET", "/tenant/users", kTenantAdmin, kNone, list_users, Area::Tenant);
  add("GET", "/tenant/users/{id}", kTenantAdmin, kNone, get_user, Area::Tenant);
  add("POST", "/tenant/users", kTenantAdmin, kJson, create_user, Area::Tenant);
  add("PATCH", "/tenant/users/{id}", kTenantAdmin, kJson, update_user, Area::Tenant);
  add("POST", "/tenant/users/{id}/password-reset", kTenantAdmin, kNone, reset_password,
      Area::Tenant);
  router.add({"POST", "/auth/password/reset", Access::Public, 0, kSmall, kJson,
              [d](http::RouteContext& ctx) { return use_reset_link(d, ctx); }});
}

}  // namespace painel::api
