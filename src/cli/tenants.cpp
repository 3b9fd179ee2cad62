// `painel tenants create|update|list` and `painel contracts set|end`: the administration
// API's tenant writes for scripts, through the same store functions and rules
// (domain/tenants, store/tenants, store/contracts). Exit 2: bad arguments (UsageError);
// exit 1: the store refuses (duplicate CNPJ, unknown id, limit reached), one line saying why.
#include "domain/tenants.hpp"

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <iostream>

#include "api/render_rows.hpp"
#include "api/tenant_changes.hpp"
#include "cli/subcommands.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "domain/cnpj.hpp"
#include "store/contracts.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::cli {
namespace {

struct Refused : std::runtime_error {  // → exit 1
  using std::runtime_error::runtime_error;
};

// A limit option: "plan" → the plan's (nullopt), else an integer in [0, max].
std::optional<int64_t> parse_limit(const std::string& text, const domain::LimitSpec& spec) {
  if (text == "plan") return std::nullopt;
  int64_t v = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0 || v > spec.max) {
    std::string opt = spec.name;
    for (auto& ch : opt)
      if (ch == '_') ch = '-';
    throw UsageError("--" + opt + " must be an integer from 0 to " + std::to_string(spec.max) +
                     ", or 'plan'");
  }
  return v;
}

void apply_limits(const TenantArgs& a, domain::LimitOverrides& into) {
  const std::optional<std::string>* given[] = {&a.max_agents, &a.max_users,
                                               &a.max_requests_per_month};
  for (size_t i = 0; i < std::size(domain::kTenantLimits); ++i)
    if (*given[i]) into.at(i) = parse_limit(**given[i], domain::kTenantLimits[i]);
}

std::string require_id(const std::string& raw, const char* what) {
  if (!is_uuid(raw)) throw UsageError(std::string(what) + " is not an id (a UUID)");
  std::string id = raw;
  for (auto& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return id;
}

void check_name(const std::optional<std::string>& name) {
  if (name && !domain::valid_tenant_name(*name))
    throw UsageError("--name must be 1..200 characters, no control characters");
}

void check_time_zone(const std::optional<std::string>& zone) {
  if (zone && !TimeZone::find(*zone))
    throw UsageError("--time-zone must be an IANA time zone name, e.g. America/Sao_Paulo");
}

void require_plan(store::Conn& c, const std::string& plan) {
  if (!store::plan_exists(c, plan))
    throw UsageError("--plan must be starter, professional or enterprise");
}

std::string tenant_json(store::Conn& c, const std::string& id) {
  auto t = store::tenant_settings(c, id);
  auto l = store::tenant_limits(c, id).value_or(domain::EffectiveLimits{});
  JsonOut j;
  j.begin_object()
      .kv("id", id)
      .kv("name", t->name)
      .kv("cnpj", t->cnpj)
      .kv("segment", t->segment)
      .kv("plan", t->plan)
      .kv("status", t->status)
      .kv("time_zone", t->time_zone)
      .key("mrr_estimate")
      .money(t->mrr_cents);
  api::render_limits(j, l);
  api::render_limit_overrides(j, t->limits);
  j.end_object();
  return j.take();
}

// Runs a write; a Refused inside becomes exit 1 with its one line.
template <class F>
int run_write(const std::string& database, F&& body) {
  auto s = open_migrated(database);
  try {
    std::string out = s->write([&](store::Conn& c) { return body(c); });
    std::cout << out << "\n";
    return 0;
  } catch (const Refused& e) {
    std::cerr << "painel: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int cmd_tenants_create(const std::string& database, const TenantArgs& a) {
  store::NewTenant t;
  t.name = a.name.value_or("");
  check_name(t.name);
  t.plan = a.plan.value_or("starter");
  t.segment = a.segment.value_or("outros");
  if (t.segment.empty() || t.segment.size() > domain::kTenantSegmentMax)
    throw UsageError("--segment must be 1..50 characters");
  t.status = a.status.value_or("active");
  if (!domain::valid_initial_status(t.status)) throw UsageError("--status must be trial or active");
  if (a.cnpj && !a.cnpj->empty()) {
    t.cnpj = domain::cnpj_normalize(*a.cnpj);
    if (!t.cnpj) throw UsageError("--cnpj is not a valid CNPJ (check digits)");
  }
  check_time_zone(a.time_zone);
  if (a.time_zone) t.time_zone = *a.time_zone;
  apply_limits(a, t.limits);
  constexpr const char* kTaken = "a tenant with this CNPJ already exists";
  // The route creates tenants off the global write lock (unique_or_conflict): beside it
  // both checks can pass, and this insert then fails on the CNPJ's constraint once the
  // route commits. That is the same refusal as the check's, as the route answers 409.
  try {
    return run_write(database, [&](store::Conn& c) {
      require_plan(c, t.plan);
      if (t.cnpj && store::cnpj_taken(c, *t.cnpj)) throw Refused(kTaken);
      auto id = store::create_tenant(c, t, wall_now_ms());
      audit_cli(c, "tenant.create", id, id, api::tenant_create_changes(t).metadata());
      return a.json ? tenant_json(c, id) : id;
    });
  } catch (const store::DbError& e) {
    if (e.kind != store::DbError::Kind::Constraint || !t.cnpj ||
        !store::cnpj_taken(open_migrated(database)->conn(), *t.cnpj))
      throw;
    std::cerr << "painel: " << kTaken << "\n";
    return 1;
  }
}

int cmd_tenants_update(const std::string& database, const std::string& raw_id,
                       const TenantArgs& a) {
  std::string id = require_id(raw_id, "ID");
  check_name(a.name);
  if (a.segment && (a.segment->empty() || a.segment->size() > domain::kTenantSegmentMax))
    throw UsageError("--segment must be 1..50 characters");
  check_time_zone(a.time_zone);
  domain::LimitOverrides given;
  apply_limits(a, given);  // validates before the store is opened
  return run_write(database, [&](store::Conn& c) {
    // The routes write tenants off the global lock: the same row lock as theirs.
    store::lock_tenant_row(c, id);
    auto before = store::tenant_settings(c, id);
    if (!before) throw Refused("no tenant with id " + id);
    auto after = *before;
    if (a.name) after.name = *a.name;
    if (a.segment) after.segment = *a.segment;
    if (a.time_zone) after.time_zone = *a.time_zone;
    if (a.plan) {
      require_plan(c, *a.plan);
      after.plan = *a.plan;
    }
    apply_limits(a, after.limits);
    store::update_tenant(c, id, after, wall_now_ms());
    audit_cli(c, "tenant.update", id, id, api::tenant_update_changes(*before, after).metadata());
    return a.json ? tenant_json(c, id) : std::string("updated");
  });
}

int cmd_tenants_list(const std::string& database, const std::string& status, bool json) {
  store::TenantListQuery q;
  if (status != "all") q.status = status;
  q.page = {1'000'000, 0};
  auto s = open_migrated(database);
  JsonOut j;
  j.begin_object().key("tenants").begin_array();
  int64_t today = day_of_ms(wall_now_ms());
  int64_t total = store::list_tenants(s->conn(), q, today, [&](const store::TenantListItem& t) {
    if (!json) {
      std::cout << t.id << "\t" << t.status << "\t" << t.plan << "\t" << t.name << "\n";
      return;
    }
    api::begin_tenant(j, t);
    j.kv("active_agents", t.active_agents)
        .kv("active_users", t.active_users)
        .kv("created_at", t.created_at)
        .end_object();
  });
  j.end_array().kv("total", total).end_object();
  if (json) std::cout << j.take() << "\n";
  return 0;
}

int cmd_contracts_set(const std::string& database, const std::string& raw_tenant,
                      const std::string& raw_agent, const std::string& status,
                      const std::string& config_text, bool json) {
  std::string tenant = require_id(raw_tenant, "--tenant");
  std::string agent = require_id(raw_agent, "--agent");
  if (status != "active" && status != "inactive")
    throw UsageError("--status must be active or inactive");
  std::optional<std::string> config;
  if (!config_text.empty()) {
    rapidjson::Document d;
    if (parse_json(config_text, d) || !d.IsObject())
      throw UsageError("--config must be a JSON object");
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    config = std::string(sb.GetString(), sb.GetSize());
  }
  return run_write(database, [&](store::Conn& c) {
    // The contract route's locks, in its order (it runs off the global lock).
    store::share_agent_row(c, agent);
    if (!store::lock_tenant_row(c, tenant)) throw Refused("no tenant with id " + tenant);
    auto ok = store::agent_contractable(c, agent);
    if (ok == store::Contractable::NoSuchAgent) throw Refused("no agent with id " + agent);
    if (ok == store::Contractable::Retired && status == "active")
      throw Refused("the agent is retired: it takes no new contracts");
    auto change = store::set_contract(c, tenant, agent, status == "active", config, wall_now_ms());
    using O = store::ContractChange::Outcome;
    if (change.outcome == O::LimitReached)
      throw Refused("the tenant has reached its limit of " + std::to_string(change.max_agents) +
                    " active agents");
    if (change.outcome != O::Unchanged) {
      api::Changes ch;
      auto st = [](const std::optional<store::Contract>& k) {
        return k ? std::optional<std::string>(k->status) : std::nullopt;
      };
      ch.text("status", st(change.before), st(change.after));
      audit_cli(c, "contract.set", tenant, change.after->id,
                ch.metadata({{"agent_id", json_escape(agent)}}));
    }
    const char* outcome = change.outcome == O::Created   ? "created"
                          : change.outcome == O::Changed ? "changed"
                                                         : "unchanged";
    if (!json) return std::string(outcome);
    JsonOut j;
    j.begin_object()
        .kv("contract_id", change.after->id)
        .kv("tenant_id", tenant)
        .kv("agent_id", agent)
        .kv("status", change.after->status)
        .key("config")
        .raw(change.after->config)
        .kv("activated_at", change.after->activated_at)
        .kv("deactivated_at", change.after->deactivated_at)
        .kv("outcome", outcome)
        .end_object();
    return j.take();
  });
}

int cmd_contracts_end(const std::string& database, const std::string& raw_tenant,
                      const std::string& raw_agent, bool json) {
  std::string tenant = require_id(raw_tenant, "--tenant");
  std::string agent = require_id(raw_agent, "--agent");
  return run_write(database, [&](store::Conn& c) {
    store::lock_tenant_row(c, tenant);  // as the route, which runs off the global lock
    auto before = store::end_contract(c, tenant, agent, wall_now_ms());
    if (!before) throw Refused("this tenant has no contract for agent " + agent);
    if (before->status != "inactive") {
      api::Changes ch;
      ch.text("status", before->status, std::string("inactive"));
      audit_cli(c, "contract.end", tenant, before->id,
                ch.metadata({{"agent_id", json_escape(agent)}}));
    }
    if (!json) return std::string("ended");
    JsonOut j;
    j.begin_object()
        .kv("contract_id", before->id)
        .kv("tenant_id", tenant)
        .kv("agent_id", agent)
        .kv("status", "inactive")
        .end_object();
    return j.take();
  });
}

}  // namespace painel::cli
