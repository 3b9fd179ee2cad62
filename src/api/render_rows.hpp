#pragma once
// Row renderers shared by the tenant and internal areas, so one object has one shape
// wherever it appears. Each expects the columns of the SQL constant beside it.
#include "core/json.hpp"
#include "store/db.hpp"

namespace painel::api {

inline constexpr const char* kIntegrationsOfTenant =
    "SELECT id, type, name, status, last_sync_at, last_error FROM tenant_integrations "
    "WHERE tenant_id = ? ORDER BY type, name, id";

inline void render_integration(JsonOut& j, const store::Row& r, bool show_errors) {
  j.begin_object()
      .kv("id", r.str(0))
      .kv("type", r.str(1))
      .kv("name", r.str(2))
      .kv("status", r.str(3))
      .kv("last_sync_at", r.opt_str(4));
  if (show_errors) j.kv("last_error", r.opt_str(5));
  j.end_object();
}

// Columns: id, severity, title, description, status, created_at, resolved_at.
inline constexpr const char* kIncidentColumns =
    "id, severity, title, description, status, created_at, resolved_at";

inline void render_incident(JsonOut& j, const store::Row& r) {
  j.begin_object()
      .kv("id", r.str(0))
      .kv("severity", r.str(1))
      .kv("title", r.str(2))
      .kv("description", r.str(3))
      .kv("status", r.str(4))
      .kv("created_at", r.str(5))
      .kv("resolved_at", r.opt_str(6))
      .end_object();
}

}  // namespace painel::api
