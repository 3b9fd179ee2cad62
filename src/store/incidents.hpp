#pragma once
// Incidents as operational commands write them: the health check opens one per degraded
// tenant, RESOLVE_INCIDENT closes one. (incident_status, the lookup a command makes before
// it acts, is in store/commands.hpp with the other references a command names.)
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.hpp"

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

}  // namespace painel::store
