#include "api/scope.hpp"

#include "api/app.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"  // tenant_exists
#include "store/store.hpp"

namespace painel::store {
TenantScope make_tenant_scope(std::string id, bool internal_reader) {
  return TenantScope(std::move(id), internal_reader);
}
}  // namespace painel::store

namespace painel::api {

store::TenantScope internal_scope_for(const ReadDeps& d, http::RouteContext& ctx,
                                      std::string_view raw_id) {
  std::string id = require_uuid(raw_id, "tenant_id");
  if (!store::tenant_exists(d.store.conn(), id)) throw not_found("tenant not found");
  auto& p = ctx.who();
  // An audit row only: the chain's own lock serializes it (off the global write lock).
  d.store.write(store::WriteLock::RowLevel, [&](store::Conn& w) {
    store::audit_append(w,
                        {p.user_id, auth::group_name(p.role), "tenant.read", id, ctx.route,
                         ctx.req.request_id, ctx.req.remote_ip, "{}"},
                        d.clock.now_ms());
  });
  return store::make_tenant_scope(id, true);
}

store::TenantScope internal_write_scope(store::Conn& c, std::string_view raw_id) {
  std::string id = require_uuid(raw_id, "tenant id");
  if (!store::tenant_exists(c, id)) throw not_found("tenant not found");
  return store::make_tenant_scope(id, true);
}

std::optional<std::string> own_tenant_of(const http::Request& req, const auth::Principal& p) {
  if (p.internal() || !p.tenant_id) return std::nullopt;
  auto q = req.query_param("tenant_id");
  if (q && *q != *p.tenant_id) return std::nullopt;
  return *p.tenant_id;
}

store::TenantScope resolve_scope(const ReadDeps& d, http::RouteContext& ctx) {
  auto& p = ctx.who();
  if (!p.internal()) {
    // Same answer whether or not that tenant exists: nothing leaks.
    auto own = own_tenant_of(ctx.req, p);
    if (!own) throw forbidden("tenant_id names another tenant");
    return store::make_tenant_scope(std::move(*own), false);
  }
  auto q = ctx.req.query_param("tenant_id");
  if (!q) throw bad_request("tenant_id is required for internal users");
  return internal_scope_for(d, ctx, *q);
}

}  // namespace painel::api
