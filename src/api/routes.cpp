#include "api/routes.hpp"

namespace painel::api {

// The one place every route group is registered, in the order of the table (which is the
// order `painel routes` and docs/permissions.md list them).
http::Router build_routes(const RouteServices& s) {
  http::Router r;
  add_system_routes(r, {s.store, s.metrics, s.config});
  const ReadDeps reads{s.store, s.clock, s.reads, TimeZone::find_or_default(s.config.time_zone)};
  add_tenant_routes(r, reads);
  add_internal_routes(r, reads);
  add_billing_routes(r, reads);
  add_audit_routes(r, {s.store});
  add_ingest_routes(r, {s.store, s.metrics, s.clock, s.config});
  add_auth_routes(r, {s.tokens, s.limiter, s.metrics, s.clock, s.config, s.store});
  add_command_routes(r, {s.store, s.cache, s.metrics, s.clock, s.config, s.command_signal});
  add_admin_tenant_routes(r, {s.store, s.cache, s.clock});
  add_catalog_routes(r, {s.store, s.cache, s.clock, s.reads});
  add_incident_routes(r, {s.store, s.cache, s.clock});
  add_integration_routes(r, {s.store, s.clock, s.reads, s.cache, s.metrics, s.credentials_key});
  add_support_routes(r, reads);
  add_user_routes(r, {s.store, s.cache, s.clock, s.config, s.tokens, s.mailer});
  add_user_session_routes(r, {s.store, s.tokens, s.clock});
  add_privacy_routes(r, {s.store, s.cache, s.clock});
  add_monitoring_routes(r, reads);
  add_alert_routes(r, {s.store, s.clock, s.config, s.alert_rules});
  return r;
}

}  // namespace painel::api
