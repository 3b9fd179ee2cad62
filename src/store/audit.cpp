#include "store/audit.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "store/page.hpp"

namespace painel::store {
namespace {

// Canonical content of a row: length-prefixed fields so no two rows serialize alike.
std::string canonical(const std::string& prev, const AuditRow& r) {
  std::string s;
  auto add = [&s](const std::optional<std::string>& v) {
    if (!v) {
      s += "-1:";
      return;
    }
    s += std::to_string(v->size());
    s += ':';
    s += *v;
  };
  add(prev);
  add(r.id);
  add(r.created_at);
  add(r.actor);
  add(r.role);
  add(r.action);
  add(r.tenant_id);
  add(r.target);
  add(r.request_id);
  add(r.ip);
  add(r.metadata);
  return s;
}

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";
// The hashed columns, as the chain covers them (operational_events.ip is NULL for rows
// written since migration 18; their IP lives in audit_personal).
constexpr const char* kColumns =
    "id, created_at, actor, role, action, tenant_id, target, request_id, ip, metadata";
// What readers see: the same columns, the IP taken from audit_personal when the row has none.
constexpr const char* kListFrom =
    "FROM operational_events e LEFT JOIN audit_personal p ON p.event_id = e.id";
constexpr const char* kListColumns =
    "e.id, e.created_at, e.actor, e.role, e.action, e.tenant_id, e.target, e.request_id, "
    "coalesce(e.ip, p.ip), e.metadata";
// The list columns and the row's seq, the keyset of a page-by-page read (audit_page_before).
constexpr const char* kListColumnsSeq =
    "e.id, e.created_at, e.actor, e.role, e.action, e.tenant_id, e.target, e.request_id, "
    "coalesce(e.ip, p.ip), e.metadata, e.seq";
constexpr const char* kInsertPersonal =
    "INSERT INTO audit_personal(event_id, ip, created_at_ms, mac) VALUES (?,?,?,?)";
constexpr const char* kPersonalRows =
    "SELECT event_id, ip, mac FROM audit_personal ORDER BY event_id";

// Binds an audit_personal row to its event: an IP edited, or moved to another event, no
// longer matches (a deleted one leaves nothing to check: erasure is allowed).
std::string personal_mac(const std::string& key, const std::string& event_id,
                         const std::string& ip) {
  return painel::hmac_sha256_hex(
      key,
      "painel/audit/personal/v1|" + std::to_string(event_id.size()) + ":" + event_id + "|" + ip);
}

AuditRow row_of(const Row& r) {
  return AuditRow{r.str(0),     r.str(1),     r.str(2),     r.str(3),     r.str(4),
                  r.opt_str(5), r.opt_str(6), r.opt_str(7), r.opt_str(8), r.str(9)};
}

int64_t keyed_after_seq(Conn& c) {
  auto r = c.query("SELECT keyed_after_seq FROM audit_chain WHERE id = 1");
  return r.empty() ? 0 : r[0].i64(0);
}

// What a checkpoint signs. The boundary is in it so that moving audit_chain's boundary
// later (to pass rebuilt keyed rows off as legacy ones) invalidates every checkpoint.
std::string checkpoint_signature(const std::string& key, int64_t count, int64_t head_seq,
                                 const std::string& head_hash, int64_t boundary) {
  return painel::hmac_sha256_hex(key, "painel/audit/checkpoint/v1|" + std::to_string(count) + "|" +
                                          std::to_string(head_seq) + "|" + head_hash + "|" +
                                          std::to_string(boundary));
}

struct CheckpointClaim {
  int64_t count = -1, head_seq = -1, boundary = -1;
  std::string head_hash, signature;
};

CheckpointClaim parse_claim(const std::string& metadata) {
  CheckpointClaim k;
  rapidjson::Document d;
  d.Parse(metadata.data(), metadata.size());
  if (d.HasParseError() || !d.IsObject()) return k;
  auto i64 = [&d](const char* name, int64_t& out) {
    auto m = d.FindMember(name);
    if (m != d.MemberEnd() && m->value.IsInt64()) out = m->value.GetInt64();
  };
  auto str = [&d](const char* name, std::string& out) {
    auto m = d.FindMember(name);
    if (m != d.MemberEnd() && m->value.IsString()) out = m->value.GetString();
  };
  i64("count", k.count);
  i64("head_seq", k.head_seq);
  i64("keyed_after_seq", k.boundary);
  str("head_hash", k.head_hash);
  str("signature", k.signature);
  return k;
}

// PostgreSQL advisory lock key of the audit chain (distinct from the global write lock's
// and the ingest barrier's).
constexpr int64_t kAuditChainLock = 7022364355625380111;

// Every append reads the chain head and writes the next row: two appends at once would
// both chain onto the same head (a fork verify reports as tampering). On PostgreSQL the
// transaction takes this transaction-scoped lock before it reads the head, so appends are
// serialized on the chain alone, whether the transaction took the global write lock or
// not (WriteLock::RowLevel); it is held to the commit, so the next append reads this one.
// Lock order: taken after the global lock, the usage_dirty_days rows and the ingest
// barrier, never before them: append audit rows last in a transaction (pg_conn.cpp).
// Re-entrant within a transaction. SQLite: the write transaction already excludes others.
void lock_chain(Conn& c) {
  if (c.dialect() == Dialect::Postgres)
    c.exec("SELECT pg_advisory_xact_lock(?)", {kAuditChainLock});
}

}  // namespace

std::string audit_append(Conn& c, const AuditEvent& e, int64_t now_ms) {
  const std::string& key = c.audit_key();
  if (key.empty())
    throw std::logic_error("audit_append: the store has no audit key (Store::set_audit_key)");
  lock_chain(c);
  auto last = c.query("SELECT hash FROM operational_events ORDER BY seq DESC LIMIT 1");
  std::string prev = last.empty() ? kGenesis : last[0].str(0);
  // The IP stays out of the hashed row (NULL there) so that it can be erased later.
  AuditRow r{new_uuid(), format_rfc3339(now_ms), e.actor,      e.role,    e.action, e.tenant_id,
             e.target,   e.request_id,           std::nullopt, e.metadata};
  std::string hash = painel::hmac_sha256_hex(key, canonical(prev, r));
  c.exec(
      "INSERT INTO operational_events(id, created_at, actor, role, action, tenant_id, target, "
      "request_id, ip, metadata, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {r.id, r.created_at, r.actor, r.role, r.action, opt(r.tenant_id), opt(r.target),
       opt(r.request_id), opt(r.ip), r.metadata, prev, hash});
  if (e.ip && !e.ip->empty())
    c.exec(kInsertPersonal, {r.id, *e.ip, now_ms, personal_mac(key, r.id, *e.ip)});
  return r.id;
}

int64_t audit_last_checkpoint_count(Conn& c) {
  auto r =
      c.query("SELECT metadata FROM operational_events WHERE action = ? ORDER BY seq DESC LIMIT 1",
              {kAuditCheckpointAction});
  return r.empty() ? 0 : std::max<int64_t>(0, parse_claim(r[0].str(0)).count);
}

int64_t audit_checkpoint(Conn& c, int64_t now_ms) {
  lock_chain(c);  // the count and head it signs stay the chain's until it is appended
  auto head = c.query(
      "SELECT seq, hash, action, metadata FROM operational_events ORDER BY seq "
      "DESC LIMIT 1");
  if (head.empty()) return 0;
  if (head[0].str(2) == kAuditCheckpointAction)  // nothing new since the last one
    return std::max<int64_t>(0, parse_claim(head[0].str(3)).count);
  int64_t count = c.query("SELECT count(*) FROM operational_events")[0].i64(0);
  int64_t head_seq = head[0].i64(0), boundary = keyed_after_seq(c);
  std::string head_hash = head[0].str(1);
  JsonOut j;
  j.begin_object()
      .kv("count", count)
      .kv("head_seq", head_seq)
      .kv("head_hash", head_hash)
      .kv("keyed_after_seq", boundary)
      .kv("signature", checkpoint_signature(c.audit_key(), count, head_seq, head_hash, boundary))
      .end_object();
  audit_append(c,
               {"system", "system", kAuditCheckpointAction, std::nullopt, std::nullopt,
                std::nullopt, std::nullopt, j.take()},
               now_ms);
  return count;
}

std::optional<bool> audit_key_matches(Conn& c) {
  const std::string& key = c.audit_key();
  if (key.empty()) return std::nullopt;
  int64_t boundary = keyed_after_seq(c);
  bool any_keyed = false;
  // A few rows, not one: a single altered row is verify's business, not a reason to think
  // the key is wrong (and to refuse to start).
  for (const auto& row :
       c.query(std::string("SELECT ") + kColumns +
                   ", prev_hash, hash, seq FROM operational_events WHERE seq > ? ORDER BY seq "
                   "DESC LIMIT 16",
               {boundary})) {
    any_keyed = true;
    if (painel::constant_time_equal(
            row.str(11), painel::hmac_sha256_hex(key, canonical(row.str(10), row_of(row)))))
      return true;
  }
  if (!any_keyed) return std::nullopt;
  return false;
}

void require_audit_key_match(Conn& c) {
  if (audit_key_matches(c) == false)
    throw std::runtime_error(
        "the master key does not match this store: its audit log was written with another one "
        "(check PAINEL_MASTER_KEY / PAINEL_MASTER_KEY_FILE; for SQLite without one, the "
        "master.key beside the store is used)");
}

std::vector<AuditRow> audit_rows_of_person(Conn& c, const std::string& user_id) {
  std::vector<AuditRow> out;
  c.each(std::string("SELECT ") + kListColumns + " " + kListFrom +
             " WHERE e.actor = ? OR e.target = ? ORDER BY e.seq",
         {user_id, user_id}, [&](const Row& r) { out.push_back(row_of(r)); });
  return out;
}

int64_t audit_erase_person_ips(Conn& c, const std::string& user_id) {
  return c.exec(
      "DELETE FROM audit_personal WHERE event_id IN (SELECT id FROM operational_events WHERE "
      "actor = ? OR target = ?)",
      {user_id, user_id});
}

int64_t audit_prune_ips(Conn& c, int64_t before_ms) {
  return c.exec("DELETE FROM audit_personal WHERE created_at_ms < ?", {before_ms});
}

namespace {

PagedQuery filtered(const AuditFilter& f) {
  PagedQuery q(kListFrom);
  if (f.actor) q.where("e.actor = ?", *f.actor);
  if (f.tenant_id) q.where("e.tenant_id = ?", *f.tenant_id);
  if (f.action) q.where("e.action = ?", *f.action);
  if (f.from) q.where("e.created_at >= ?", *f.from);
  if (f.to) q.where("e.created_at <= ?", *f.to);
  return q;
}

}  // namespace

std::vector<AuditRow> audit_list(Conn& c, const AuditFilter& f, int64_t& total) {
  PagedQuery q = filtered(f);
  auto page = fetch_page<AuditRow>(c, q, kListColumns, "e.seq DESC", {f.limit, f.offset}, row_of);
  total = page.total;
  return std::move(page.items);
}

std::optional<int64_t> audit_page_before(Conn& c, const AuditFilter& f,
                                         std::optional<int64_t> before_seq, int64_t limit,
                                         const std::function<void(const AuditRow&)>& fn) {
  PagedQuery q = filtered(f);
  if (before_seq) q.where("e.seq < ?", *before_seq);
  std::optional<int64_t> last;
  for (auto& r : q.rows(c, kListColumnsSeq, "e.seq DESC", {limit, 0})) {
    fn(row_of(r));
    last = r.i64(10);
  }
  return last;
}

AuditVerify audit_verify(Conn& c, int64_t min_checkpoint_count) {
  AuditVerify v;
  const std::string& key = c.audit_key();
  v.keyed_after_seq = keyed_after_seq(c);
  std::string prev = kGenesis;
  int64_t prev_seq = 0;
  auto fail = [&v](const std::string& id, const char* problem) {
    v.ok = false;
    v.first_bad_id = id;
    v.problem = problem;
  };
  c.each(std::string("SELECT ") + kColumns +
             ", prev_hash, hash, seq FROM operational_events ORDER BY seq",
         {}, [&](const Row& row) {
           if (!v.ok) return;
           AuditRow r = row_of(row);
           int64_t seq = row.i64(12);
           bool keyed = seq > v.keyed_after_seq;
           if (keyed && key.empty()) return fail(r.id, "no_key");
           std::string content = canonical(prev, r);
           std::string expect =
               keyed ? painel::hmac_sha256_hex(key, content) : painel::sha256_hex(content);
           if (row.str(10) != prev || !painel::constant_time_equal(row.str(11), expect))
             return fail(r.id, "chain");
           if (r.action == kAuditCheckpointAction) {
             // Only keyed rows can be checkpoints, and each must sign exactly what precedes it.
             auto k = parse_claim(r.metadata);
             bool good = keyed && k.count == v.checked && k.head_seq == prev_seq &&
                         k.head_hash == prev && k.boundary == v.keyed_after_seq &&
                         painel::constant_time_equal(k.signature,
                                                     checkpoint_signature(key, k.count, k.head_seq,
                                                                          k.head_hash, k.boundary));
             if (!good) return fail(r.id, "checkpoint");
             v.checkpoint = AuditCheckpoint{r.id, r.created_at, k.count};
             v.rows_after_checkpoint = -1;  // the checkpoint row itself is counted below
           }
           ++v.checked;
           ++v.rows_after_checkpoint;
           prev = row.str(11);
           prev_seq = seq;
           v.head_id = r.id;
           v.head_hash = prev;
         });
  if (!v.checkpoint) v.rows_after_checkpoint = v.checked;
  if (v.ok) {
    // The IPs kept beside the chain (migration 18): each must still be the one written
    // with its event.
    c.each(kPersonalRows, {}, [&](const Row& row) {
      if (!v.ok) return;
      if (key.empty()) return fail(row.str(0), "no_key");
      if (!painel::constant_time_equal(row.str(2), personal_mac(key, row.str(0), row.str(1))))
        fail(row.str(0), "personal");
    });
  }
  if (v.ok && min_checkpoint_count > (v.checkpoint ? v.checkpoint->count : 0)) {
    v.ok = false;
    v.truncated = true;
    v.problem = "truncated";
  }
  return v;
}

}  // namespace painel::store
