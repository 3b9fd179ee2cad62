#pragma once
// Incidents' vocabulary (API.md: severity info|warning|error|critical, status
// open|resolved, source manual|health_check|alert — the stored words since migration 13)
// and the rule of a status change: resolving stamps resolved_at/resolved_by, reopening
// clears them.
#include <string_view>

namespace painel::domain {

bool is_incident_severity(std::string_view s);
bool is_incident_status(std::string_view s);
bool is_incident_source(std::string_view s);
// "info, warning, error, critical" — for error messages and help texts.
const char* incident_severity_list();

enum class IncidentStatusMove {
  None,     // same status: nothing to stamp (resolving a resolved incident keeps its stamps)
  Resolve,  // open → resolved: resolved_at = now, resolved_by = the actor
  Reopen,   // resolved → open: resolved_at and resolved_by cleared
};
// `from` and `to` are valid statuses.
IncidentStatusMove incident_status_move(std::string_view from, std::string_view to);

}  // namespace painel::domain
