#pragma once
// The audit log (operational_events): append-only and chained. append() must run inside
// the caller's write transaction so the event commits (or not) with the change it records.
// On PostgreSQL append() and checkpoint() take the chain's own advisory lock (held to the
// commit), so any write transaction may append, with or without the global write lock;
// append audit rows last in a transaction (the lock order in pg_conn.cpp).
// Each row's chain value is HMAC-SHA-256 (under the connection's audit key, a subkey of the
// master key) of the previous value and the row's content, so someone with write access
// to the database but not the key cannot rebuild the chain after editing or deleting rows.
// Since migration 18 a row's IP is not in the hashed row but beside it (audit_personal,
// bound to the event by an HMAC): erasure and retention may delete it; verify checks the
// ones that remain. Rows written before migration 18 keep their IP inside the chain.
// Rows written before migration 9 keep their plain SHA-256 chain (audit_chain records the
// boundary). Checkpoint rows ("audit.checkpoint") sign (count, head, boundary); see
// docs/operations.md for what they detect and what they cannot.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct AuditEvent {
  std::string actor;   // user id, "system", or "anonymous"
  std::string role;    // group name or "system"
  std::string action;  // e.g. "auth.login", "tenant.read", "command.create"
  std::optional<std::string> tenant_id;
  std::optional<std::string> target;
  std::optional<std::string> request_id;
  std::optional<std::string> ip;
  std::string metadata = "{}";  // JSON object text
};

struct AuditRow {
  std::string id, created_at, actor, role, action;
  std::optional<std::string> tenant_id, target, request_id, ip;
  std::string metadata;
};

struct AuditFilter {
  std::optional<std::string> actor, tenant_id, action, from, to;  // from/to RFC 3339
  int64_t limit = 50, offset = 0;
};

inline constexpr const char* kAuditCheckpointAction = "audit.checkpoint";

struct AuditCheckpoint {
  std::string id, created_at;
  int64_t count = 0;  // rows before the checkpoint row, as it signed them
};

struct AuditVerify {
  bool ok = true;
  int64_t checked = 0;
  std::optional<std::string> first_bad_id;
  // "" when ok; "chain" (a row does not match), "personal" (an IP kept beside a row is not
  // the one written with it), "checkpoint" (a checkpoint's signature,
  // count or head is wrong), "truncated" (the last checkpoint is older than one this
  // process wrote or saw), "no_key" (keyed rows but no audit key configured).
  std::string problem;
  bool truncated = false;
  std::optional<std::string> head_id, head_hash;  // the newest row and its chain value
  int64_t keyed_after_seq = 0;                // rows up to this seq carry the legacy SHA-256 chain
  std::optional<AuditCheckpoint> checkpoint;  // the newest valid one
  int64_t rows_after_checkpoint = 0;          // not covered by any checkpoint
};

// Throws std::logic_error when the connection has no audit key: a row chained without it
// would be indistinguishable from a forged one.
std::string audit_append(Conn& c, const AuditEvent& e, int64_t now_ms);
std::vector<AuditRow> audit_list(Conn& c, const AuditFilter& f, int64_t& total);
// One page of the filtered list for a page-by-page reader (CSV export): newest first, only
// rows older than `before_seq` (the keyset; every row when nullopt), at most `limit`, each
// to `fn`. Returns the seq of the last row given (the next call's before_seq), nullopt
// when there was none. Unlike LIMIT/OFFSET, rows appended meanwhile shift nothing.
std::optional<int64_t> audit_page_before(Conn& c, const AuditFilter& f,
                                         std::optional<int64_t> before_seq, int64_t limit,
                                         const std::function<void(const AuditRow&)>& fn);
// Rows where the person is actor or target, oldest first, with their IP (LGPD export).
std::vector<AuditRow> audit_rows_of_person(Conn& c, const std::string& user_id);
// Deletes the IPs kept beside rows where the person is actor or target (erasure); rows
// from before migration 18 keep theirs (inside the chain). Returns how many went.
int64_t audit_erase_person_ips(Conn& c, const std::string& user_id);
// Deletes the IPs kept beside rows written before before_ms (retention).
int64_t audit_prune_ips(Conn& c, int64_t before_ms);
// `min_checkpoint_count`: the highest checkpoint count known outside the store (e.g.
// Store::audit_checkpoint_seen); a store whose last checkpoint is below it was truncated.
AuditVerify audit_verify(Conn& c, int64_t min_checkpoint_count = 0);
// In the caller's write transaction: appends a checkpoint signing the current count and
// head when rows were added since the last one. Returns the count the newest checkpoint
// signed (0 when there is none and nothing to sign).
int64_t audit_checkpoint(Conn& c, int64_t now_ms);
// The count signed by the newest checkpoint row (0 if none); not verified.
int64_t audit_last_checkpoint_count(Conn& c);
// Whether the connection's audit key is the one the chain was written with: true when one
// of the newest keyed rows verifies under it, false when none of them does (another master
// key, or every recent row altered), nullopt when there is no keyed row yet or no key.
std::optional<bool> audit_key_matches(Conn& c);
// Throws std::runtime_error naming the likely cause when audit_key_matches says false: a
// process started with another master key would append rows nobody can verify (and seal
// secrets nobody can open). Every process that appends calls it once when it opens the store.
void require_audit_key_match(Conn& c);

}  // namespace painel::store
