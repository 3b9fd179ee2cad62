#pragma once
// The tenant-selection rule, in one place. Every tenant-area query takes a TenantScope,
// and this is the only code that makes one:
//  - tenant users get their own tenant; ?tenant_id= naming another → 403;
//  - internal users must name one with ?tenant_id= (400 without; 404 if unknown), and
//    the read is audited (action "tenant.read").
#include "api/context.hpp"
#include "auth/principal.hpp"
#include "store/tenant_scope.hpp"

namespace painel::api {
store::TenantScope resolve_scope(http::RouteContext& ctx);
// For internal routes naming a tenant in the path ({id}): validates and checks existence.
store::TenantScope internal_scope_for(http::RouteContext& ctx, std::string_view tenant_id);
}  // namespace painel::api

