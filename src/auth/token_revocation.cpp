// TokenService's revocation of access tokens: user epochs and revoked sessions recorded in
// the store (token_revocations), polled by every instance into a RevocationSet that
// authenticate() consults after the verified-token cache.
#include <spdlog/spdlog.h>

#include "auth/lockout.hpp"
#include "auth/token_service.hpp"
#include "core/blocking.hpp"
#include "store/sessions.hpp"
#include "store/users.hpp"

namespace painel::auth {
namespace {
// A poll re-reads this much before the last one: rows written by a transaction that
// committed late, or by an instance whose clock lags a little, are still seen.
constexpr int64_t kRevocationOverlapMs = 10000;
}  // namespace

// The user's row is locked before the clock is read (store::lock_user_row): a login that
// runs beside this revocation without the global lock either committed before it (its
// session is ended here, its iat is below the epoch) or waits and sees the epoch.
int64_t TokenService::revoke_user_sessions(store::Conn& c, const std::string& user_id) {
  store::lock_user_row(c, user_id);
  int64_t now = clock_.now_ms();
  // The next second: every token issued so far (iat <= now) dies; issue() gives later ones
  // at least this iat, so a login right after is not caught.
  store::revoke_tokens(c, store::user_subject(user_id), now / 1000 + 1, now);
  return store::revoke_refresh_sessions(c, user_id, now);
}

bool TokenService::end_session(store::Conn& c, const std::string& user_id,
                               const std::string& family) {
  store::lock_user_row(c, user_id);  // a refresh of the family beside this: seen, or waits
  int64_t now = clock_.now_ms();
  if (!store::revoke_user_family(c, user_id, family, now)) return false;
  store::revoke_tokens(c, store::session_subject(family), store::kRevokedForever, now);
  return true;
}

int64_t TokenService::end_other_sessions(store::Conn& c, const std::string& user_id,
                                         const std::string& keep) {
  store::lock_user_row(c, user_id);  // a concurrent login's new family is seen, or waits
  int64_t now = clock_.now_ms();
  auto ended = store::revoke_user_families_except(c, user_id, keep, now);
  for (auto& family : ended)
    store::revoke_tokens(c, store::session_subject(family), store::kRevokedForever, now);
  return static_cast<int64_t>(ended.size());
}

void TokenService::sync_revocations(bool force) {
  int64_t now = clock_.now_ms();
  int64_t last = last_revocation_sync_ms_.load(std::memory_order_relaxed);
  if (!force && now - last < kRevocationPollMs) return;
  may_block();  // a store read: on the handler pool only
  if (!force && !last_revocation_sync_ms_.compare_exchange_strong(last, now)) return;
  if (force) last_revocation_sync_ms_.store(now);
  const int64_t horizon =
      (cfg_.access_ttl_s + 120) * 1000LL;  // older ones killed only expired tokens
  int64_t since = last == 0 ? now - horizon : last - kRevocationOverlapMs;
  try {
    for (auto& r : store::revocations_since(store_.conn(), since))
      revocations_.add(r.subject, r.not_before_s, now);
  } catch (...) {
    last_revocation_sync_ms_.store(last);  // the next poll reads this window again
    throw;
  }
  int64_t pruned = last_revocation_prune_ms_.load();
  if (now - pruned > 60'000 && last_revocation_prune_ms_.compare_exchange_strong(pruned, now)) {
    revocations_.prune(now - horizon);
    try {
      // Off the global write lock: DELETEs by age (a row a login or a revocation is writing
      // now is waited for and then no longer old).
      store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        store::prune_revocations(c, now - horizon);
        store::prune_throttle(c, now - login_memory_ms(cfg_));
      });
    } catch (const store::DbError& e) {  // housekeeping: the next minute will do
      spdlog::warn("pruning token revocations failed: {}", e.what());
    }
  }
}

bool TokenService::is_revoked(const Principal& p, const Claims& claims) const {
  return revocations_.revoked(p.user_id, claims.sid, claims.iat);
}

}  // namespace painel::auth
