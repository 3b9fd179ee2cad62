#pragma once
// Revocation of access tokens and the login lockout counters. Access tokens are
// stateless JWTs; what makes them revocable is a short log of revoked subjects that
// every instance polls (auth/revocations.hpp keeps it in memory).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// Tokens of a revoked session die whatever their iat.
inline constexpr int64_t kRevokedForever = int64_t{1} << 62;

struct TokenRevocation {
  std::string subject;  // "user:<id>" or "session:<family id>"
  int64_t not_before_s = 0;
};

inline std::string user_subject(const std::string& user_id) { return "user:" + user_id; }
inline std::string session_subject(const std::string& family) { return "session:" + family; }

// Tokens of `subject` with iat < not_before_s stop working (idempotent).
void revoke_tokens(Conn& c, const std::string& subject, int64_t not_before_s, int64_t now_ms);
// Ends every refresh session of the user; returns how many were open.
int64_t revoke_refresh_sessions(Conn& c, const std::string& user_id, int64_t now_ms);
// Revocations recorded at or after since_ms (by the writer's clock).
std::vector<TokenRevocation> revocations_since(Conn& c, int64_t since_ms);
// The iat a new token of the user must at least carry (0 when never revoked).
int64_t user_tokens_not_before(Conn& c, const std::string& user_id);
// Forgets revocations recorded before before_ms (every token they could kill has expired).
int64_t prune_revocations(Conn& c, int64_t before_ms);

// One login_throttle row: failures counted since the last quiet period, the last
// failure, and the end of the current lock (0 = none).
struct ThrottleRow {
  int64_t failures = 0;
  int64_t last_failure_ms = 0;
  int64_t locked_until_ms = 0;
};
ThrottleRow load_throttle(Conn& c, const std::string& key);
// Counts one failure of `key` at now_ms in one statement (an upsert: no read-then-write,
// so writers beside each other, without the global lock, never lose a count, even on a
// key's first failure) and returns the row after it; failures last seen before
// forget_before_ms are forgotten first (the count starts again at 1). The row stays
// locked (PostgreSQL) to the end of the transaction: set_throttle_lock may follow.
ThrottleRow count_throttle_failure(Conn& c, const std::string& key, int64_t now_ms,
                                   int64_t forget_before_ms);
void set_throttle_lock(Conn& c, const std::string& key, int64_t locked_until_ms);
void clear_throttle(Conn& c, const std::string& key);
// Forgets counters whose last failure is older than before_ms and that lock nothing. On
// PostgreSQL a counter another transaction holds is left for the next prune (never
// waited for: see sessions.cpp).
int64_t prune_throttle(Conn& c, int64_t before_ms);

// --- Issue 14: refresh sessions, statements moved here from auth/token_service ---

// A refresh session: one row per refresh token issued; a family is one login's chain of
// rotated tokens. The token itself is never stored, only its SHA-256.
struct NewSession {
  std::string id, family_id, user_id, refresh_hash;
  int64_t created_at_ms = 0, expires_at_ms = 0;
  std::string ip, user_agent;
};
void insert_session(Conn& c, const NewSession& s);
struct SessionRow {
  std::string id, family_id, user_id;
  int64_t expires_at_ms = 0;
  std::optional<int64_t> rotated_at_ms, revoked_at_ms;
};
std::optional<SessionRow> find_session_by_refresh_hash(Conn& c, const std::string& hash);
// The token was used to refresh: it may not be used again.
void mark_session_rotated(Conn& c, const std::string& id, int64_t now_ms);
// Ends every open session of the family (logout, or reuse of a rotated token).
void revoke_session_family(Conn& c, const std::string& family_id, int64_t now_ms);

// --- Issue 16: a user's own sessions ---

// One open login (refresh family) of a user: its live refresh token is neither rotated,
// revoked nor expired. last_refresh_ms is when that token was issued (the login itself
// when never refreshed); ip / user_agent are that request's.
struct SessionFamily {
  std::string family_id;
  int64_t created_at_ms = 0, last_refresh_ms = 0, expires_at_ms = 0;
  std::optional<std::string> ip, user_agent;
};
// Newest login first.
std::vector<SessionFamily> open_session_families(Conn& c, const std::string& user_id,
                                                 int64_t now_ms);
// Ends one family of the user; false when it is not theirs or already ended. The caller
// also revokes its access tokens (revoke_tokens(session_subject(family), kRevokedForever)).
bool revoke_user_family(Conn& c, const std::string& user_id, const std::string& family_id,
                        int64_t now_ms);
// Ends every family of the user except `keep` ("" = none); returns the families ended.
std::vector<std::string> revoke_user_families_except(Conn& c, const std::string& user_id,
                                                     const std::string& keep, int64_t now_ms);

}  // namespace painel::store
