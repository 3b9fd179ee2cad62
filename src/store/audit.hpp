#pragma once
// The audit log (operational_events): append-only, hash-chained. append() must run inside
// the caller's write transaction so the event commits (or not) with the change it records.
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

struct AuditVerify {
  bool ok = true;
  int64_t checked = 0;
  std::optional<std::string> first_bad_id;
};

std::string audit_append(Conn& c, const AuditEvent& e, int64_t now_ms);
std::vector<AuditRow> audit_list(Conn& c, const AuditFilter& f, int64_t& total);
AuditVerify audit_verify(Conn& c);

}  // namespace painel::store
