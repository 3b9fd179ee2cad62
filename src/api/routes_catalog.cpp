// /internal/agents* — the agent catalog (API.md, "Administration — the write side"): staff
// read it, INTERNAL_ADMIN creates and edits agents and retires them (a retired agent takes
// no new contracts; the contracts route asks store::agent_is_retired).
#include "api/app.hpp"
#include "api/cached_reads.hpp"
#include "api/catalog_writes.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "domain/catalog.hpp"
#include "store/audit.hpp"
#include "store/catalog.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

constexpr int64_t kMaxPriceCents = 100'000'000;  // R$ 1 000 000.00 a month
constexpr size_t kMaxDescription = 2000;

void render_agent(JsonOut& j, const store::CatalogAgent& a) {
  j.begin_object()
      .kv("id", a.id)
      .kv("slug", a.slug)
      .kv("name", a.name)
      .kv("segment", a.segment)
      .kv("subnucleus", a.subnucleus)
      .kv("description", a.description)
      .kv("status", a.status)
      .key("price_monthly")
      .money(a.monthly_price_cents)
      .kv("deployed_count", a.deployed_count)
      .kv("created_at", a.created_at)
      .kv("updated_at", a.updated_at)
      .end_object();
}

std::string agent_body(const store::CatalogAgent& a) {
  JsonOut j;
  render_agent(j, a);
  return j.take();
}

// A write's answer: the agent as GET /internal/agents/{id} renders it, with the same ETag.
http::Response agent_response(const store::CatalogAgent& a, int status) {
  std::string body = agent_body(a);
  std::string tag = etag_of(body);
  http::Response r = json_response(std::move(body), status);
  r.set_header("ETag", tag);
  r.set_header("Cache-Control", "no-store");
  return r;
}

std::string render_list(store::Conn& c, const store::CatalogQuery& q) {
  auto page = store::list_catalog(c, q);
  JsonOut j;
  j.begin_object().key("agents").begin_array();
  for (auto& a : page.items) render_agent(j, a);
  page_fields(j.end_array(), page.total, Page{q.page.limit, q.page.offset}).end_object();
  return j.take();
}

store::CatalogQuery parse_list(const http::Request& req) {
  store::CatalogQuery q;
  q.status = parse_enum(req, "status", {"active", "retired", "all"}, "active");
  if (q.status == "all") q.status.reset();
  q.segment = parse_opt_text(req, "segment", 50);
  q.search = parse_opt_text(req, "search", 100);
  auto pg = parse_page(req);
  q.page = {pg.limit, pg.offset};
  return q;
}

std::string require_subnucleus(const std::string& s) {
  if (!domain::valid_subnucleus(s))
    throw invalid_field("subnucleus", "not-allowed",
                        "subnucleus must be one of: " + domain::subnucleus_list());
  return s;
}

void audit(store::Conn& c, const CatalogActor& who, const char* action, const std::string& id,
           const Changes& changes, int64_t now) {
  store::audit_append(
      c, {who.id, who.role, action, std::nullopt, id, who.request_id, who.ip, changes.metadata()},
      now);
}

void record_changes(Changes& ch, const std::optional<store::CatalogAgent>& before,
                    const store::CatalogAgent& after) {
  auto text = [&](const char* f, auto member) {
    ch.text(f, before ? std::optional<std::string>((*before).*member) : std::nullopt,
            after.*member);
  };
  text("name", &store::CatalogAgent::name);
  text("segment", &store::CatalogAgent::segment);
  text("subnucleus", &store::CatalogAgent::subnucleus);
  text("description", &store::CatalogAgent::description);
  text("status", &store::CatalogAgent::status);
  ch.money("price_monthly", before ? before->monthly_price_cents : 0, after.monthly_price_cents);
}

CatalogActor actor_of(http::RouteContext& ctx) {
  auto& who = ctx.who();
  return {who.user_id, auth::group_name(who.role), ctx.req.request_id, ctx.req.remote_ip};
}

}  // namespace

std::string catalog_agent_json(const store::CatalogAgent& a) { return agent_body(a); }

store::CatalogAgent catalog_create(store::Store& s, const Clock& clock,
                                   const rapidjson::Value& body, const CatalogActor& actor) {
  BodyFields b(body, {"name", "segment", "subnucleus", "description", "price_monthly"});
  store::NewCatalogAgent a;
  a.name = b.req_text("name", 200);
  a.segment = b.req_text("segment", 50);
  a.subnucleus = require_subnucleus(b.req_text("subnucleus", 20));
  a.description = b.opt_text("description", kMaxDescription).value_or("");
  a.monthly_price_cents = b.opt_money_cents("price_monthly", kMaxPriceCents).value_or(0);
  // Off the global write lock: every catalog write takes the catalog's own lock first (the
  // names are unique by a key computed here, not by a constraint), so two creations of one
  // name are serialized and the second gets the 409 of the check.
  return s.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::lock_catalog_names(c);
    if (store::agent_with_same_name(c, a.name))
      throw conflict("an agent named '" + a.name + "' is already in the catalog");
    int64_t now = clock.now_ms();
    auto id = store::create_catalog_agent(c, a, now);
    auto row = store::find_catalog_agent(c, id);
    Changes ch;
    record_changes(ch, std::nullopt, *row);
    audit(c, actor, "agent.create", id, ch, now);
    return *row;
  });
}

store::CatalogAgent catalog_update(store::Store& s, const Clock& clock, const std::string& id,
                                   const rapidjson::Value& body, const CatalogActor& actor,
                                   const http::Request* if_match_of) {
  BodyFields b(body, {"name", "segment", "subnucleus", "description", "price_monthly", "status"});
  auto name = b.opt_text("name", 200);
  auto segment = b.opt_text("segment", 50);
  auto subnucleus = b.opt_text("subnucleus", 20);
  if (subnucleus) require_subnucleus(*subnucleus);
  auto description = b.opt_text("description", kMaxDescription);
  auto price = b.opt_money_cents("price_monthly", kMaxPriceCents);
  auto status = b.opt_enum("status", {"active", "retired"});
  for (const char* f : {"name", "segment", "subnucleus", "price_monthly", "status"})
    if (b.is_null(f)) throw invalid_field(f, "not-null", std::string(f) + " may not be null");
  // Off the global write lock: the catalog's lock first (a rename beside a creation), then
  // the agent's row (its UPDATE) and its contracting tenants' rows (a price change moves
  // their MRR: store::update_catalog_agent).
  return s.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::lock_catalog_names(c);
    auto before = store::find_catalog_agent(c, id);
    if (!before) throw not_found("agent not found");
    if (if_match_of) require_if_match(*if_match_of, etag_of(agent_body(*before)));
    store::CatalogAgent after = *before;
    if (name) after.name = *name;
    if (segment) after.segment = *segment;
    if (subnucleus) after.subnucleus = *subnucleus;
    if (description || b.is_null("description")) after.description = description.value_or("");
    if (price) after.monthly_price_cents = *price;
    if (status) after.status = *status;
    Changes ch;
    record_changes(ch, before, after);
    if (ch.empty()) return *before;  // nothing to write, nothing to audit
    if (name && store::agent_with_same_name(c, *name, id))
      throw conflict("an agent named '" + *name + "' is already in the catalog");
    int64_t now = clock.now_ms();
    store::update_catalog_agent(c, after, now);
    bool retired = after.status == "retired" && before->status != "retired";
    audit(c, actor, retired ? "agent.retire" : "agent.update", id, ch, now);
    return *store::find_catalog_agent(c, id);
  });
}

namespace {

http::Response create_agent(const CatalogDeps& d, http::RouteContext& ctx) {
  auto created = catalog_create(d.store, d.clock, ctx.json_body(), actor_of(ctx));
  d.cache.invalidate_all();
  http::Response r = agent_response(created, 201);
  r.set_header("Location", "/internal/agents/" + created.id);
  return r;
}

http::Response update_agent(const CatalogDeps& d, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "agent id");
  auto updated = catalog_update(d.store, d.clock, id, ctx.json_body(), actor_of(ctx), &ctx.req);
  d.cache.invalidate_all();  // names and prices show in every tenant's answers
  return agent_response(updated, 200);
}

}  // namespace

void add_catalog_routes(http::Router& router, const CatalogDeps& d) {
  using http::Access;
  constexpr http::RouteFlags kCrossTenant{.cache = http::CacheScope::CrossTenant,
                                          .may_inline = true};
  constexpr http::RouteFlags kJson{.json_body = true};
  constexpr size_t kSmall = 16 * 1024;
  router.add({"GET", "/internal/agents", Access::User, auth::kInternal, kSmall, kCrossTenant,
              [d](http::RouteContext& ctx) {
                auto q = parse_list(ctx.req);
                return d.reads.json(ctx, "*", [&] { return render_list(d.store.conn(), q); });
              }});
  router.add({"GET",
              "/internal/agents/{id}",
              Access::User,
              auth::kInternal,
              kSmall,
              {},
              [d](http::RouteContext& ctx) {
                auto id = require_uuid(ctx.req.param("id"), "agent id");
                auto a = store::find_catalog_agent(d.store.conn(), id);
                if (!a) throw not_found("agent not found");
                http::Response r = json_response(agent_body(*a));
                r.set_header("Cache-Control", "no-store");
                return r;
              }});
  router.add({"POST", "/internal/agents", Access::User, auth::kInternalAdmin, kSmall, kJson,
              [d](http::RouteContext& ctx) { return create_agent(d, ctx); }});
  router.add({"PATCH", "/internal/agents/{id}", Access::User, auth::kInternalAdmin, kSmall, kJson,
              [d](http::RouteContext& ctx) { return update_agent(d, ctx); }});
}

}  // namespace painel::api
