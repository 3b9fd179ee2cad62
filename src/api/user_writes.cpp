#include "api/user_writes.hpp"

#include <algorithm>

#include "api/app.hpp"
#include "api/params.hpp"
#include "api/write_support.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "domain/users.hpp"
#include "store/audit.hpp"
#include "store/password_links.hpp"
#include "store/privacy.hpp"
#include "store/row_locks.hpp"
#include "store/sessions.hpp"
#include "store/tenants.hpp"
#include "store/users.hpp"

namespace painel::api {
namespace {

using store::Conn;

constexpr size_t kMaxPasswordBytes = 1024;  // the policy refuses > 128 characters anyway
constexpr size_t kMaxTokenBytes = 128;
const char* const kLinkRefused = "the link is invalid, was already used or has expired";

void audit(Conn& c, const UserActor& a, const char* action,
           const std::optional<std::string>& tenant, const std::string& target,
           const std::string& metadata, int64_t now) {
  store::audit_append(c, {a.id, a.role, action, tenant, target, a.request_id, a.ip, metadata}, now);
}

std::string group_of(const store::UserRow& u) {
  auto g = domain::effective_group(u.groups);
  return g ? domain::group_name(*g) : "";
}

domain::Group parse_group(const std::string& name) { return *domain::group_from_name(name); }

std::string email_field(const BodyFields& f) {
  auto e = domain::normalize_email(f.req_text("email", 320));
  if (!e)
    throw invalid_field("email", "invalid-format",
                        "email is not a valid e-mail address (at most 254 characters)");
  return *e;
}

std::optional<std::string> name_field(const BodyFields& f) {
  if (!f.has("name")) return std::nullopt;
  if (f.is_null("name")) throw invalid_field("name", "not-null", "name must not be null");
  auto n = domain::normalize_user_name(f.req_text("name", 4 * domain::kUserNameMax));
  if (!n) throw invalid_field("name", "too-long", "name must be 1 to 120 characters");
  return n;
}

std::optional<std::string> group_field(const BodyFields& f, bool required) {
  if (!required && !f.has("group")) return std::nullopt;
  return f.req_enum("group", {"INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"});
}

void require_may_assign(const UserActor& a, domain::Group g) {
  if (!domain::may_assign_group(a.group, g))
    throw unprocessable("group: you may only give the groups TENANT_ADMIN or TENANT_USER");
}

void require_user_room(Conn& c, const std::string& tenant_id) {
  auto limits = store::tenant_limits(c, tenant_id);
  int64_t max = limits ? limits->max_users : 0;
  if (domain::user_limit_reached(store::count_active_users(c, tenant_id), max))
    throw unprocessable("the tenant has reached its limit of " + std::to_string(max) +
                        " active users (limits.max_users)");
}

// Every refresh session of the user ends and every access token issued so far dies (the
// same epoch TokenService::revoke_user_sessions records; instances poll it).
// A token issued after an earlier revocation in this same second carries that epoch as
// its iat, so the new epoch goes one past it. The user's row is locked first and the
// clock read after it (a login beside this, off the global lock, committed before and is
// ended here, or waits and sees the epoch; store::lock_user_row).
void end_every_session(Conn& c, const Clock& clock, const std::string& user_id, int64_t now) {
  store::lock_user_row(c, user_id);
  now = std::max(now, clock.now_ms());
  int64_t not_before = std::max(now / 1000 + 1, store::user_tokens_not_before(c, user_id) + 1);
  store::revoke_tokens(c, store::user_subject(user_id), not_before, now);
  store::revoke_refresh_sessions(c, user_id, now);
}

PasswordLink issue_link(Conn& c, const UserActor& a, const store::UserRow& u, const char* purpose,
                        const std::string& public_url, int64_t now) {
  std::string token = random_token(32);
  int64_t expires = now + domain::kPasswordLinkTtlMs;
  store::issue_password_link(c, {u.id, sha256_hex(token), purpose, now, expires, a.id});
  PasswordLink l{public_url + "/app/reset-password?token=" + token, format_rfc3339(expires)};
  JsonOut m;
  m.begin_object().kv("expires_at", l.expires_at).end_object();
  audit(c, a,
        std::string_view(purpose) == "invite" ? "user.invite.issue" : "user.password_reset.issue",
        u.tenant_id, u.id, m.take(), now);
  return l;
}

std::string raw_string(const BodyFields& f, const char* field, size_t max_bytes) {
  auto v = f.raw(field);
  if (!v || !v->IsString())
    throw invalid_field(field, "required", std::string(field) + " is required (a string)");
  if (v->GetStringLength() > max_bytes || v->GetStringLength() == 0)
    throw invalid_field(
        field, "too-long",
        std::string(field) + " must be 1 to " + std::to_string(max_bytes) + " bytes");
  return {v->GetString(), v->GetStringLength()};
}

}  // namespace

store::UserRow user_visible(Conn& c, const std::string& id, const UserActor& actor) {
  auto u = store::find_user_by_id(c, require_uuid(id, "user id"));
  if (!u || (actor.tenant && u->tenant_id != actor.tenant)) throw not_found("user not found");
  return *u;
}

namespace {
// An erased person's account stays as a pseudonymous, disabled row for the audit trail:
// enabling it or issuing it a link would bring an account back that nobody owns.
store::UserRow user_writable(Conn& c, const std::string& id, const UserActor& actor) {
  auto u = user_visible(c, id, actor);
  if (store::is_erased(c, u.id))
    throw unprocessable("the account was erased (LGPD) and cannot change");
  return u;
}
}  // namespace

CreatedUser user_create(store::Store& s, const Clock& clock, const rapidjson::Value& body,
                        const UserActor& actor, const std::string& public_url,
                        const std::optional<std::string>& password_hash) {
  BodyFields f = actor.tenant ? BodyFields(body, {"email", "name", "group"})
                              : BodyFields(body, {"email", "name", "group", "tenant_id"});
  std::string email = email_field(f);
  if (!f.has("name")) throw invalid_field("name", "required", "name is required");
  std::string name = *name_field(f);
  std::string group = *group_field(f, true);
  domain::Group g = parse_group(group);
  std::optional<std::string> tenant = actor.tenant;
  if (!actor.tenant) {
    bool given = f.has("tenant_id") && !f.is_null("tenant_id");
    if (domain::is_tenant_group(g) && !given)
      throw invalid_field("tenant_id", "required", "tenant_id is required for the TENANT_* groups");
    if (!domain::is_tenant_group(g) && given)
      throw invalid_field("tenant_id", "conflicting", "tenant_id is only for the TENANT_* groups");
    if (given) tenant = require_uuid(f.req_text("tenant_id", 64), "tenant_id");
  }
  require_may_assign(actor, g);
  // Off the global write lock: the tenant's row is locked first (its max_users is counted
  // over its users: two creations beside each other are serialized there), and the e-mail,
  // unique across tenants, is the constraint's (unique_or_conflict).
  auto write = [&] {
    return s.write(store::WriteLock::RowLevel, [&](Conn& c) {
      if (tenant && !store::lock_tenant_row(c, *tenant))
        throw unprocessable("tenant_id: no such tenant");
      if (store::find_user_by_email(c, email))
        throw conflict("a user with this e-mail already exists");
      if (tenant) require_user_room(c, *tenant);
      int64_t now = clock.now_ms();
      std::string id =
          store::create_user(c, {email, name, password_hash, std::nullopt, {group}, tenant}, now);
      Changes ch;
      ch.text("group", std::nullopt, group);
      ch.text("status", std::nullopt, std::string("active"));
      audit(c, actor, "user.create", tenant, id, ch.metadata(), now);
      CreatedUser out{*store::find_user_by_id(c, id), std::nullopt};
      if (!password_hash) out.invite = issue_link(c, actor, out.user, "invite", public_url, now);
      return out;
    });
  };
  return unique_or_conflict(
      write, [&] { return store::find_user_by_email(s.conn(), email).has_value(); },
      "a user with this e-mail already exists");
}

store::UserRow user_update(store::Store& s, const Clock& clock, const std::string& id,
                           const rapidjson::Value& body, const UserActor& actor,
                           const http::Request* if_match_of) {
  BodyFields f(body, {"name", "group", "status"});
  auto name = name_field(f);
  auto group = group_field(f, false);
  auto status = f.opt_enum("status", {"active", "disabled"});
  if (f.is_null("status")) throw invalid_field("status", "not-null", "status must not be null");
  // Off the global write lock: the tenant's row (max_users when the user is enabled; the
  // trigger on users.disabled updates it anyway), then the user's row, are locked before
  // the user is read (parent before child, as everywhere).
  return s.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto seen = user_visible(c, id, actor);
    if (seen.tenant_id) store::lock_tenant_row(c, *seen.tenant_id);
    store::lock_user_row(c, seen.id);
    auto before = user_writable(c, id, actor);
    if (if_match_of) require_if_match(*if_match_of, etag_of(user_json(before)));
    int64_t now = clock.now_ms();
    std::string old_group = group_of(before), old_status = domain::user_status(before.disabled);
    bool group_changes = group && *group != old_group;
    bool status_changes = status && *status != old_status;
    bool name_changes = name && *name != before.full_name;
    if (group_changes) {
      domain::Group to = parse_group(*group);
      require_may_assign(actor, to);
      auto from = domain::group_from_name(old_group);
      if (from && !domain::same_group_kind(*from, to))
        throw unprocessable(
            "group: a staff user stays in the INTERNAL_* groups and a tenant's "
            "user in the TENANT_* groups");
      if (before.id == actor.id) throw unprocessable("you may not change your own group");
    }
    if (status_changes && *status == "disabled" && before.id == actor.id)
      throw unprocessable("you may not disable yourself");
    if (status_changes && *status == "active" && before.tenant_id)
      require_user_room(c, *before.tenant_id);
    if (name_changes) store::set_user_name(c, before.id, *name);
    if (group_changes) store::set_user_group(c, before.id, *group);
    if (status_changes) store::set_user_disabled(c, before.id, *status == "disabled");
    if (group_changes || (status_changes && *status == "disabled"))
      end_every_session(c, clock, before.id, now);
    if (group_changes || status_changes || name_changes) {
      Changes ch;
      ch.text("group", old_group, group_changes ? *group : old_group);
      ch.text("status", old_status, status_changes ? *status : old_status);
      std::string meta = name_changes ? ch.metadata({{"changed", "[\"name\"]"}}) : ch.metadata();
      audit(c, actor, "user.update", before.tenant_id, before.id, meta, now);
    }
    return *store::find_user_by_id(c, before.id);
  });
}

PasswordLink user_issue_reset(store::Store& s, const Clock& clock, const std::string& id,
                              const UserActor& actor, const std::string& public_url) {
  // Off the global write lock: the user's row is locked before its usable links are voided
  // and the new one inserted (one usable link per user beside a use or another issue).
  return s.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_user_row(c, require_uuid(id, "user id"));
    auto u = user_writable(c, id, actor);
    return issue_link(c, actor, u, "reset", public_url, clock.now_ms());
  });
}

std::string password_reset_use(store::Store& s, const Clock& clock, const rapidjson::Value& body,
                               const std::optional<std::string>& request_id,
                               const std::optional<std::string>& ip) {
  BodyFields f(body, {"token", "new_password"});
  std::string hash = sha256_hex(raw_string(f, "token", kMaxTokenBytes));
  std::string password = raw_string(f, "new_password", kMaxPasswordBytes);
  // The policy needs the e-mail, so the link is looked up first; a refused password
  // leaves the link usable. Hashing (argon2id) happens outside the write transaction.
  auto link = store::find_usable_password_link(s.conn(), hash, clock.now_ms());
  if (!link) throw bad_request(kLinkRefused);
  auto u = store::find_user_by_id(s.conn(), link->user_id);
  if (!u) throw bad_request(kLinkRefused);
  if (auto why = auth::password_policy_violation(password, u->email))
    throw unprocessable("new_password: " + *why);
  std::string password_hash = auth::hash_password(password);
  // Off the global write lock: the user's row is locked before the link is consumed and the
  // hash written (a login that verified the old password committed before, and its session
  // ends here, or waits and finds another hash; a second use of the link waits and finds it
  // used; an issue of a new link waits).
  s.write(store::WriteLock::RowLevel, [&](Conn& c) {
    if (!store::lock_user_row(c, u->id)) throw bad_request(kLinkRefused);
    int64_t now = clock.now_ms();
    auto used = store::consume_password_link(c, hash, now);
    if (!used || used->user_id != u->id) throw bad_request(kLinkRefused);
    store::set_user_password(c, u->id, password_hash);
    end_every_session(c, clock, u->id, now);
    UserActor self{u->id, group_of(*u), domain::kTenantUser, std::nullopt, request_id, ip};
    JsonOut m;
    m.begin_object().kv("purpose", used->purpose).end_object();
    audit(c, self, "user.password_reset.use", u->tenant_id, u->id, m.take(), now);
  });
  return u->id;
}

void render_user(JsonOut& j, const store::UserRow& u) {
  j.begin_object()
      .kv("id", u.id)
      .kv("email", u.email)
      .kv("name", u.full_name)
      .kv("group", group_of(u))
      .kv("tenant_id", u.tenant_id)
      .kv("tenant_name", u.tenant_name)
      .kv("status", std::string(domain::user_status(u.disabled)))
      .kv("password_set", u.password_hash.has_value())
      .kv("last_login_at", u.last_login_at)
      .kv("created_at", u.created_at)
      .end_object();
}

std::string user_json(const store::UserRow& u) {
  JsonOut j;
  render_user(j, u);
  return j.take();
}

std::string link_json(const PasswordLink& l) {
  JsonOut j;
  j.begin_object().kv("url", l.url).kv("expires_at", l.expires_at).end_object();
  return j.take();
}

std::string reset_link_json(const PasswordLink& l, bool emailed) {
  JsonOut j;
  j.begin_object()
      .kv("url", l.url)
      .kv("expires_at", l.expires_at)
      .kv("emailed", emailed)
      .end_object();
  return j.take();
}

}  // namespace painel::api
