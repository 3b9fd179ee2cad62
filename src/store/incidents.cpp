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
    "status = 'open' ORDER BY created_at DESC, id DESC LIMIT 1";
constexpr const char* kInsertIncident =
    "INSERT INTO incidents(id, tenant_id, severity, title, description, status, source, "
    "created_at) VALUES (?,?,?,?,?,'open',?,?)";
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
  return open_incident(c, {n.tenant_id, n.severity, n.title, n.description, "health_check"},
                       now_ms);
}

std::string open_incident(Conn& c, const NewIncident& n, int64_t now_ms) {
  std::string id = new_uuid_v7(now_ms);
  c.exec(kInsertIncident, {id, opt(n.tenant_id), n.severity, n.title, n.description, n.source,
                           format_rfc3339(now_ms)});
  return id;
}

namespace {

constexpr const char* kColumns =
    "id, severity, title, description, status, created_at, resolved_at";
constexpr const char* kFrom = "FROM incidents";
constexpr const char* kOfTenant = "tenant_id = ?";
constexpr const char* kSeenByTenant = "(tenant_id = ? OR tenant_id IS NULL)";
constexpr const char* kWithStatus = "status = ?";
constexpr const char* kNewestFirst = "created_at DESC, id DESC";

Incident incident_of(const Row& r) {
  return {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.opt_str(6)};
}

}  // namespace

PageOf<Incident> list_incidents(Conn& c, const TenantScope& s,
                                const std::optional<std::string>& status, PageRequest page) {
  PagedQuery q(kFrom);
  q.where(kSeenByTenant, s.tenant_id());
  if (status) q.where(kWithStatus, *status);
  return fetch_page<Incident>(c, q, kColumns, kNewestFirst, page, incident_of);
}

std::vector<Incident> recent_incidents(Conn& c, const TenantScope& s, int64_t limit) {
  PagedQuery q(kFrom);
  q.where(kOfTenant, s.tenant_id());
  std::vector<Incident> out;
  for (auto& r : q.rows(c, kColumns, kNewestFirst, {limit, 0})) out.push_back(incident_of(r));
  return out;
}

namespace {

constexpr const char* kStaffColumns =
    "i.id, i.tenant_id, t.name, i.severity, i.title, i.description, i.status, i.source, "
    "i.created_at, i.resolved_at, i.resolved_by";
constexpr const char* kPlatformColumns =
    "i.id, i.tenant_id, t.name, i.severity, i.title, i.status, i.created_at, i.resolved_at";
constexpr const char* kStaffFrom = "FROM incidents i LEFT JOIN tenants t ON t.id = i.tenant_id";
// The count without the join (a LEFT JOIN to a primary key, which both engines drop when
// unused anyway; the filters are on i).
constexpr const char* kStaffCountFrom = "FROM incidents i";
constexpr const char* kStaffStatus = "i.status = ?";
constexpr const char* kStaffSeverity = "i.severity = ?";
constexpr const char* kStaffTenant = "i.tenant_id = ?";
constexpr const char* kStaffSource = "i.source = ?";
constexpr const char* kStaffId = "i.id = ?";
constexpr const char* kStaffNewestFirst = "i.created_at DESC, i.id DESC";
constexpr const char* kSave =
    "UPDATE incidents SET severity = ?, title = ?, description = ?, status = ?, "
    "resolved_at = ?, resolved_by = ? WHERE id = ?";

StaffIncident staff_incident_of(const Row& r) {
  return {r.str(0), r.opt_str(1), r.opt_str(2), r.str(3),     r.str(4),     r.str(5),
          r.str(6), r.str(7),     r.str(8),     r.opt_str(9), r.opt_str(10)};
}

}  // namespace

PageOf<StaffIncident> list_staff_incidents(Conn& c, const IncidentFilter& f, PageRequest page) {
  PagedQuery q(kStaffFrom, kStaffCountFrom);
  if (f.status) q.where(kStaffStatus, *f.status);
  if (f.severity) q.where(kStaffSeverity, *f.severity);
  if (f.tenant_id) q.where(kStaffTenant, *f.tenant_id);
  if (f.source) q.where(kStaffSource, *f.source);
  return fetch_page<StaffIncident>(c, q, kStaffColumns, kStaffNewestFirst, page, staff_incident_of);
}

std::optional<StaffIncident> get_incident(Conn& c, const std::string& id) {
  PagedQuery q(kStaffFrom);
  q.where(kStaffId, id);
  auto rows = q.rows(c, kStaffColumns, kStaffNewestFirst, {1, 0});
  if (rows.empty()) return std::nullopt;
  return staff_incident_of(rows[0]);
}

void save_incident(Conn& c, const StaffIncident& i) {
  c.exec(kSave, {i.severity, i.title, i.description, i.status, opt(i.resolved_at),
                 opt(i.resolved_by), i.id});
}

std::vector<PlatformIncident> recent_platform_incidents(Conn& c, int64_t limit) {
  std::vector<PlatformIncident> out;
  for (auto& r : PagedQuery(kStaffFrom).rows(c, kPlatformColumns, kStaffNewestFirst, {limit, 0}))
    out.push_back({r.str(0), r.opt_str(1), r.opt_str(2), r.str(3), r.str(4), r.str(5), r.str(6),
                   r.opt_str(7)});
  return out;
}

}  // namespace painel::store
