#pragma once
// Incidents: a tenant's (paged, or its latest) and the platform's latest.
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct Incident {
  std::string id, severity, title, description, status, created_at;
  std::optional<std::string> resolved_at;
};

// The tenant's incidents, newest first, optionally only those with `status`.
PageOf<Incident> list_incidents(Conn& c, const TenantScope& s,
                                const std::optional<std::string>& status, PageRequest page);
// The tenant's `limit` newest incidents.
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

}  // namespace painel::store
