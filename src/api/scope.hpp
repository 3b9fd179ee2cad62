#pragma once
// The tenant-selection rule, in one place. Every tenant-area query takes a TenantScope,
// and this is the only code that makes one:
//  - tenant users get their own tenant; ?tenant_id= naming another → 403;
//  - internal users must name one with ?tenant_id= (400 without; 404 if unknown), and
//    the read is audited (action "tenant.read").
#include <optional>
#include <string>

#include "api/context.hpp"
#include "api/route_deps.hpp"
#include "auth/principal.hpp"
#include "store/db.hpp"
#include "store/tenant_scope.hpp"

namespace painel::api {
store::TenantScope resolve_scope(const ReadDeps& d, http::RouteContext& ctx);
// For internal routes naming a tenant in the path ({id}): validates and checks existence.
store::TenantScope internal_scope_for(const ReadDeps& d, http::RouteContext& ctx,
                                     std::string_view tenant_id);
// For staff writes naming a tenant in the path: validates the id (400) and that the tenant
// exists (404) on the write's connection. Not audited as a read: the write is.
store::TenantScope internal_write_scope(store::Conn& c, std::string_view tenant_id);
// The tenant a tenant user's read belongs to, decided without the store (the network
// thread's cache lookup): their own tenant, or nullopt when resolve_scope() would refuse
// (?tenant_id= naming another tenant) or needs the store (staff: their tenant is
// validated and the read audited on every request, hit or miss).
std::optional<std::string> own_tenant_of(const http::Request& req, const auth::Principal& p);
}  // namespace painel::api
