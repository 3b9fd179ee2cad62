#include "store/idempotency.hpp"

namespace painel::store {
namespace {
constexpr const char* kSelect =
    "SELECT request_hash, state, response_status, response_body, created_at_ms "
    "FROM idempotency_keys WHERE user_id = ? AND key = ?";
// PostgreSQL: the row is locked as it is read (a claim beside another of one key, off the
// global write lock, waits and then sees it in flight; a takeover of a stale claim is
// taken once).
constexpr const char* kSelectPg =
    "SELECT request_hash, state, response_status, response_body, created_at_ms "
    "FROM idempotency_keys WHERE user_id = ? AND key = ? FOR UPDATE";
// A claim beside another first claim of the same key waits for it here (PostgreSQL) and
// inserts nothing if it commits: no unique violation, which would abort the transaction.
constexpr const char* kInsert =
    "INSERT INTO idempotency_keys(user_id, key, request_hash, state, created_at_ms) "
    "VALUES (?,?,?,'in_flight',?) ON CONFLICT(user_id, key) DO NOTHING";
// The key changing hands (claimed, released, claimed again by a third request) under one
// claim's reads more often than this is answered as in flight: the client retries.
constexpr int kClaimReads = 4;
constexpr const char* kTakeOver =
    "UPDATE idempotency_keys SET request_hash = ?, state = 'in_flight', response_status = NULL, "
    "response_body = NULL, created_at_ms = ? WHERE user_id = ? AND key = ?";
constexpr const char* kComplete =
    "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? "
    "WHERE user_id = ? AND key = ?";
constexpr const char* kRelease =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND state = 'in_flight'";
constexpr const char* kRetention = "DELETE FROM idempotency_keys WHERE created_at_ms < ?";
}  // namespace

KeyClaimResult claim_idempotency_key(Conn& c, const std::string& user_id, const std::string& key,
                                     const std::string& request_hash, int64_t now_ms,
                                     int64_t stale_ms) {
  Rows r;
  for (int read = 0; r.empty(); ++read) {
    if (read == kClaimReads) return {KeyClaim::InFlight};
    r = c.query(c.dialect() == Dialect::Postgres ? kSelectPg : kSelect, {user_id, key});
    if (r.empty() && c.exec(kInsert, {user_id, key, request_hash, now_ms}) == 1)
      return {KeyClaim::Claimed};
    // Not inserted: another claim of the key committed it meanwhile; read it (a statement
    // of its own sees it under READ COMMITTED), unless it was released again since.
  }
  auto& row = r[0];
  bool done = row.str(1) == "done";
  if (!done && row.i64(4) + stale_ms < now_ms) {  // abandoned by a crashed request
    c.exec(kTakeOver, {request_hash, now_ms, user_id, key});
    return {KeyClaim::Claimed};
  }
  if (row.str(0) != request_hash) return {KeyClaim::Mismatch};
  if (!done) return {KeyClaim::InFlight};
  return {KeyClaim::Replay, static_cast<int>(row.i64(2)), row.str(3)};
}

void complete_idempotency_key(Conn& c, const std::string& user_id, const std::string& key,
                              int status, const std::string& body) {
  c.exec(kComplete, {int64_t{status}, body, user_id, key});
}

void release_idempotency_key(Conn& c, const std::string& user_id, const std::string& key) {
  c.exec(kRelease, {user_id, key});
}

int64_t delete_idempotency_keys_before(Conn& c, int64_t cutoff_ms) {
  return c.exec(kRetention, {cutoff_ms});
}

}  // namespace painel::store
