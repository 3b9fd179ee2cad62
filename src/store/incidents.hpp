#pragma once
// Incidents: a tenant's (paged with the global ones, or its latest) and the platform's
// latest; the staff's list, read, open and change (routes_incidents.cpp); and as
// operational commands write them: the health check opens one per degraded tenant,
// RESOLVE_INCIDENT closes one. (incident_status, the lookup a command makes before it
// acts, is in store/commands.hpp with the other references a command names.)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

// open → resolved at now_ms by `resolved_by`; a no-op for an incident not open.
void resolve_incident(Conn& c, const std::string& incident_id, const std::string& resolved_by,
                      int64_t now_ms);

// The tenant's newest open incident raised by the health check, if any.
std::optional<std::string> find_open_health_incident(Conn& c, const std::string& tenant_id);

struct NewHealthIncident {
  std::string tenant_id, severity, title, description;
};
// Opens a health-check incident; returns its id.
std::string open_health_incident(Conn& c, const NewHealthIncident& n, int64_t now_ms);

struct Incident {
  std::string id, severity, title, description, status, created_at;
  std::optional<std::string> resolved_at;
};

// The incidents the tenant sees, its own and the global ones (tenant_id NULL), never
// another tenant's: newest first, ties by id, optionally only those with `status`.
PageOf<Incident> list_incidents(Conn& c, const TenantScope& s,
                                const std::optional<std::string>& status, PageRequest page);
// The tenant's own `limit` newest incidents (the staff's tenant detail).
std::vector<Incident> recent_incidents(Conn& c, const TenantScope& s, int64_t limit);

// An incident of any tenant, or of none (platform-wide), with the tenant's name.
struct PlatformIncident {
  std::string id;
  std::optional<std::string> tenant_id, tenant_name;
  std::string severity, title, status, created_at;
  std::optional<std::string> resolved_at;
};
// The `limit` newest incidents across tenants (staff overview).
std::vector<PlatformIncident> recent_platform_incidents(Conn& c, int64_t limit);

// The staff's view of one incident: every column, with the tenant's name.
struct StaffIncident {
  std::string id;
  std::optional<std::string> tenant_id, tenant_name;
  std::string severity, title, description, status, source, created_at;
  std::optional<std::string> resolved_at, resolved_by;
};
struct IncidentFilter {
  std::optional<std::string> status, severity, tenant_id, source;  // tenant_id: a UUID
};
// Every tenant's incidents and the global ones, newest first, ties by id.
PageOf<StaffIncident> list_staff_incidents(Conn& c, const IncidentFilter& f, PageRequest page);
std::optional<StaffIncident> get_incident(Conn& c, const std::string& id);  // id: a UUID

struct NewIncident {
  std::optional<std::string> tenant_id;  // nullopt: global (an existing tenant otherwise)
  std::string severity, title, description, source;
};
// Opens an incident; returns its id.
std::string open_incident(Conn& c, const NewIncident& n, int64_t now_ms);

// Writes the changeable columns of an existing incident as given.
void save_incident(Conn& c, const StaffIncident& i);

}  // namespace painel::store
