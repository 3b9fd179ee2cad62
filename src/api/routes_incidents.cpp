// /internal/incidents — the staff's incidents: list (filters, page), read (ETag), open
// (a tenant's, or a global one every tenant sees) and change (title, description,
// severity, status: resolving stamps resolved_at/resolved_by, reopening clears them).
// Every write is audited with before → after and drops the cached answers that show the
// incident: its tenant's, or every tenant's for a global incident.
#include "api/app.hpp"
#include "api/csv_export.hpp"
#include "api/incident_writes.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "domain/incidents.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"
#include "store/incidents.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxDescription = 4000;

void audit(store::Conn& c, const IncidentActor& who, const char* action,
           const store::StaffIncident& i, const Changes& ch, int64_t now) {
  store::audit_append(
      c, {who.user_id, who.role, action, i.tenant_id, i.id, who.request_id, who.ip, ch.metadata()},
      now);
}

}  // namespace

store::StaffIncident open_incident_audited(store::Conn& c, const store::NewIncident& n,
                                           const IncidentActor& who, int64_t now_ms) {
  if (n.tenant_id && !store::tenant_exists(c, *n.tenant_id)) throw not_found("tenant not found");
  auto i = *store::get_incident(c, store::open_incident(c, n, now_ms));
  Changes ch;
  ch.text("severity", std::nullopt, i.severity);
  ch.text("title", std::nullopt, i.title);
  ch.text("description", std::nullopt, i.description);
  ch.text("status", std::nullopt, i.status);
  audit(c, who, "incident.create", i, ch, now_ms);
  return i;
}

IncidentEdited edit_incident_audited(store::Conn& c, const store::StaffIncident& before,
                                     const IncidentEdit& e, const IncidentActor& who,
                                     int64_t now_ms) {
  auto after = before;
  if (e.title) after.title = *e.title;
  if (e.description) after.description = *e.description;
  if (e.severity) after.severity = *e.severity;
  if (e.status) {
    after.status = *e.status;
    switch (domain::incident_status_move(before.status, *e.status)) {
      case domain::IncidentStatusMove::Resolve:
        after.resolved_at = format_rfc3339(now_ms);
        after.resolved_by = who.user_id;
        break;
      case domain::IncidentStatusMove::Reopen:
        after.resolved_at.reset();
        after.resolved_by.reset();
        break;
      case domain::IncidentStatusMove::None:
        break;
    }
  }
  Changes ch;
  ch.text("title", before.title, after.title);
  ch.text("description", before.description, after.description);
  ch.text("severity", before.severity, after.severity);
  ch.text("status", before.status, after.status);
  ch.text("resolved_at", before.resolved_at, after.resolved_at);
  ch.text("resolved_by", before.resolved_by, after.resolved_by);
  if (ch.empty()) return {before, false};
  store::save_incident(c, after);
  audit(c, who, "incident.update", after, ch, now_ms);
  return {*store::get_incident(c, after.id), true};
}

void drop_cached_incidents(cache::ResponseCache& cache,
                           const std::optional<std::string>& tenant_id) {
  if (tenant_id)
    cache.invalidate_tenant(*tenant_id);
  else
    cache.invalidate_all();
}

namespace {

std::string incident_body(const store::StaffIncident& i) {
  JsonOut j;
  render_staff_incident(j, i);
  return j.take();
}

// A write's answer: the object, with the ETag its read carries.
http::Response written(const store::StaffIncident& i, int status) {
  std::string body = incident_body(i);
  std::string tag = etag_of(body);
  http::Response r = json_response(std::move(body), status);
  r.set_header("ETag", tag);
  r.set_header("Cache-Control", "no-store");
  return r;
}

IncidentActor actor_of(http::RouteContext& ctx) {
  auto& who = ctx.who();
  return {who.user_id, auth::group_name(who.role), ctx.req.request_id, ctx.req.remote_ip};
}

http::Response list_incidents(const IncidentDeps& d, http::RouteContext& ctx) {
  store::IncidentFilter f;
  auto status = parse_enum(ctx.req, "status", {"open", "resolved", "all"}, "all");
  if (status != "all") f.status = status;
  f.severity = parse_opt_enum(ctx.req, "severity", {"info", "warning", "error", "critical"});
  f.source = parse_opt_enum(ctx.req, "source", {"manual", "health_check", "alert"});
  f.tenant_id = parse_opt_uuid(ctx.req, "tenant_id");
  if (auto csv = csv_requested(ctx.req)) {
    auto read = [d, f](store::PageRequest page, CsvWriter& w) {
      auto rows = store::list_staff_incidents(d.store.conn(), f, page);
      for (auto& i : rows.items) {
        w.text(i.id).text(i.tenant_id).text(i.tenant_name).text(i.severity).text(i.title);
        w.text(i.description).text(i.status).text(i.source).text(i.created_at);
        w.text(i.resolved_at).text(i.resolved_by).end_row();
      }
      return static_cast<int64_t>(rows.items.size());
    };
    return csv_response(*csv, "painel-incidents.csv",
                        {"id", "tenant_id", "tenant_name", "severity", "title", "description",
                         "status", "source", "created_at", "resolved_at", "resolved_by"},
                        offset_pages(read));
  }
  auto pg = parse_page(ctx.req, 20);
  auto page = store::list_staff_incidents(d.store.conn(), f, {pg.limit, pg.offset});
  JsonOut j;
  j.begin_object().key("incidents").begin_array();
  for (auto& i : page.items) render_staff_incident(j, i);
  page_fields(j.end_array(), page.total, pg).end_object();
  return json_response(j.take());
}

store::StaffIncident require_incident(store::Conn& c, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "incident id");
  auto i = store::get_incident(c, id);
  if (!i) throw not_found("incident not found");
  return *i;
}

http::Response get_incident(const IncidentDeps& d, http::RouteContext& ctx) {
  return json_response(incident_body(require_incident(d.store.conn(), ctx)));
}

// A description may be emptied ("" or null); otherwise it is text like the title.
std::optional<std::string> body_description(const BodyFields& b) {
  if (b.is_null("description")) return std::string();
  if (auto* v = b.raw("description"); v && v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (s.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  }
  return b.opt_text("description", kMaxDescription);
}

// tenant_id must be present: null opens a global incident (every tenant sees it), so
// forgetting the field must not do that by accident.
std::optional<std::string> body_tenant(const BodyFields& b) {
  if (!b.has("tenant_id"))
    throw invalid_field("tenant_id", "required",
                        "tenant_id is required (a tenant's id, or null for a global incident)");
  if (b.is_null("tenant_id")) return std::nullopt;
  auto t = b.opt_text("tenant_id", 64);
  if (!t || !is_uuid(*t))
    throw invalid_field("tenant_id", "invalid-format", "tenant_id must be a UUID or null");
  return require_uuid(*t, "tenant_id");
}

http::Response open_incident(const IncidentDeps& d, http::RouteContext& ctx) {
  BodyFields b(ctx.json_body(), {"tenant_id", "severity", "title", "description"});
  store::NewIncident n;
  n.tenant_id = body_tenant(b);
  n.severity = b.req_enum("severity", {"info", "warning", "error", "critical"});
  n.title = b.req_text("title", kMaxTitle);
  n.description = body_description(b).value_or("");
  n.source = "manual";
  auto who = actor_of(ctx);
  // Off the global write lock: one new row (a fresh id, the tenant by its foreign key) and
  // its audit row.
  auto created = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    return open_incident_audited(c, n, who, d.clock.now_ms());
  });
  drop_cached_incidents(d.cache, created.tenant_id);
  http::Response r = written(created, 201);
  r.set_header("Location", "/internal/incidents/" + created.id);
  return r;
}

http::Response change_incident(const IncidentDeps& d, http::RouteContext& ctx) {
  BodyFields b(ctx.json_body(), {"title", "description", "severity", "status"});
  for (const char* f : {"title", "severity", "status"})
    if (b.is_null(f)) throw invalid_field(f, "not-null", std::string(f) + " cannot be null");
  IncidentEdit e;
  e.title = b.opt_text("title", kMaxTitle);
  e.description = body_description(b);
  e.severity = b.opt_enum("severity", {"info", "warning", "error", "critical"});
  e.status = b.opt_enum("status", {"open", "resolved"});
  if (!e.title && !e.description && !e.severity && !e.status)
    throw bad_request("nothing to change: give title, description, severity or status");
  auto who = actor_of(ctx);
  // Off the global write lock: the incident's row is locked before it is read (If-Match
  // and the status move are checked against the version this write replaces).
  auto out = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::lock_row(c, store::LockedTable::Incident,
                    require_uuid(ctx.req.param("id"), "incident id"));
    auto before = require_incident(c, ctx);
    require_if_match(ctx.req, etag_of(incident_body(before)));
    return edit_incident_audited(c, before, e, who, d.clock.now_ms());
  });
  if (out.changed) drop_cached_incidents(d.cache, out.incident.tenant_id);
  return written(out.incident, 200);
}

}  // namespace

void add_incident_routes(http::Router& router, const IncidentDeps& d) {
  using http::Access;
  constexpr unsigned kStaff = auth::kInternal;
  constexpr size_t kSmall = 16 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  router.add({"GET",
              "/internal/incidents",
              Access::User,
              kStaff,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return list_incidents(d, ctx); }});
  router.add({"POST", "/internal/incidents", Access::User, kStaff, kSmall, kJson,
              [d](http::RouteContext& ctx) { return open_incident(d, ctx); }});
  router.add({"GET",
              "/internal/incidents/{id}",
              Access::User,
              kStaff,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return get_incident(d, ctx); }});
  router.add({"PATCH", "/internal/incidents/{id}", Access::User, kStaff, kSmall, kJson,
              [d](http::RouteContext& ctx) { return change_incident(d, ctx); }});
}

}  // namespace painel::api
