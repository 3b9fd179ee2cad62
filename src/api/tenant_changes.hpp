#pragma once
// The audit "changes" of a tenant write, one way for the API (routes_admin_tenants.cpp) and
// the command line (cli/tenants.cpp): every field from null on creation; the edited fields
// (name, segment, plan, limits.*) on an update.
#include "api/write_support.hpp"
#include "store/tenants.hpp"

namespace painel::api {
Changes tenant_create_changes(const store::NewTenant& t);
Changes tenant_update_changes(const store::TenantSettings& before, const store::TenantSettings& after);
}  // namespace painel::api
