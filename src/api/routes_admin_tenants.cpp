// Tenant administration, the write side (API.md, "Administration"): POST/PATCH
// /internal/tenants[/{id}] and the contracts, PUT/DELETE /internal/tenants/{id}/agents/
// {agent_id}. INTERNAL_ADMIN only. Each write runs in one store transaction with its audit
// row (before → after of the changed fields), recomputes the tenant's MRR where it moves
// (store::recompute_tenant_mrr) and drops the tenant's cached answers and the staff-wide
// ones (lists, billing).
#include "api/app.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "api/scope.hpp"
#include "api/tenant_changes.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/error.hpp"
#include "core/time_zone.hpp"
#include "domain/cnpj.hpp"
#include "domain/tenants.hpp"
#include "store/audit.hpp"
#include "store/contracts.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::api {
namespace {

using store::Conn;

// "limits": {"max_agents":…,…}; a limit given as null falls back to the plan's. Only the
// limits named in the body change `into`.
void parse_limits(const BodyFields& body, domain::LimitOverrides& into) {
  auto v = body.raw("limits");
  if (!v) return;
  if (v->IsNull()) {
    into = {};
    return;
  }
  if (!v->IsObject()) throw invalid_field("limits", "wrong-type", "limits must be a JSON object");
  BodyFields lim(*v, {"max_agents", "max_users", "max_requests_per_month"}, "limits.");
  for (size_t i = 0; i < std::size(domain::kTenantLimits); ++i) {
    const auto& spec = domain::kTenantLimits[i];
    if (lim.has(spec.name)) into.at(i) = lim.opt_int(spec.name, 0, spec.max);
  }
}

// Malformed (not 14 digits) → 400; wrong check digits → 422. The 14 digits otherwise.
std::string parse_cnpj(const std::string& raw) {
  for (char c : raw)
    if (!(c >= '0' && c <= '9') && c != '.' && c != '/' && c != '-' && c != ' ')
      throw invalid_field("cnpj", "invalid-format",
                          "cnpj must be 14 digits, punctuated (12.345.678/0001-95) or not");
  if (domain::digits_only(raw).size() != 14)
    throw invalid_field("cnpj", "invalid-format",
                        "cnpj must be 14 digits, punctuated (12.345.678/0001-95) or not");
  auto c = domain::cnpj_normalize(raw);
  if (!c) throw unprocessable("cnpj: the check digits are wrong");
  return *c;
}

// The tenant's date now, in its zone (the days its usage figures end on).
int64_t tenant_today(Conn& c, const store::TenantScope& s, int64_t now_ms) {
  return store::tenant_time_zone(c, s).local_day(now_ms);
}

// "time_zone": an IANA name the tz database knows (America/Sao_Paulo), else 400 naming the
// field. nullopt when left out.
std::optional<std::string> parse_time_zone(const BodyFields& body) {
  if (body.is_null("time_zone"))
    throw invalid_field("time_zone", "not-null", "time_zone must not be null");
  auto raw = body.opt_text("time_zone", kTimeZoneNameMax);
  if (!raw) return std::nullopt;
  if (!TimeZone::find(*raw))
    throw invalid_field("time_zone", "not-allowed",
                        "time_zone must be an IANA time zone name, e.g. America/Sao_Paulo");
  return raw;
}

void require_plan(Conn& c, const std::string& plan) {
  if (!store::plan_exists(c, plan)) throw unprocessable("plan: unknown plan '" + plan + "'");
}

void audit(Conn& c, const http::RouteContext& ctx, const char* action, const std::string& tenant,
           const std::string& target, const std::string& metadata, int64_t now) {
  auto& who = ctx.who();
  store::audit_append(c,
                      {who.user_id, auth::group_name(who.role), action, tenant, target,
                       ctx.req.request_id, ctx.req.remote_ip, metadata},
                      now);
}

// The tenant detail as GET /internal/tenants/{id} answers it, with its ETag.
http::Response tenant_answer(std::string body, int status) {
  std::string tag = etag_of(body);
  http::Response r = json_response(std::move(body), status);
  r.set_header("ETag", tag);
  r.set_header("Cache-Control", "no-store");
  return r;
}

http::Response create_tenant(const AdminTenantDeps& d, http::RouteContext& ctx) {
  BodyFields f(ctx.json_body(),
               {"name", "cnpj", "segment", "plan", "status", "limits", "time_zone"});
  store::NewTenant t;
  t.name = f.req_text("name", domain::kTenantNameMax);
  t.cnpj = parse_cnpj(f.req_text("cnpj", 32));
  t.segment = f.req_text("segment", domain::kTenantSegmentMax);
  t.plan = f.req_text("plan", 50);
  t.status = f.opt_enum("status", {"trial", "active"}).value_or("trial");
  parse_limits(f, t.limits);
  if (auto tz = parse_time_zone(f)) t.time_zone = *tz;
  std::string id;
  // Off the global write lock: a new row whose CNPJ is unique by its constraint; two
  // creations of one CNPJ beside each other both pass the check, and the second's insert
  // fails once the first commits: the same 409 (unique_or_conflict).
  auto body = unique_or_conflict(
      [&] {
        return d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
          require_plan(c, t.plan);
          if (store::cnpj_taken(c, *t.cnpj))
            throw conflict("a tenant with this CNPJ already exists");
          int64_t now = d.clock.now_ms();
          id = store::create_tenant(c, t, now);
          audit(c, ctx, "tenant.create", id, id, tenant_create_changes(t).metadata(), now);
          auto scope = internal_write_scope(c, id);
          return render_tenant_detail(c, scope, tenant_today(c, scope, now));
        });
      },
      [&] { return store::cnpj_taken(d.store.conn(), *t.cnpj); },
      "a tenant with this CNPJ already exists");
  d.cache.invalidate_tenant(id);
  auto r = tenant_answer(std::move(body), 201);
  r.set_header("Location", "/internal/tenants/" + id);
  return r;
}

http::Response update_tenant(const AdminTenantDeps& d, http::RouteContext& ctx) {
  BodyFields f(ctx.json_body(), {"name", "segment", "plan", "limits", "status", "time_zone"});
  if (f.has("status"))
    throw bad_request(
        "status is not changed here: use the SUSPEND_TENANT / REACTIVATE_TENANT commands "
        "(POST /internal/operations/commands)");
  auto name = f.opt_text("name", domain::kTenantNameMax);
  auto segment = f.opt_text("segment", domain::kTenantSegmentMax);
  auto plan = f.opt_text("plan", 50);
  auto time_zone = parse_time_zone(f);
  for (const char* field : {"name", "segment", "plan"})
    if (f.is_null(field))
      throw invalid_field(field, "not-null", std::string(field) + " must not be null");
  std::string id;
  // Off the global write lock: the tenant's row is locked before it is read (a contract or
  // a user written beside this counts against the limits it sets, under the same lock).
  auto body = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto scope = internal_write_scope(c, ctx.req.param("id"));
    id = scope.tenant_id();
    store::lock_tenant_row(c, id);
    int64_t now = d.clock.now_ms();
    auto before = store::tenant_settings(c, id);
    require_if_match(ctx.req, etag_of(render_tenant_detail(c, scope, tenant_today(c, scope, now))));
    auto after = *before;
    if (name) after.name = *name;
    if (segment) after.segment = *segment;
    if (plan) after.plan = *plan;
    if (time_zone) after.time_zone = *time_zone;
    parse_limits(f, after.limits);
    if (plan) require_plan(c, *plan);
    int64_t mrr_before = store::tenant_record(c, scope)->mrr_cents;
    store::update_tenant(c, id, after, now);
    auto ch = tenant_update_changes(*before, after);
    ch.money("mrr_estimate", mrr_before, store::tenant_record(c, scope)->mrr_cents);
    audit(c, ctx, "tenant.update", id, id, ch.metadata(), now);
    return render_tenant_detail(c, scope, tenant_today(c, scope, now));
  });
  d.cache.invalidate_tenant(id);
  return tenant_answer(std::move(body), 200);
}

// The contract as GET /internal/tenants/{id}/agents shows it.
std::string render_contract(Conn& c, const store::TenantScope& s, const std::string& agent_id,
                            int64_t today) {
  JsonOut j;
  for (auto& a : store::contracted_agents(c, s, "all", today - 29, today))
    if (a.id == agent_id) render_agent(j, a, kStaffAgent);
  return j.take();
}

std::string contract_metadata(const std::optional<store::Contract>& before,
                              const std::optional<store::Contract>& after,
                              const std::string& agent_id) {
  auto field = [](const std::optional<store::Contract>& k, auto member) {
    return k ? std::optional<std::string>((*k).*member) : std::nullopt;
  };
  Changes ch;
  ch.text("status", field(before, &store::Contract::status),
          field(after, &store::Contract::status));
  ch.text("config", field(before, &store::Contract::config),
          field(after, &store::Contract::config));
  return ch.metadata({{"agent_id", json_escape(agent_id)}});
}

http::Response set_contract(const AdminTenantDeps& d, http::RouteContext& ctx) {
  BodyFields f(ctx.json_body(), {"status", "config"});
  bool active = f.req_enum("status", {"active", "inactive"}) == "active";
  auto config = f.opt_object_json("config");
  std::string agent_id = require_uuid(ctx.req.param("agent_id"), "agent id");
  std::string id;
  store::ContractChange::Outcome outcome{};
  // Off the global write lock: the agent's row is shared (a price change or a retirement
  // beside this waits, or is seen), then the tenant's row is locked before its active
  // contracts are counted against limits.max_agents and its MRR recomputed: two
  // activations beside each other are serialized there (agent before tenant, as the
  // catalog's update takes them).
  auto body = d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    auto scope = internal_write_scope(c, ctx.req.param("id"));
    id = scope.tenant_id();
    store::share_agent_row(c, agent_id);
    store::lock_tenant_row(c, id);
    switch (store::agent_contractable(c, agent_id)) {
      case store::Contractable::NoSuchAgent:
        throw not_found("agent not found");
      case store::Contractable::Retired:
        if (active) throw unprocessable("the agent is retired: it takes no new contracts");
        break;
      case store::Contractable::Yes:
        break;
    }
    int64_t now = d.clock.now_ms();
    auto change = store::set_contract(c, id, agent_id, active, config, now);
    outcome = change.outcome;
    if (outcome == store::ContractChange::Outcome::LimitReached)
      throw unprocessable("the tenant has reached its limit of " +
                          std::to_string(change.max_agents) + " active agents (limits.max_agents)");
    if (outcome != store::ContractChange::Outcome::Unchanged)
      audit(c, ctx, "contract.set", id, change.after->id,
            contract_metadata(change.before, change.after, agent_id), now);
    return render_contract(c, scope, agent_id, tenant_today(c, scope, now));
  });
  d.cache.invalidate_tenant(id);
  auto r = json_response(std::move(body),
                         outcome == store::ContractChange::Outcome::Created ? 201 : 200);
  r.set_header("Cache-Control", "no-store");
  return r;
}

http::Response end_contract(const AdminTenantDeps& d, http::RouteContext& ctx) {
  std::string agent_id = require_uuid(ctx.req.param("agent_id"), "agent id");
  std::string id;
  // Off the global write lock: the tenant's row is locked before its contract is read.
  d.store.write(store::WriteLock::RowLevel, [&](Conn& c) {
    id = internal_write_scope(c, ctx.req.param("id")).tenant_id();
    store::lock_tenant_row(c, id);
    int64_t now = d.clock.now_ms();
    auto before = store::end_contract(c, id, agent_id, now);
    if (!before) throw not_found("this tenant has no contract for this agent");
    if (before->status != "inactive")
      audit(c, ctx, "contract.end", id, before->id,
            contract_metadata(before, store::find_contract(c, id, agent_id), agent_id), now);
  });
  d.cache.invalidate_tenant(id);
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace

Changes tenant_create_changes(const store::NewTenant& t) {
  Changes ch;
  ch.text("name", std::nullopt, t.name);
  ch.text("cnpj", std::nullopt, t.cnpj);
  ch.text("segment", std::nullopt, t.segment);
  ch.text("plan", std::nullopt, t.plan);
  ch.text("status", std::nullopt, t.status);
  ch.text("time_zone", std::nullopt, t.time_zone);
  for (size_t i = 0; i < std::size(domain::kTenantLimits); ++i)
    ch.integer(std::string("limits.") + domain::kTenantLimits[i].name, std::nullopt,
               t.limits.at(i));
  return ch;
}

Changes tenant_update_changes(const store::TenantSettings& before,
                              const store::TenantSettings& after) {
  Changes ch;
  ch.text("name", before.name, after.name);
  ch.text("segment", before.segment, after.segment);
  ch.text("plan", before.plan, after.plan);
  ch.text("time_zone", before.time_zone, after.time_zone);
  for (size_t i = 0; i < std::size(domain::kTenantLimits); ++i)
    ch.integer(std::string("limits.") + domain::kTenantLimits[i].name, before.limits.at(i),
               after.limits.at(i));
  return ch;
}

void add_admin_tenant_routes(http::Router& router, const AdminTenantDeps& d) {
  using http::Access;
  constexpr unsigned kAdmin = auth::kInternalAdmin;
  constexpr size_t kSmall = 64 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  router.add({"POST", "/internal/tenants", Access::User, kAdmin, kSmall, kJson,
              [d](http::RouteContext& ctx) { return create_tenant(d, ctx); }});
  router.add({"PATCH", "/internal/tenants/{id}", Access::User, kAdmin, kSmall, kJson,
              [d](http::RouteContext& ctx) { return update_tenant(d, ctx); }});
  router.add({"PUT", "/internal/tenants/{id}/agents/{agent_id}", Access::User, kAdmin, kSmall,
              kJson, [d](http::RouteContext& ctx) { return set_contract(d, ctx); }});
  router.add({"DELETE",
              "/internal/tenants/{id}/agents/{agent_id}",
              Access::User,
              kAdmin,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return end_contract(d, ctx); }});
}

}  // namespace painel::api
