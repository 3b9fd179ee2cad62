#pragma once
// The incident writes, shared by /internal/incidents (routes_incidents.cpp) and
// `painel incidents` (cli/incidents.cpp): each runs inside the caller's write transaction
// and appends its audit row (before → after of the changed fields). The caller drops the
// cached answers afterwards (drop_cached_incidents).
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.hpp"
#include "store/incidents.hpp"

namespace painel::cache {
class ResponseCache;
}

namespace painel::api {

struct IncidentActor {
  std::string user_id, role;  // a user id and group name, or "cli" / "system"
  std::optional<std::string> request_id, ip;
};

// Opens a manual incident; ApiError 404 for an unknown tenant.
store::StaffIncident open_incident_audited(store::Conn& c, const store::NewIncident& n,
                                           const IncidentActor& who, int64_t now_ms);

struct IncidentEdit {
  std::optional<std::string> title, description, severity, status;
};
struct IncidentEdited {
  store::StaffIncident incident;
  bool changed = false;  // false: nothing differed, nothing written or audited
};
// Applies `e` to `before` (resolving stamps resolved_at/resolved_by = the actor, reopening
// clears them) and saves it if anything changed.
IncidentEdited edit_incident_audited(store::Conn& c, const store::StaffIncident& before,
                                     const IncidentEdit& e, const IncidentActor& who,
                                     int64_t now_ms);

// Tenants see their own incidents and the global ones (GET /tenant/incidents): a tenant's
// incident drops that tenant's cached answers, a global one every tenant's.
void drop_cached_incidents(cache::ResponseCache& cache,
                           const std::optional<std::string>& tenant_id);

}  // namespace painel::api
