#include "jobs/command_effects.hpp"

#include <fmt/format.h>

#include <map>

#include "auth/token_service.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "domain/commands.hpp"
#include "store/incidents.hpp"
#include "store/row_locks.hpp"
#include "store/tenants.hpp"
#include "store/usage_aggregate.hpp"

namespace painel::jobs {
namespace {

constexpr int64_t kDayMs = 86400000;

domain::CommandParams params_of(const store::Command& cmd, const domain::CommandSpec& spec) {
  rapidjson::Document d;
  d.Parse(cmd.parameters.data(), cmd.parameters.size());
  if (d.HasParseError()) throw CommandFailed("stored parameters are not valid JSON");
  auto v = domain::validate_parameters(spec, &d);
  if (auto* e = std::get_if<domain::ParamError>(&v)) throw CommandFailed(e->message);
  return std::get<domain::CommandParams>(std::move(v));
}

const std::string& tenant_of(const store::Command& cmd) {
  if (!cmd.tenant_id) throw CommandFailed(cmd.command_type + " needs a tenant");
  return *cmd.tenant_id;
}

store::TenantAgentRef agent_of(store::Conn& c, const std::string& tenant,
                               const domain::CommandParams& p) {
  auto ref = store::find_tenant_agent(c, tenant, *p.get("agent_id"));
  if (!ref) throw CommandFailed("parameter 'agent_id': the agent is not contracted by this tenant");
  return *ref;
}

// The tenant's usage, or every tenant's when the command has none. The original console's
// queue_name names the queue reprocessed (Painel has one: usage events awaiting
// aggregation); message_ids / max_messages / message_count have no counterpart (whole days
// are re-aggregated) and are reported as not applied.
EffectResult reprocess_queue(store::Conn& c, const EffectContext& ctx,
                             const domain::CommandParams& p) {
  const auto& tenant = ctx.cmd.tenant_id;
  std::vector<int64_t> days;
  auto from = p.get("from");
  if (from) {
    int64_t f = *parse_day(*from), t = p.get("to") ? *parse_day(*p.get("to")) : f;
    for (int64_t d = f; d <= t; ++d) days.push_back(d);
  } else {
    days = store::dirty_days(c, tenant);
  }
  store::AggregateStats total;
  size_t done = 0;
  try {
    for (int64_t d : days) {  // one day at a time, so the timeout is checked between days
      ctx.check_deadline();
      store::AggregateStats s;
      auto day = [&](store::Conn& w) { s = store::aggregate_days(w, d, d, tenant, ctx.now_ms); };
      if (ctx.step)
        ctx.step(day);  // committed now, in a transaction of its own
      else
        day(c);
      total.days += s.days;
      total.events += s.events;
      total.rows += s.rows;
      ++done;
    }
  } catch (const CommandTimedOut& e) {
    if (!ctx.step || done == 0) throw;
    throw CommandTimedOut(
        fmt::format("{}; {} of {} days were re-aggregated ({} to {}) and stay so, the rest were "
                    "not: run it again from {}",
                    e.what(), done, days.size(), format_day(days.front()),
                    format_day(days[done - 1]), format_day(days[done])),
        true);
  }
  JsonOut j;
  j.begin_object().kv("mode", from ? "days" : "dirty_days");
  j.kv("scope", tenant ? "tenant" : "all_tenants");
  j.key("from").str_or_null(days.empty() ? std::nullopt
                                         : std::optional<std::string>(format_day(days.front())));
  j.key("to").str_or_null(days.empty() ? std::nullopt
                                       : std::optional<std::string>(format_day(days.back())));
  j.kv("days_processed", total.days).kv("events", total.events).kv("rows_written", total.rows);
  if (auto q = p.get("queue_name")) j.kv("queue_name", *q).kv("reprocessed", "usage_aggregation");
  std::string ignored;
  for (const char* k : {"message_ids", "max_messages", "message_count"})
    if (p.get(k)) ignored += (ignored.empty() ? "" : ", ") + std::string(k);
  if (!ignored.empty())
    j.kv("not_applied", ignored + " not applied: Painel re-aggregates whole days");
  j.end_object();
  EffectResult r{j.take()};
  if (tenant)
    r.touched_tenants.push_back(*tenant);
  else
    r.every_tenant_touched = total.days > 0;
  return r;
}

// The effects below that read and then write a tenant's rows lock the tenant's row first
// (after the global lock their transaction holds): the routes that write the same rows
// run off the global lock and serialize on that row (store/row_locks.hpp).
EffectResult reset_token(store::Conn& c, const EffectContext& ctx, const domain::CommandParams& p) {
  const auto& tenant = tenant_of(ctx.cmd);
  store::lock_tenant_row(c, tenant);
  JsonOut j;
  if (auto integration = p.get("integration_id")) {
    auto g = store::find_tenant_integration(c, tenant, *integration);
    if (!g)
      throw CommandFailed(
          "parameter 'integration_id': the integration does not belong to this tenant");
    store::clear_integration_credential(c, tenant, *integration, ctx.now_ms);
    j.begin_object()
        .kv("integration_id", *integration)
        .kv("name", g->name)
        .kv("type", g->type)
        .kv("previous_status", g->status)
        .kv("status", "inactive")
        .kv("credential_cleared", g->has_credential)
        .kv("last_error", "reconnect required")
        .end_object();
  } else {
    auto user = *p.get("user_id");
    if (!store::user_in_tenant(c, tenant, user))
      throw CommandFailed("parameter 'user_id': the user does not belong to this tenant");
    if (!ctx.tokens) throw CommandFailed("this process cannot revoke sessions");
    int64_t n = ctx.tokens->revoke_user_sessions(c, user);
    j.begin_object()
        .kv("user_id", user)
        .kv("sessions_revoked", n)
        .kv("note", "refresh tokens and access tokens already issued no longer work")
        .end_object();
  }
  return {j.take(), {tenant}};
}

EffectResult set_agent_status(store::Conn& c, const EffectContext& ctx,
                              const domain::CommandParams& p, bool active, bool restart) {
  const auto& tenant = tenant_of(ctx.cmd);
  // The catalog agent's row shared, then the tenant's locked (the contract route's order):
  // a price change of the agent beside this waits for it or is seen by its MRR.
  store::share_agent_row(c, agent_of(c, tenant, p).agent_id);
  store::lock_tenant_row(c, tenant);
  auto ref = agent_of(c, tenant, p);
  std::string now = format_rfc3339(ctx.now_ms);
  if (restart)
    store::restart_contract(c, ref.id, ctx.now_ms);
  else if (active)
    store::activate_contract(c, ref.id);
  else if (ref.status != "inactive")  // keep the first deactivation time
    store::deactivate_contract(c, ref.id, ctx.now_ms);
  int64_t mrr = store::recompute_tenant_mrr(c, tenant, ctx.now_ms);
  auto after = store::contract_state(c, ref.id).value_or(store::ContractState{});
  JsonOut j;
  j.begin_object()
      .kv("agent_id", ref.id)
      .kv("catalog_agent_id", ref.agent_id)
      .kv("name", ref.name)
      .kv("previous_status", ref.status)
      .kv("status", after.status);
  if (restart) j.kv("restart_count", after.restart_count).kv("restarted_at", now);
  j.key("tenant_mrr_estimate").money(mrr).end_object();
  return {j.take(), {tenant}};
}

EffectResult resolve_incident(store::Conn& c, const EffectContext& ctx,
                              const domain::CommandParams& p) {
  auto id = *p.get("incident_id");
  auto st = store::incident_status(c, ctx.cmd.tenant_id, id);
  if (!st)
    throw CommandFailed("parameter 'incident_id': the incident does not belong to this tenant");
  std::string now = format_rfc3339(ctx.now_ms);
  bool changed = *st != "resolved";
  if (changed) store::resolve_incident(c, id, ctx.cmd.created_by, ctx.now_ms);
  JsonOut j;
  j.begin_object().kv("incident_id", id).kv("previous_status", *st).kv("status", "resolved");
  if (changed) j.kv("resolved_at", now).kv("resolved_by", ctx.cmd.created_by);
  j.end_object();
  EffectResult r{j.take()};
  if (ctx.cmd.tenant_id)
    r.touched_tenants.push_back(*ctx.cmd.tenant_id);
  else
    r.every_tenant_touched = changed;
  return r;
}

EffectResult set_tenant_status(store::Conn& c, const EffectContext& ctx, const char* status) {
  const auto& tenant = tenant_of(ctx.cmd);
  store::lock_tenant_row(c, tenant);
  auto before = store::tenant_status(c, tenant);
  if (!before) throw CommandFailed("the tenant no longer exists");
  store::set_tenant_status(c, tenant, status, ctx.now_ms);
  JsonOut j;
  j.begin_object().kv("tenant_id", tenant).kv("previous_status", *before).kv("status", status);
  j.end_object();
  EffectResult r{j.take(), {tenant}};
  r.tenant_status_changed = true;
  return r;
}

// --- HEALTH_CHECK ---

struct TenantHealth {
  std::vector<std::string> problems;
  std::optional<std::string> incident_id;
  bool incident_opened = false;
};

// agent id → (requests, errors), per tenant.
using AgentErrors = std::map<std::string, std::pair<int64_t, int64_t>>;
using UsageByTenant = std::map<std::string, AgentErrors>;

// Requests and errors in (now − 24 h, now], per tenant and agent, for one tenant or all:
// one scan of the events of the days around the last 24 h through the day index (no
// per-tenant index, see migration 26), so checking every tenant costs one scan, not one
// per tenant.
UsageByTenant usage_24h(store::Conn& c, const std::optional<std::string>& tenant, int64_t now_ms) {
  UsageByTenant out;
  store::each_agent_requests(c, now_ms - kDayMs, now_ms, tenant,
                             [&](const store::AgentRequests& a) {
                               out[a.tenant_id][a.agent_id] = {a.requests, a.errors};
                             });
  return out;
}

TenantHealth check_tenant(store::Conn& c, const std::string& tenant, AgentErrors& usage,
                          int64_t now_ms, JsonOut* j) {
  TenantHealth h;
  bool severe = false;
  if (j) j->kv("tenant_id", tenant).key("agents").begin_array();
  for (auto& k : store::tenant_agents(c, tenant)) {
    auto u = usage.count(k.agent_id) ? usage[k.agent_id] : usage[k.id];
    double rate = u.first ? static_cast<double>(u.second) / static_cast<double>(u.first) : 0;
    if (k.status == "active" && u.first >= kHealthMinRequests && rate > kHealthMaxErrorRate) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "agent %s: %.1f%% of %lld requests failed in 24 h",
                    k.name.c_str(), rate * 100, static_cast<long long>(u.first));
      h.problems.push_back(buf);
      severe = severe || rate > 0.5;
    }
    if (!j) continue;
    j->begin_object().kv("agent_id", k.id).kv("name", k.name).kv("status", k.status);
    j->kv("requests_24h", u.first).kv("errors_24h", u.second).key("error_rate").fixed1(rate * 100);
    j->end_object();
  }
  if (j) j->end_array().key("integrations").begin_array();
  for (auto& g : store::tenant_integrations(c, tenant)) {
    if (g.status == "error")
      h.problems.push_back("integration " + g.name + " (" + g.type + ") in error" +
                           (g.last_error ? ": " + *g.last_error : ""));
    if (!j) continue;
    j->begin_object().kv("id", g.id).kv("type", g.type).kv("name", g.name);
    j->kv("status", g.status).kv("last_error", g.last_error).kv("last_sync_at", g.last_sync_at);
    j->end_object();
  }
  if (j) j->end_array();
  if (!h.problems.empty()) {
    // One open health-check incident per tenant: re-running the check does not pile them up.
    h.incident_id = store::find_open_health_incident(c, tenant);
    if (!h.incident_id) {
      std::string desc;
      for (auto& p : h.problems) desc += (desc.empty() ? "" : "; ") + p;
      h.incident_id = store::open_health_incident(
          c,
          {tenant, severe || h.problems.size() > 1 ? "error" : "warning",
           "Health check: degraded service", desc},
          now_ms);
      h.incident_opened = true;
    }
  }
  if (j) {
    j->kv("healthy", h.problems.empty()).key("problems").begin_array();
    for (auto& p : h.problems) j->str(p);
    j->end_array().kv("incident_id", h.incident_id).kv("incident_opened", h.incident_opened);
  }
  return h;
}

EffectResult health_check(store::Conn& c, const EffectContext& ctx) {
  JsonOut j;
  EffectResult r;
  j.begin_object().kv("checked_at", format_rfc3339(ctx.now_ms));
  if (ctx.cmd.tenant_id) {
    auto usage = usage_24h(c, ctx.cmd.tenant_id, ctx.now_ms);
    check_tenant(c, *ctx.cmd.tenant_id, usage[*ctx.cmd.tenant_id], ctx.now_ms, &j);
    r.touched_tenants.push_back(*ctx.cmd.tenant_id);
  } else {  // every live tenant; the report lists only the degraded ones
    auto tenants = store::live_tenant_ids(c);
    auto usage = usage_24h(c, std::nullopt, ctx.now_ms);
    int64_t degraded = 0, opened = 0;
    j.kv("scope", "all_tenants").key("degraded").begin_array();
    for (auto& t : tenants) {
      ctx.check_deadline();
      auto h = check_tenant(c, t, usage[t], ctx.now_ms, nullptr);
      if (h.problems.empty()) continue;
      ++degraded;
      if (h.incident_opened) {
        ++opened;
        r.touched_tenants.push_back(t);
      }
      j.begin_object().kv("tenant_id", t).key("problems").begin_array();
      for (auto& p : h.problems) j.str(p);
      j.end_array().kv("incident_id", h.incident_id).kv("incident_opened", h.incident_opened);
      j.end_object();
    }
    j.end_array().kv("tenants_checked", tenants.size()).kv("tenants_degraded", degraded);
    j.kv("incidents_opened", opened);
  }
  j.end_object();
  r.output = j.take();
  return r;
}

}  // namespace

bool runs_in_steps(const std::string& command_type) { return command_type == "REPROCESS_QUEUE"; }

EffectResult apply_command(store::Conn& c, const EffectContext& ctx) {
  const auto* spec = domain::find_command(ctx.cmd.command_type);
  if (!spec) throw CommandFailed("unknown command type " + ctx.cmd.command_type);
  auto p = params_of(ctx.cmd, *spec);
  if (ctx.cmd.tenant_id && !store::tenant_exists(c, *ctx.cmd.tenant_id))
    throw CommandFailed("the tenant no longer exists");
  const auto& t = spec->type;
  if (t == "REPROCESS_QUEUE") return reprocess_queue(c, ctx, p);
  if (t == "RESET_TOKEN") return reset_token(c, ctx, p);
  if (t == "RESTART_AGENT") return set_agent_status(c, ctx, p, true, true);
  if (t == "HEALTH_CHECK") return health_check(c, ctx);
  if (t == "RESOLVE_INCIDENT") return resolve_incident(c, ctx, p);
  if (t == "FLUSH_TENANT_CACHE") {
    JsonOut j;
    j.begin_object().kv("tenant_id", tenant_of(ctx.cmd)).kv("cache_flushed", true).end_object();
    return {j.take(), {*ctx.cmd.tenant_id}};
  }
  if (t == "SUSPEND_TENANT") return set_tenant_status(c, ctx, "suspended");
  if (t == "REACTIVATE_TENANT") {
    // Back to what the tenant was before its suspension (a trial stays a trial); a tenant
    // that is not suspended keeps its status.
    auto now = store::tenant_status(c, tenant_of(ctx.cmd));
    std::string to =
        now && *now != "suspended"
            ? *now
            : store::status_before_suspension(c, tenant_of(ctx.cmd)).value_or("active");
    return set_tenant_status(c, ctx, to.c_str());
  }
  if (t == "PAUSE_AGENT") return set_agent_status(c, ctx, p, false, false);
  if (t == "RESUME_AGENT") return set_agent_status(c, ctx, p, true, false);
  throw CommandFailed("no effect is defined for " + ctx.cmd.command_type);
}

}  // namespace painel::jobs
