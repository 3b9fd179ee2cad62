// Support requests (issue #15). Tenant side: /tenant/support/requests* through the tenant
// scope (all four groups; staff name the tenant with ?tenant_id=). A TENANT_USER sees and
// answers only the requests they opened; a TENANT_ADMIN (and staff) the whole tenant's.
// Staff side: /internal/support/requests* — the queue across tenants, the thread, replies
// and closing/reopening (both internal groups). Every write is audited with ids and
// status changes, never a message's text. Answers are not cached (Cache-Control:
// no-store), so no cached answer can show a thread or a status that changed since.
#include "api/app.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "api/write_support.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "domain/support.hpp"
#include "store/audit.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"
#include "store/support.hpp"

namespace painel::api {
namespace {

using domain::SupportSide;
using store::Conn;
using store::SupportRequest;

// The categories of domain/support.hpp, as the body and query helpers take them.
std::string body_category(const BodyFields& b) {
  return b.req_enum("category", {"billing", "technical", "agent", "integration", "other"});
}
std::optional<std::string> category_param(const http::Request& req) {
  return parse_opt_enum(req, "category", {"billing", "technical", "agent", "integration", "other"});
}

void begin_request(JsonOut& j, const SupportRequest& r) {
  j.begin_object()
      .kv("id", r.id)
      .kv("tenant_id", r.tenant_id)
      .kv("tenant_name", r.tenant_name)
      .kv("subject", r.subject)
      .kv("category", r.category)
      .kv("status", r.status)
      .kv("opened_by", r.opened_by)
      .kv("opened_by_name", r.opened_by_name)
      .kv("message_count", r.message_count)
      .kv("created_at", r.created_at)
      .kv("updated_at", r.updated_at)
      .kv("closed_at", r.closed_at)
      .kv("closed_by", r.closed_by);
}

// The request and its thread: the answer of every read of one request and of every write.
std::string render_thread(Conn& c, const SupportRequest& r) {
  JsonOut j;
  begin_request(j, r);
  j.key("messages").begin_array();
  for (auto& m : store::support_messages(c, r.id))
    j.begin_object()
        .kv("id", m.id)
        .kv("author_name", m.author_name)
        .kv("side", m.side)
        .kv("body", m.body)
        .kv("created_at", m.created_at)
        .end_object();
  j.end_array().end_object();
  return j.take();
}

std::string render_list(const store::PageOf<SupportRequest>& page, const Page& pg) {
  JsonOut j;
  j.begin_object().key("requests").begin_array();
  for (auto& r : page.items) {
    begin_request(j, r);
    j.end_object();
  }
  page_fields(j.end_array(), page.total, pg).end_object();
  return j.take();
}

http::Response answer(std::string body, int status = 200) {
  http::Response r = json_response(std::move(body), status);
  r.set_header("Cache-Control", "no-store");
  return r;
}

// A write's answer: the thread, with the ETag a read of it would carry.
http::Response written(std::string body, int status, const std::string& location) {
  std::string tag = etag_of(body);
  http::Response r = answer(std::move(body), status);
  r.set_header("ETag", tag);
  if (!location.empty()) r.set_header("Location", location);
  return r;
}

// A multi-line text field (description, body): see domain::check_multiline_text.
std::string multiline_field(const BodyFields& b, const char* field) {
  auto v = b.raw(field);
  if (!v || v->IsNull())
    throw invalid_field(field, "required", std::string(field) + " is required");
  if (!v->IsString())
    throw invalid_field(field, "wrong-type", std::string(field) + " must be a string");
  auto checked =
      domain::check_multiline_text({v->GetString(), v->GetStringLength()}, domain::kSupportBodyMax);
  if (!checked.error.empty())
    throw invalid_field(field, checked.code, std::string(field) + " " + checked.error);
  return std::move(checked.text);
}

// The caller as a users.id for the request's columns: an external identity without a user
// row ("cognito:<sub>") is kept in the audit row only.
std::optional<std::string> user_ref(const auth::Principal& p) {
  if (is_uuid(p.user_id)) return p.user_id;
  return std::nullopt;
}

SupportSide side_of(const auth::Principal& p) {
  return p.internal() ? SupportSide::Staff : SupportSide::Tenant;
}

// A TENANT_USER reaches only the requests they opened.
std::optional<std::string> only_opened_by(const auth::Principal& p) {
  if (p.role == auth::kTenantUser) return p.user_id;
  return std::nullopt;
}

void audit(Conn& c, const ReadDeps& d, http::RouteContext& ctx, const char* action,
           const SupportRequest& r, std::string metadata) {
  auto& who = ctx.who();
  store::audit_append(c,
                      {who.user_id, auth::group_name(who.role), action, r.tenant_id, r.id,
                       ctx.req.request_id, ctx.req.remote_ip, std::move(metadata)},
                      d.clock.now_ms());
}

// Adds the caller's message to the request `find` returns (404 when it returns none) and
// moves its status; 409 on a closed request.
template <class Find>
http::Response reply(const ReadDeps& d, http::RouteContext& ctx, Find find) {
  BodyFields b(ctx.json_body(), {"body"});
  std::string body = multiline_field(b, "body");
  auto& who = ctx.who();
  SupportSide side = side_of(who);
  // Off the global write lock: the request's row is locked, then read again, before its
  // status moves (a reply beside a close sees it closed, or the close sees the reply).
  std::string thread = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto seen = find(c);
    if (!seen) throw not_found("support request not found");
    store::lock_row(c, store::LockedTable::SupportRequest, seen->id);
    auto r = find(c);
    if (!r) throw not_found("support request not found");
    auto next = domain::status_after_message(r->status, side);
    if (!next) throw conflict("the support request is closed; reopen it or open a new one");
    auto id = store::add_support_message(c, *r, user_ref(who), domain::support_side_name(side),
                                         body, *next, d.clock.now_ms());
    Changes ch;
    ch.text("status", r->status, *next);
    audit(c, d, ctx, "support.reply", *r,
          ch.metadata({{"message_id", json_escape(id)},
                       {"side", json_escape(domain::support_side_name(side))}}));
    return render_thread(c, *find(c));  // read back: status, count and activity changed
  });
  return written(std::move(thread), 201, "");
}

// --- tenant side ---

http::Response open_request(const ReadDeps& d, http::RouteContext& ctx) {
  auto s = resolve_scope(d, ctx);
  BodyFields b(ctx.json_body(), {"subject", "category", "description"});
  std::string subject = b.req_text("subject", domain::kSupportSubjectMax);
  std::string category = body_category(b);
  std::string description = multiline_field(b, "description");
  auto& who = ctx.who();
  const char* side = domain::support_side_name(side_of(who));
  std::string id;
  // Off the global write lock: new rows (fresh ids) and the audit row.
  std::string thread = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto r = store::open_support_request(
        c, s, {user_ref(who), side, subject, category, description}, d.clock.now_ms());
    id = r.id;
    audit(c, d, ctx, "support.open", r,
          "{\"category\":" + json_escape(category) +
              ",\"status\":\"open\",\"side\":" + json_escape(side) + "}");
    return render_thread(c, r);
  });
  return written(std::move(thread), 201, "/tenant/support/requests/" + id);
}

http::Response list_tenant_requests(const ReadDeps& d, http::RouteContext& ctx) {
  auto s = resolve_scope(d, ctx);
  store::SupportFilter f;
  auto status = parse_enum(ctx.req, "status", {"open", "answered", "closed", "all"}, "all");
  if (status != "all") f.status = status;
  f.category = category_param(ctx.req);
  f.opened_by = only_opened_by(ctx.who());
  auto pg = parse_page(ctx.req);
  return answer(
      render_list(store::list_support_requests(d.store.conn(), s, f, {pg.limit, pg.offset}), pg));
}

http::Response get_tenant_request(const ReadDeps& d, http::RouteContext& ctx) {
  auto s = resolve_scope(d, ctx);
  auto id = require_uuid(ctx.req.param("id"), "support request id");
  auto& c = d.store.conn();
  auto r = store::find_support_request(c, s, id, only_opened_by(ctx.who()));
  if (!r) throw not_found("support request not found");
  return answer(render_thread(c, *r));
}

http::Response reply_tenant(const ReadDeps& d, http::RouteContext& ctx) {
  auto s = resolve_scope(d, ctx);
  auto id = require_uuid(ctx.req.param("id"), "support request id");
  auto own = only_opened_by(ctx.who());
  return reply(d, ctx, [&](Conn& c) { return store::find_support_request(c, s, id, own); });
}

// --- staff side ---

http::Response list_queue(const ReadDeps& d, http::RouteContext& ctx) {
  store::SupportFilter f;
  auto status = parse_enum(ctx.req, "status", {"open", "answered", "closed", "all"}, "open");
  if (status != "all") f.status = status;
  f.tenant_id = parse_opt_uuid(ctx.req, "tenant_id");
  f.category = category_param(ctx.req);
  auto pg = parse_page(ctx.req);
  return answer(render_list(store::support_queue(d.store.conn(), f, {pg.limit, pg.offset}), pg));
}

http::Response get_staff_request(const ReadDeps& d, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "support request id");
  auto& c = d.store.conn();
  auto r = store::get_support_request(c, id);
  if (!r) throw not_found("support request not found");
  return answer(render_thread(c, *r));
}

http::Response reply_staff(const ReadDeps& d, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "support request id");
  return reply(d, ctx, [&](Conn& c) { return store::get_support_request(c, id); });
}

// {"status":"closed"|"open"} with If-Match against the thread's ETag; the same status
// again changes nothing (no audit row).
http::Response set_status(const ReadDeps& d, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "support request id");
  BodyFields b(ctx.json_body(), {"status"});
  std::string status = b.req_enum("status", {"closed", "open"});
  auto& who = ctx.who();
  // Off the global write lock: the request's row is locked before it is read (If-Match).
  std::string thread = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    store::lock_row(c, store::LockedTable::SupportRequest, id);
    auto r = store::get_support_request(c, id);
    if (!r) throw not_found("support request not found");
    std::string current = render_thread(c, *r);
    require_if_match(ctx.req, etag_of(current));
    if (r->status == status) return current;
    store::set_support_status(c, *r, status, user_ref(who), d.clock.now_ms());
    Changes ch;
    ch.text("status", r->status, status);
    audit(c, d, ctx, "support.status", *r, ch.metadata());
    return render_thread(c, *store::get_support_request(c, id));
  });
  return written(std::move(thread), 200, "");
}

}  // namespace

void add_support_routes(http::Router& router, const ReadDeps& d) {
  using http::Access;
  constexpr unsigned kAll = auth::kAllGroups;
  constexpr unsigned kStaff = auth::kInternal;
  constexpr size_t kNoBody = 16 * 1024;
  constexpr size_t kText = 64 * 1024;  // 10 000 bytes of text, escaped as JSON
  constexpr http::RouteFlags kJson{.json_body = true};
  auto route = [&](const char* method, const char* path, unsigned groups, size_t limit,
                   http::RouteFlags flags,
                   http::Response (*fn)(const ReadDeps&, http::RouteContext&)) {
    router.add({method, path, Access::User, groups, limit, flags,
                [d, fn](http::RouteContext& ctx) { return fn(d, ctx); }});
  };
  route("POST", "/tenant/support/requests", kAll, kText, kJson, open_request);
  route("GET", "/tenant/support/requests", kAll, kNoBody, {}, list_tenant_requests);
  route("GET", "/tenant/support/requests/{id}", kAll, kNoBody, {}, get_tenant_request);
  route("POST", "/tenant/support/requests/{id}/messages", kAll, kText, kJson, reply_tenant);
  route("GET", "/internal/support/requests", kStaff, kNoBody, {}, list_queue);
  route("GET", "/internal/support/requests/{id}", kStaff, kNoBody, {}, get_staff_request);
  route("POST", "/internal/support/requests/{id}/messages", kStaff, kText, kJson, reply_staff);
  route("PATCH", "/internal/support/requests/{id}", kStaff, kNoBody, kJson, set_status);
}

}  // namespace painel::api
