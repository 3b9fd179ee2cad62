// Integrations, the write side: a tenant admin (or INTERNAL_ADMIN naming the tenant)
// creates, edits and deletes the tenant's integrations (POST/PATCH/DELETE
// /tenant/integrations); staff list every tenant's, most recent error first (GET
// /internal/integrations); the platform reports sync state with an ingest key (POST
// /ingest/integrations). Credentials are sealed here, before the store sees them, under
// the credentials subkey of the master key, and are never rendered, logged or audited:
// answers say only "has_credentials", audit rows only "credentials":"changed".
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "domain/integrations.hpp"
#include "obs/metrics.hpp"
#include "store/audit.hpp"
#include "store/integrations.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

using store::Conn;
using store::Integration;

std::string render_written(const Integration& i) {
  JsonOut j;
  render_integration(j, i, true, true);
  return j.take();
}

// The answer of a write: the integration, its ETag (what If-Match compares against).
http::Response written_response(const Integration& i, int status) {
  std::string body = render_written(i);
  std::string etag = etag_of(body);
  http::Response r = json_response(std::move(body), status);
  r.set_header("ETag", etag);
  r.set_header("Cache-Control", "no-store");
  return r;
}

// "credentials": absent → nothing to do; null → clear; an object → sealed. The value never
// appears in an error message (BodyFields names the field only).
struct CredentialsChange {
  bool given = false;
  std::optional<store::SealedCredentials> sealed;
};

CredentialsChange credentials_of(const IntegrationDeps& d, const BodyFields& b) {
  CredentialsChange out;
  if (!b.has("credentials")) return out;
  out.given = true;
  auto json = b.opt_object_json("credentials", domain::kIntegrationCredentialsMaxBytes);
  if (!json) return out;  // null: clear
  if (*json == "{}")
    throw invalid_field("credentials", "empty", "credentials must not be empty (null clears them)");
  out.sealed = store::SealedCredentials{seal(d.credentials_key, *json), kCredentialsKeyId};
  return out;
}

// config: absent → keep; null → none; an object → stored as given.
std::optional<std::string> config_of(const BodyFields& b, const std::optional<std::string>& keep) {
  if (!b.has("config")) return keep;
  return b.opt_object_json("config", domain::kIntegrationConfigMaxBytes);
}

void audit(Conn& c, http::RouteContext& ctx, const std::string& action,
           const std::string& tenant_id, const std::string& id, const Changes& ch,
           bool credentials_changed, int64_t now) {
  auto& who = ctx.who();
  std::string meta =
      credentials_changed ? ch.metadata({{"credentials", "\"changed\""}}) : ch.metadata();
  store::audit_append(c,
                      {who.user_id, auth::group_name(who.role), action, tenant_id, id,
                       ctx.req.request_id, ctx.req.remote_ip, std::move(meta)},
                      now);
}

void refuse_taken_name(Conn& c, const store::TenantScope& s, const std::string& name,
                       const std::string& except_id = {}) {
  if (store::integration_name_taken(c, s, name, except_id))
    throw conflict("this tenant already has an integration named '" + name + "'");
}

http::Response create_integration(const IntegrationDeps& d, http::RouteContext& ctx) {
  auto s = resolve_scope(d.read(), ctx);
  BodyFields b(ctx.json_body(), {"type", "name", "config", "credentials"});
  std::string type = b.req_text("type", 32);
  if (!domain::is_integration_type(type))
    throw invalid_field("type", "not-allowed",
                        "type must be one of: " + domain::integration_type_list());
  store::IntegrationFields f{type, b.req_text("name", domain::kIntegrationNameMax), "active",
                             config_of(b, std::nullopt)};
  auto creds = credentials_of(d, b);
  // Off the global write lock: the tenant's row is locked before the name is checked (names
  // are unique per tenant by a check, not a constraint: two creations are serialized).
  auto created = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_tenant_row(c, s.tenant_id());
    refuse_taken_name(c, s, f.name);
    int64_t now = d.clock.now_ms();
    std::string id = store::insert_integration(c, s, f, creds.sealed, now);
    Changes ch;
    ch.text("type", std::nullopt, f.type);
    ch.text("name", std::nullopt, f.name);
    ch.text("status", std::nullopt, f.status);
    ch.text("config", std::nullopt, f.config);
    audit(c, ctx, "integration.create", s.tenant_id(), id, ch, creds.sealed.has_value(), now);
    return *store::find_integration(c, s, id);
  });
  d.cache.invalidate_tenant(s.tenant_id());
  d.metrics.inc("painel_integration_writes_total", "action=\"create\"");
  http::Response r = written_response(created, 201);
  r.set_header("Location", "/tenant/integrations/" + created.id);
  return r;
}

// The integration as it is now, inside the write's transaction: 404 when unknown or
// another tenant's; 412 when If-Match names another version.
Integration current(Conn& c, http::RouteContext& ctx, const store::TenantScope& s,
                    const std::string& id) {
  auto before = store::find_integration(c, s, id);
  if (!before) throw not_found("integration not found");
  require_if_match(ctx.req, etag_of(render_written(*before)));
  return *before;
}

http::Response update_integration(const IntegrationDeps& d, http::RouteContext& ctx) {
  std::string id = require_uuid(ctx.req.param("id"), "integration id");
  auto s = resolve_scope(d.read(), ctx);
  BodyFields b(ctx.json_body(), {"name", "config", "credentials", "status"});
  auto name = b.opt_text("name", domain::kIntegrationNameMax);
  if (b.is_null("name")) throw invalid_field("name", "not-null", "name must not be null");
  auto status = b.opt_enum("status", {"active", "inactive"});
  if (b.is_null("status"))
    throw invalid_field("status", "not-null", "status must be one of: active, inactive");
  auto creds = credentials_of(d, b);
  if (!name && !status && !b.has("config") && !creds.given)
    throw bad_request("nothing to change: give name, status, config or credentials");
  // Off the global write lock: the tenant's row (a rename's name check), then the
  // integration's row, are locked before it is read (If-Match).
  auto after = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_tenant_row(c, s.tenant_id());
    store::lock_row(c, store::LockedTable::Integration, id);
    auto before = current(c, ctx, s, id);
    store::IntegrationFields f{before.type, name.value_or(before.name),
                               status.value_or(before.status), config_of(b, before.config)};
    if (f.name != before.name) refuse_taken_name(c, s, f.name, id);
    int64_t now = d.clock.now_ms();
    Changes ch;
    ch.text("name", before.name, f.name);
    ch.text("status", before.status, f.status);
    ch.text("config", before.config, f.config);
    if (ch.empty() && !creds.given) return before;  // nothing changed: nothing written
    store::update_integration(c, s, id, f, now);
    if (creds.given) store::set_integration_credentials(c, s, id, creds.sealed, now);
    audit(c, ctx, "integration.update", s.tenant_id(), id, ch, creds.given, now);
    return *store::find_integration(c, s, id);
  });
  d.cache.invalidate_tenant(s.tenant_id());
  d.metrics.inc("painel_integration_writes_total", "action=\"update\"");
  return written_response(after, 200);
}

http::Response delete_integration(const IntegrationDeps& d, http::RouteContext& ctx) {
  std::string id = require_uuid(ctx.req.param("id"), "integration id");
  auto s = resolve_scope(d.read(), ctx);
  // Off the global write lock: the integration's row is locked before it is read.
  d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_row(c, store::LockedTable::Integration, id);
    auto before = current(c, ctx, s, id);
    store::delete_integration(c, s, id);
    Changes ch;
    ch.text("type", before.type, std::nullopt);
    ch.text("name", before.name, std::nullopt);
    ch.text("status", before.status, std::nullopt);
    audit(c, ctx, "integration.delete", s.tenant_id(), id, ch, before.has_credentials,
          d.clock.now_ms());
  });
  d.cache.invalidate_tenant(s.tenant_id());
  d.metrics.inc("painel_integration_writes_total", "action=\"delete\"");
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::string render_staff_list(Conn& c, const store::IntegrationFilter& f, const Page& pg) {
  auto page = store::list_integrations(c, f, {pg.limit, pg.offset});
  JsonOut j;
  j.begin_object().key("integrations").begin_array();
  for (auto& i : page.items)
    j.begin_object()
        .kv("id", i.id)
        .kv("tenant_id", i.tenant_id)
        .kv("tenant_name", i.tenant_name)
        .kv("type", i.type)
        .kv("name", i.name)
        .kv("status", i.status)
        .kv("last_sync_at", i.last_sync_at)
        .kv("last_error", i.last_error)
        .kv("last_error_at", i.last_error_at)
        .end_object();
  page_fields(j.end_array(), page.total, pg).end_object();
  return j.take();
}

http::Response list_integrations(const IntegrationDeps& d, http::RouteContext& ctx) {
  store::IntegrationFilter f;
  auto status = parse_enum(ctx.req, "status", {"error", "active", "inactive", "all"}, "all");
  if (status != "all") f.status = status;
  if (auto t = ctx.req.query_param("type")) {
    if (!domain::is_integration_type(*t))
      throw invalid_field("type", "not-allowed",
                          "type must be one of: " + domain::integration_type_list());
    f.type = std::string(*t);
  }
  f.tenant_id = parse_opt_uuid(ctx.req, "tenant_id");
  auto pg = parse_page(ctx.req);
  return d.reads.json(ctx, "*", [&] { return render_staff_list(d.store.conn(), f, pg); });
}

// POST /ingest/integrations: 404 for an integration that is unknown or (for a key scoped
// to a tenant) another tenant's; 409 while it is inactive (nothing should be syncing);
// a report older than the last one applied is acknowledged and changes nothing.
http::Response report_sync(const IntegrationDeps& d, http::RouteContext& ctx) {
  if (!ctx.ingest_key) throw unauthorized("a valid ingest API key is required");
  const auth::IngestKey& key = *ctx.ingest_key;
  BodyFields b(ctx.json_body(), {"integration_id", "status", "synced_at", "error"});
  std::string id = require_uuid(b.req_text("integration_id", 64), "integration_id");
  std::string status = b.req_enum("status", {"active", "error"});
  auto synced_ms = parse_rfc3339(b.req_text("synced_at", 64));
  if (!synced_ms)
    throw invalid_field("synced_at", "invalid-format", "synced_at must be an RFC 3339 instant");
  auto error = b.opt_text("error", domain::kSyncErrorMax);
  int64_t now = d.clock.now_ms();
  if (auto why = domain::sync_report_problem(status, *synced_ms, error.has_value(), now))
    throw unprocessable(*why);
  struct Outcome {
    std::string tenant_id;
    bool applied;
  };
  // Off the global write lock: the integration's row is locked before its last report is
  // read (two reports at once: the second sees the first's).
  auto out = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_row(c, store::LockedTable::Integration, id);
    auto t = store::sync_target(c, id);
    if (!t || (key.tenant_id && *key.tenant_id != t->tenant_id))
      throw not_found("integration not found");
    if (t->status == "inactive")
      throw conflict("the integration is inactive: reports are refused until it is activated");
    std::optional<int64_t> last_ms;
    if (t->last_sync_at) last_ms = parse_rfc3339(*t->last_sync_at);
    auto next = domain::sync_outcome(status, *synced_ms, error, last_ms);
    if (!next) return Outcome{t->tenant_id, false};
    std::optional<std::string> error_at;
    if (next->last_error_ms) error_at = format_rfc3339(*next->last_error_ms);
    store::record_integration_sync(c, id, next->status, format_rfc3339(next->last_sync_ms),
                                   next->last_error, error_at, now);
    Changes ch;  // sync times alone are not audited: only a change of state
    ch.text("status", t->status, next->status);
    ch.text("last_error", t->last_error, next->last_error);
    if (!ch.empty())
      store::audit_append(c,
                          {key.id, "ingest_key", "integration.sync", t->tenant_id, id,
                           ctx.req.request_id, ctx.req.remote_ip, ch.metadata()},
                          now);
    return Outcome{t->tenant_id, true};
  });
  if (out.applied) d.cache.invalidate_tenant(out.tenant_id);
  d.metrics.inc("painel_integration_sync_reports_total",
                out.applied ? "result=\"applied\"" : "result=\"stale\"");
  JsonOut j;
  j.begin_object()
      .kv("integration_id", id)
      .kv("status", status)
      .kv("applied", out.applied)
      .end_object();
  return json_response(j.take(), 202);
}

}  // namespace

void add_integration_routes(http::Router& router, const IntegrationDeps& d) {
  using http::Access;
  constexpr unsigned kWriters = auth::kInternalAdmin | auth::kTenantAdmin;
  constexpr size_t kBody = 64 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  constexpr http::RouteFlags kCrossTenant{.cache = http::CacheScope::CrossTenant,
                                          .may_inline = true};
  router.add({"POST", "/tenant/integrations", Access::User, kWriters, kBody, kJson,
              [d](http::RouteContext& ctx) { return create_integration(d, ctx); }});
  router.add({"PATCH", "/tenant/integrations/{id}", Access::User, kWriters, kBody, kJson,
              [d](http::RouteContext& ctx) { return update_integration(d, ctx); }});
  router.add({"DELETE",
              "/tenant/integrations/{id}",
              Access::User,
              kWriters,
              16 * 1024,
              {},
              [d](http::RouteContext& ctx) { return delete_integration(d, ctx); }});
  router.add({"GET", "/internal/integrations", Access::User, auth::kInternal, 16 * 1024,
              kCrossTenant, [d](http::RouteContext& ctx) { return list_integrations(d, ctx); }});
  router.add({"POST", "/ingest/integrations", Access::IngestKey, 0, 16 * 1024, kJson,
              [d](http::RouteContext& ctx) { return report_sync(d, ctx); }});
}

}  // namespace painel::api
