// TokenService's password login: lockout by (account, IP) and by account, the per-IP
// slow-down, and the bounded argon2 work (docs/security.md, "Login abuse").
#include <algorithm>

#include "auth/lockout.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "auth/token_service.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "store/audit.hpp"
#include "store/sessions.hpp"
#include "store/tenants.hpp"
#include "store/users.hpp"

namespace painel::auth {
namespace {

std::string pair_key(const std::string& email, const std::string& ip) {
  return "pair:" + email + "|" + ip;
}
std::string account_key(const std::string& email) { return "acct:" + email; }
std::string ip_key(const std::string& ip) { return "ip:" + ip; }

std::string login_meta(const std::string& email) {
  JsonOut j;
  j.begin_object().kv("email", email).end_object();
  return j.take();
}

ApiError busy() {
  ApiError e{503, "Service Unavailable", "too many logins in progress; retry shortly"};
  e.retry_after_s = 1;
  return e;
}

}  // namespace

UserView TokenService::check_password(const std::string& email_in, const std::string& password,
                                      const RequestMeta& m) {
  const std::string email = store::lower_ascii(email_in);
  const int64_t now = clock_.now_ms();
  bool slow = false;
  {
    auto& c = store_.conn();
    int64_t ra = std::max(retry_after_s(store::load_throttle(c, pair_key(email, m.ip)), now),
                          retry_after_s(store::load_throttle(c, account_key(email)), now));
    if (ra > 0)
      throw coded("account-locked",
                  too_many("too many failed logins; try again later", static_cast<int>(ra)));
    slow = live_failures(store::load_throttle(c, ip_key(m.ip)), ip_policy(cfg_), now) >=
           cfg_.login_ip_slow_failures;
  }
  auto user = store::find_user_by_email(store_.conn(), email);
  bool ok = false;
  {
    auto permit = gate_.acquire(slow ? LoginGate::Lane::Slow : LoginGate::Lane::Normal);
    if (!permit) throw busy();
    if (user && user->password_hash && !user->disabled)
      ok = verify_password(*user->password_hash, password);
    else
      burn_dummy_verify();
  }
  if (!ok) {
    record_login_failure(email, user, m);
    throw coded("invalid-credentials", unauthorized("invalid e-mail or password"));
  }
  UserView u = user_view_of(*user);
  u.verified_hash = *user->password_hash;
  if (u.role.empty()) throw forbidden("user has no recognised group");
  if (u.tenant_id) {  // checked after the password, so it reveals nothing to a guesser
    auto st = store::tenant_status(store_.conn(), *u.tenant_id);
    if (st && (*st == "suspended" || *st == "inactive")) throw tenant_refused(*st);
  }
  return u;
}

void TokenService::record_login_failure(const std::string& email,
                                        const std::optional<store::UserRow>& user,
                                        const RequestMeta& m) {
  const int64_t now = clock_.now_ms();
  const auto pair = pair_policy(cfg_), account = account_policy(cfg_), ip = ip_policy(cfg_);
  // Off the global write lock (PostgreSQL): each counter is one upsert (no failure is
  // lost beside another instance's), the keys are taken in one order (pair, account, IP),
  // and the audit row comes last (docs/architecture.md, "Write transactions and locks").
  store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    for (auto& [key, policy] :
         {std::pair{pair_key(email, m.ip), pair}, std::pair{account_key(email), account},
          std::pair{ip_key(m.ip), ip}})
      record_failure(c, key, policy, now);
    store::audit_append(c,
                        {user ? user->id : "anonymous", "anonymous", "auth.login_failed",
                         user ? user->tenant_id : std::nullopt, std::nullopt, m.request_id, m.ip,
                         login_meta(email)},
                        now);
  });
}

// Off the global write lock too. The user's row is locked before issue() reads the
// revocation epoch and the clock, as every revoking path does before it reads its clock:
// either this login commits first and the revocation sees (and ends) its session, or the
// revocation commits first and the login then sees its epoch, or sees a disabled
// (erased) user or a password other than the one it verified, and refuses.
TokenPair TokenService::open_session(const UserView& u, const RequestMeta& m) {
  return store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::clear_throttle(c, pair_key(u.email, m.ip));
    auto now = store::lock_user_row(c, u.id);
    if (!now || now->disabled ||
        (!u.verified_hash.empty() && now->password_hash != u.verified_hash))
      throw coded("invalid-credentials", unauthorized("invalid e-mail or password"));
    store::touch_user_login(c, u.id, clock_.now_ms());
    TokenPair p = issue(c, u, new_uuid(), m);
    store::audit_append(c,
                        {u.id, u.role, "auth.login", u.tenant_id, u.id, m.request_id, m.ip, "{}"},
                        clock_.now_ms());
    return p;
  });
}

void TokenService::change_password(const Principal& p, const std::string& current,
                                   const std::string& next, const RequestMeta& m) {
  if (p.external) throw forbidden("this identity's password is managed by its identity provider");
  auto user = store::find_user_by_id(store_.conn(), p.user_id);
  if (!user) throw unauthorized("unknown user");
  try {
    check_password(user->email, current, m);  // lockout, LoginGate, failure counted
  } catch (const ApiError& e) {
    if (e.status == 401)
      throw invalid_field("current_password", "incorrect", "current_password is wrong");
    throw;
  }
  if (auto why = password_policy_violation(next, user->email)) throw unprocessable(*why);
  std::string hash;
  {
    auto permit = gate_.acquire(LoginGate::Lane::Normal);  // argon2 work stays bounded
    if (!permit) throw busy();
    hash = hash_password(next);
  }
  // Off the global write lock: the pair counter is cleared first (the login's order), then
  // the user's row is locked before the new hash is written, so a login that verified the
  // old password either committed before this (its session is ended below) or waits here
  // and then finds another hash than the one it verified (open_session refuses it).
  store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::clear_throttle(c, pair_key(user->email, m.ip));
    if (!store::lock_user_row(c, user->id)) throw unauthorized("unknown user");
    const int64_t now = clock_.now_ms();
    store::set_user_password_hash(c, user->id, hash);
    int64_t ended = end_other_sessions(c, user->id, p.sid);
    JsonOut j;
    j.begin_object().kv("sessions_ended", ended).end_object();
    store::audit_append(c,
                        {user->id, std::string(group_name(p.role)), "user.password_change",
                         user->tenant_id, user->id, m.request_id, m.ip, j.take()},
                        now);
  });
  sync_revocations(true);  // this instance at once; the others at their next poll
}

}  // namespace painel::auth
