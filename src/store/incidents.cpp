#include "store/incidents.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {
namespace {
constexpr const char* kResolve =
    "UPDATE incidents SET status = 'resolved', resolved_at = ?, resolved_by = ? "
    "WHERE id = ? AND status = 'open'";
constexpr const char* kOpenHealthIncident =
    "SELECT id FROM incidents WHERE tenant_id = ? AND source = 'health_check' AND "
    "status = 'open' ORDER BY created_at DESC, id LIMIT 1";
constexpr const char* kInsertHealthIncident =
    "INSERT INTO incidents(id, tenant_id, severity, title, description, status, source, "
    "created_at) VALUES (?,?,?,?,?,'open','health_check',?)";
}  // namespace

void resolve_incident(Conn& c, const std::string& incident_id, const std::string& resolved_by,
                      int64_t now_ms) {
  c.exec(kResolve, {format_rfc3339(now_ms), resolved_by, incident_id});
}

std::optional<std::string> find_open_health_incident(Conn& c, const std::string& tenant_id) {
  auto r = c.query(kOpenHealthIncident, {tenant_id});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

std::string open_health_incident(Conn& c, const NewHealthIncident& n, int64_t now_ms) {
  std::string id = new_uuid();
  c.exec(kInsertHealthIncident,
         {id, n.tenant_id, n.severity, n.title, n.description, format_rfc3339(now_ms)});
  return id;
}

}  // namespace painel::store
