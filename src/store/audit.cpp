#include "store/audit.hpp"

#include "auth/crypto.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

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
constexpr const char* kColumns =
    "id, created_at, actor, role, action, tenant_id, target, request_id, ip, metadata";

AuditRow row_of(const Row& r) {
  return AuditRow{r.str(0),     r.str(1),     r.str(2),     r.str(3),     r.str(4),
                  r.opt_str(5), r.opt_str(6), r.opt_str(7), r.opt_str(8), r.str(9)};
}

}  // namespace

std::string audit_append(Conn& c, const AuditEvent& e, int64_t now_ms) {
  auto last = c.query("SELECT hash FROM operational_events ORDER BY seq DESC LIMIT 1");
  std::string prev = last.empty() ? kGenesis : last[0].str(0);
  AuditRow r{new_uuid(), format_rfc3339(now_ms), e.actor, e.role,    e.action, e.tenant_id,
             e.target,   e.request_id,           e.ip,    e.metadata};
  std::string hash = auth::sha256_hex(canonical(prev, r));
  c.exec(
      "INSERT INTO operational_events(id, created_at, actor, role, action, tenant_id, target, "
      "request_id, ip, metadata, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {r.id, r.created_at, r.actor, r.role, r.action, opt(r.tenant_id), opt(r.target),
       opt(r.request_id), opt(r.ip), r.metadata, prev, hash});
  return r.id;
}

std::vector<AuditRow> audit_list(Conn& c, const AuditFilter& f, int64_t& total) {
  std::string where = " WHERE 1=1";
  Params p;
  if (f.actor) {
    where += " AND actor = ?";
    p.emplace_back(*f.actor);
  }
  if (f.tenant_id) {
    where += " AND tenant_id = ?";
    p.emplace_back(*f.tenant_id);
  }
  if (f.action) {
    where += " AND action = ?";
    p.emplace_back(*f.action);
  }
  if (f.from) {
    where += " AND created_at >= ?";
    p.emplace_back(*f.from);
  }
  if (f.to) {
    where += " AND created_at <= ?";
    p.emplace_back(*f.to);
  }
  total = c.query("SELECT count(*) FROM operational_events" + where, p)[0].i64(0);
  p.emplace_back(f.limit);
  p.emplace_back(f.offset);
  std::vector<AuditRow> out;
  for (auto& r : c.query(std::string("SELECT ") + kColumns + " FROM operational_events" + where +
                             " ORDER BY seq DESC LIMIT ? OFFSET ?",
                         p))
    out.push_back(row_of(r));
  return out;
}

AuditVerify audit_verify(Conn& c) {
  AuditVerify v;
  std::string prev = kGenesis;
  c.each(
      std::string("SELECT ") + kColumns + ", prev_hash, hash FROM operational_events ORDER BY seq",
      {}, [&](const Row& row) {
        if (!v.ok) return;
        ++v.checked;
        AuditRow r = row_of(row);
        std::string expect = auth::sha256_hex(canonical(prev, r));
        if (row.str(10) != prev || row.str(11) != expect) {
          v.ok = false;
          v.first_bad_id = r.id;
        }
        prev = row.str(11);
      });
  return v;
}

}  // namespace painel::store
