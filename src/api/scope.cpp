#include "api/scope.hpp"

#include "api/app.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"  // tenant_exists

namespace painel::store {
TenantScope make_tenant_scope(std::string id, bool internal_reader) {
  return TenantScope(std::move(id), internal_reader);
}
}  // namespace painel::store

namespace painel::api {

store::TenantScope internal_scope_for(http::RouteContext& ctx, std::string_view raw_id) {
  std::string id = require_uuid(raw_id, "tenant_id");
  if (!store::tenant_exists(ctx.app.store.conn(), id)) throw not_found("tenant not found");
  auto& p = ctx.who();
  ctx.app.store.write([&](store::Conn& w) {
    store::audit_append(w,
                        {p.user_id, auth::group_name(p.role), "tenant.read", id, ctx.route,
                         ctx.req.request_id, ctx.req.remote_ip, "{}"},
                        ctx.app.clock.now_ms());
  });
  return store::make_tenant_scope(id, true);
}

store::TenantScope resolve_scope(http::RouteContext& ctx) {
  auto& p = ctx.who();
  auto q = ctx.req.query_param("tenant_id");
  if (!p.internal()) {
    if (q && *q != *p.tenant_id) {
      // Same answer whether or not that tenant exists: nothing leaks.
      throw forbidden("tenant_id names another tenant");
    }
    return store::make_tenant_scope(*p.tenant_id, false);
  }
  if (!q) throw bad_request("tenant_id is required for internal users");
  return internal_scope_for(ctx, *q);
}

}  // namespace painel::api
