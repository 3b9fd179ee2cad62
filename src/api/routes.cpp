#include "api/routes.hpp"

#include "api/app.hpp"

namespace painel::api {

// The whole route table. Each group registers its own entries in its own file.
void add_all_routes(App& app) {
  add_system_routes(app);
  add_tenant_routes(app);
  add_internal_routes(app);
  add_billing_routes(app);
  add_audit_routes(app);
  add_ingest_routes(app);
}

}  // namespace painel::api
