#include "store/privacy.hpp"

#include <map>

#include "core/text.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"
#include "store/sessions.hpp"

namespace painel::store {
namespace {
constexpr const char* kPersonExtras =
    "SELECT u.created_at, t.name, u.erased_at FROM users u LEFT JOIN tenant_users tu ON "
    "tu.user_id = u.id LEFT JOIN tenants t ON t.id = tu.tenant_id WHERE u.id = ?";
constexpr const char* kSessions =
    "SELECT family_id, created_at_ms, expires_at_ms, revoked_at_ms, ip, user_agent FROM sessions "
    "WHERE user_id = ? ORDER BY created_at_ms, id";
constexpr const char* kRequests =
    "SELECT id, tenant_id, subject, category, status, created_at FROM support_requests "
    "WHERE opened_by = ? ORDER BY created_at, id";
constexpr const char* kMessages =
    "SELECT id, request_id, author_side, body, created_at FROM support_messages "
    "WHERE author_id = ? ORDER BY created_at, id";
constexpr const char* kErase =
    "UPDATE users SET email = ?, full_name = ?, full_name_sort = ?, password_hash = NULL, "
    "cognito_sub = NULL, disabled = 1, erased_at = ? WHERE id = ?";
constexpr const char* kDeleteSessions = "DELETE FROM sessions WHERE user_id = ?";
constexpr const char* kDeleteLinks = "DELETE FROM password_links WHERE user_id = ?";
constexpr const char* kIsErased = "SELECT 1 FROM users WHERE id = ? AND erased_at IS NOT NULL";
// The e-mail's lockout counters: every (e-mail, IP) pair's, then the account's.
constexpr const char* kDeletePairThrottles =
    "DELETE FROM login_throttle WHERE substr(key, 1, length(?)) = ?";
constexpr const char* kDeleteAccountThrottle = "DELETE FROM login_throttle WHERE key = ?";
constexpr const char* kAgeSessions =
    "UPDATE sessions SET ip = NULL, user_agent = NULL WHERE created_at_ms < ? AND "
    "(ip IS NOT NULL OR user_agent IS NOT NULL)";
constexpr const char* kErasedName = "Usuário removido";
}  // namespace

std::optional<PersonAccount> find_person(Conn& c, const std::string& user_id) {
  auto u = find_user_by_id(c, user_id);
  if (!u) return std::nullopt;
  auto r = c.query(kPersonExtras, {user_id});
  if (r.empty()) return std::nullopt;
  return PersonAccount{std::move(*u), r[0].str(0), r[0].opt_str(1), r[0].opt_str(2)};
}

std::vector<PersonSession> sessions_of_person(Conn& c, const std::string& user_id) {
  // Rows come oldest first: each family's first row opens it, its latest says where from.
  std::vector<PersonSession> out;
  std::map<std::string, size_t> at;
  c.each(kSessions, {user_id}, [&](const Row& r) {
    auto [it, fresh] = at.try_emplace(r.str(0), out.size());
    if (fresh) {
      out.push_back({});
      out.back().id = r.str(0);
      out.back().created_at_ms = r.i64(1);
    }
    auto& s = out[it->second];
    s.last_used_at_ms = r.i64(1);
    s.expires_at_ms = r.i64(2);
    if (auto end = r.opt_i64(3)) s.ended_at_ms = std::max(s.ended_at_ms.value_or(0), *end);
    s.ip = r.opt_str(4);
    s.user_agent = r.opt_str(5);
  });
  return {out.rbegin(), out.rend()};
}

std::vector<PersonSupportRequest> support_requests_of_person(Conn& c, const std::string& user_id) {
  std::vector<PersonSupportRequest> out;
  c.each(kRequests, {user_id}, [&](const Row& r) {
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)});
  });
  return out;
}

std::vector<PersonSupportMessage> support_messages_of_person(Conn& c, const std::string& user_id) {
  std::vector<PersonSupportMessage> out;
  c.each(kMessages, {user_id}, [&](const Row& r) {
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4)});
  });
  return out;
}

std::string erased_email(const std::string& user_id) {
  return "erased-" + user_id + "@erased.invalid";
}

void forget_login_failures(Conn& c, const std::string& email) {
  const std::string pair = "pair:" + email + "|";
  c.exec(kDeletePairThrottles, {pair, pair});
  c.exec(kDeleteAccountThrottle, {"acct:" + email});
}

Erasure erase_person(Conn& c, const std::string& user_id, const std::string& email,
                     int64_t now_ms) {
  Erasure e;
  e.erased_at = format_rfc3339(now_ms);
  // Every access token issued so far dies (the next second, as TokenService does); the
  // users trigger adds the same when the account was not disabled yet.
  revoke_tokens(c, user_subject(user_id), now_ms / 1000 + 1, now_ms);
  c.exec(kErase, {erased_email(user_id), std::string(kErasedName), name_sort_key(kErasedName),
                  e.erased_at, user_id});
  e.sessions = c.exec(kDeleteSessions, {user_id});
  c.exec(kDeleteLinks, {user_id});  // an unused invitation or reset link would revive it
  forget_login_failures(c, email);  // none left when the caller deleted them first
  e.audit_ips = audit_erase_person_ips(c, user_id);
  return e;
}

bool is_erased(Conn& c, const std::string& user_id) {
  return !c.query(kIsErased, {user_id}).empty();
}

IpRetention anonymize_ips_before(Conn& c, int64_t before_ms) {
  IpRetention r;
  r.audit = audit_prune_ips(c, before_ms);
  r.sessions = c.exec(kAgeSessions, {before_ms});
  return r;
}

}  // namespace painel::store
