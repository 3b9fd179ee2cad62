#include "store/sessions.hpp"

namespace painel::store {
namespace {
constexpr const char* kRevoke =
    "INSERT INTO token_revocations(subject, not_before_s, created_at_ms) VALUES (?,?,?) "
    "ON CONFLICT (subject, not_before_s) DO NOTHING";
constexpr const char* kSince =
    "SELECT subject, not_before_s FROM token_revocations WHERE created_at_ms >= ?";
constexpr const char* kUserNotBefore =
    "SELECT max(not_before_s) FROM token_revocations WHERE subject = ?";
constexpr const char* kPrune = "DELETE FROM token_revocations WHERE created_at_ms < ?";
constexpr const char* kLoadThrottle =
    "SELECT failures, window_start_ms, locked_until_ms FROM login_throttle WHERE key = ?";
constexpr const char* kCountThrottleFailure =
    "INSERT INTO login_throttle(key, failures, window_start_ms, locked_until_ms) "
    "VALUES (?,1,?,0) ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN "
    "login_throttle.window_start_ms < ? THEN 1 ELSE login_throttle.failures + 1 END, "
    "window_start_ms = excluded.window_start_ms "
    "RETURNING failures, window_start_ms, locked_until_ms";
constexpr const char* kSetThrottleLock =
    "UPDATE login_throttle SET locked_until_ms = ? WHERE key = ?";
constexpr const char* kClearThrottle = "DELETE FROM login_throttle WHERE key = ?";
constexpr const char* kPruneThrottle =
    "DELETE FROM login_throttle WHERE window_start_ms < ? AND locked_until_ms < ?";
// PostgreSQL, off the global write lock: the counters a login holds are skipped, not waited
// for (a failed login takes its counters in its own order, pair, account, IP, and the
// DELETE took them in the table's: each waited for the other); they are no longer old
// once it commits, and a skipped one that still is goes with the next prune.
constexpr const char* kPruneThrottlePg =
    "DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle WHERE "
    "window_start_ms < ? AND locked_until_ms < ? FOR UPDATE SKIP LOCKED)";
}  // namespace

void revoke_tokens(Conn& c, const std::string& subject, int64_t not_before_s, int64_t now_ms) {
  c.exec(kRevoke, {subject, not_before_s, now_ms});
}

int64_t revoke_refresh_sessions(Conn& c, const std::string& user_id, int64_t now_ms) {
  return c.exec("UPDATE sessions SET revoked_at_ms = ? WHERE user_id = ? AND revoked_at_ms IS NULL",
                {now_ms, user_id});
}

std::vector<TokenRevocation> revocations_since(Conn& c, int64_t since_ms) {
  std::vector<TokenRevocation> out;
  for (auto& r : c.query(kSince, {since_ms})) out.push_back({r.str(0), r.i64(1)});
  return out;
}

int64_t user_tokens_not_before(Conn& c, const std::string& user_id) {
  auto r = c.query(kUserNotBefore, {user_subject(user_id)});
  return r.empty() ? 0 : r[0].i64(0);
}

int64_t prune_revocations(Conn& c, int64_t before_ms) { return c.exec(kPrune, {before_ms}); }

ThrottleRow load_throttle(Conn& c, const std::string& key) {
  auto r = c.query(kLoadThrottle, {key});
  if (r.empty()) return {};
  return {r[0].i64(0), r[0].i64(1), r[0].i64(2)};
}

ThrottleRow count_throttle_failure(Conn& c, const std::string& key, int64_t now_ms,
                                   int64_t forget_before_ms) {
  auto r = c.query(kCountThrottleFailure, {key, now_ms, forget_before_ms});
  return {r[0].i64(0), r[0].i64(1), r[0].i64(2)};
}

void set_throttle_lock(Conn& c, const std::string& key, int64_t locked_until_ms) {
  c.exec(kSetThrottleLock, {locked_until_ms, key});
}

void clear_throttle(Conn& c, const std::string& key) { c.exec(kClearThrottle, {key}); }

int64_t prune_throttle(Conn& c, int64_t before_ms) {
  return c.exec(c.dialect() == Dialect::Postgres ? kPruneThrottlePg : kPruneThrottle,
                {before_ms, before_ms});
}

// --- Issue 14: refresh sessions, statements moved here from auth/token_service ---

namespace {
constexpr const char* kInsertSession =
    "INSERT INTO sessions(id, family_id, user_id, refresh_hash, created_at_ms, expires_at_ms, "
    "ip, user_agent) VALUES (?,?,?,?,?,?,?,?)";
constexpr const char* kSessionByHash =
    "SELECT id, family_id, user_id, expires_at_ms, rotated_at_ms, revoked_at_ms FROM sessions "
    "WHERE refresh_hash = ?";
constexpr const char* kRotateSession = "UPDATE sessions SET rotated_at_ms = ? WHERE id = ?";
constexpr const char* kRevokeFamily =
    "UPDATE sessions SET revoked_at_ms = ? WHERE family_id = ? AND revoked_at_ms IS NULL";
}  // namespace

void insert_session(Conn& c, const NewSession& s) {
  c.exec(kInsertSession, {s.id, s.family_id, s.user_id, s.refresh_hash, s.created_at_ms,
                          s.expires_at_ms, s.ip, s.user_agent});
}

std::optional<SessionRow> find_session_by_refresh_hash(Conn& c, const std::string& hash) {
  auto r = c.query(kSessionByHash, {hash});
  if (r.empty()) return std::nullopt;
  return SessionRow{r[0].str(0), r[0].str(1),     r[0].str(2),
                    r[0].i64(3), r[0].opt_i64(4), r[0].opt_i64(5)};
}

void mark_session_rotated(Conn& c, const std::string& id, int64_t now_ms) {
  c.exec(kRotateSession, {now_ms, id});
}

void revoke_session_family(Conn& c, const std::string& family_id, int64_t now_ms) {
  c.exec(kRevokeFamily, {now_ms, family_id});
}

// --- Issue 16: a user's own sessions ---

namespace {
constexpr const char* kOpenFamilies =
    "SELECT s.family_id, (SELECT min(f.created_at_ms) FROM sessions f "
    "WHERE f.family_id = s.family_id) AS first_ms, s.created_at_ms, s.expires_at_ms, s.ip, "
    "s.user_agent FROM sessions s WHERE s.user_id = ? AND s.rotated_at_ms IS NULL "
    "AND s.revoked_at_ms IS NULL AND s.expires_at_ms > ? ORDER BY first_ms DESC, s.family_id";
constexpr const char* kRevokeUserFamily =
    "UPDATE sessions SET revoked_at_ms = ? WHERE user_id = ? AND family_id = ? "
    "AND revoked_at_ms IS NULL";
constexpr const char* kUserFamiliesExcept =
    "SELECT DISTINCT family_id FROM sessions WHERE user_id = ? AND revoked_at_ms IS NULL "
    "AND family_id <> ?";
constexpr const char* kRevokeUserFamiliesExcept =
    "UPDATE sessions SET revoked_at_ms = ? WHERE user_id = ? AND revoked_at_ms IS NULL "
    "AND family_id <> ?";
}  // namespace

std::vector<SessionFamily> open_session_families(Conn& c, const std::string& user_id,
                                                 int64_t now_ms) {
  std::vector<SessionFamily> out;
  for (auto& r : c.query(kOpenFamilies, {user_id, now_ms}))
    out.push_back({r.str(0), r.i64(1), r.i64(2), r.i64(3), r.opt_str(4), r.opt_str(5)});
  return out;
}

bool revoke_user_family(Conn& c, const std::string& user_id, const std::string& family_id,
                        int64_t now_ms) {
  return c.exec(kRevokeUserFamily, {now_ms, user_id, family_id}) > 0;
}

std::vector<std::string> revoke_user_families_except(Conn& c, const std::string& user_id,
                                                     const std::string& keep, int64_t now_ms) {
  std::vector<std::string> out;
  for (auto& r : c.query(kUserFamiliesExcept, {user_id, keep})) out.push_back(r.str(0));
  c.exec(kRevokeUserFamiliesExcept, {now_ms, user_id, keep});
  return out;
}

}  // namespace painel::store
