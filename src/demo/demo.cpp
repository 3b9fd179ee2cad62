#include "demo/demo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "auth/password.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "demo/model.hpp"
#include "domain/catalog.hpp"
#include "domain/cnpj.hpp"
#include "store/audit.hpp"
#include "store/billing.hpp"
#include "store/bulk_insert.hpp"
#include "store/tenants.hpp"
#include "store/usage_aggregate.hpp"
#include "store/users.hpp"

namespace painel::demo {
namespace {

using store::BulkInsert;
using store::BulkTable;
using store::Conn;
using store::Value;

struct PlanDef {
  const char* name;
  double weight, volume;  // share of tenants, relative requests per agent
  int min_agents, most_agents;
  int64_t base_cents = 0;  // price and limit come from the store's plans table
  int max_agents = 0;
};
const PlanDef kPlans[] = {{"starter", 0.45, 1.0, 1, 3},
                          {"professional", 0.40, 2.5, 2, 6},
                          {"enterprise", 0.15, 6.0, 3, 6}};

std::vector<PlanDef> load_plans(Conn& c) {
  std::vector<PlanDef> out;
  for (PlanDef p : kPlans) {
    auto plan = store::find_plan(c, p.name);
    if (!plan) throw std::runtime_error(std::string("demo: plan '") + p.name + "' is missing");
    p.base_cents = plan->base_price_cents;
    p.max_agents = static_cast<int>(plan->max_agents);
    out.push_back(p);
  }
  return out;
}

using domain::slugify;

std::string person_name(Rng& r) {
  return std::string(r.pick(first_names())) + " " + r.pick(last_names());
}

// Company name from a segment's business kinds, a core name and an optional complement;
// `taken` holds slugs already used so that e-mail domains stay unique.
std::string company_base(Rng& r, const SegmentDef& seg, std::unordered_set<std::string>& taken,
                         size_t index) {
  for (int attempt = 0;; ++attempt) {
    std::string kind = r.pick(seg.kinds), core = r.pick(name_cores());
    std::string base = kind[0] == '~' ? core + " " + kind.substr(1) : kind + " " + core;
    if (r.chance(0.35) || attempt > 10) base += std::string(" ") + r.pick(name_complements());
    if (attempt > 30) base += " " + std::to_string(index + 1);
    if (taken.insert(slugify(base)).second) return base;
  }
}

std::string new_cnpj(Rng& r, std::unordered_set<std::string>& taken) {
  for (;;) {
    std::string first12 = std::to_string(r.range(10000000, 99999999)) + "0001";
    std::string cnpj = domain::cnpj_with_check_digits(first12);
    if (taken.insert(cnpj).second) return cnpj;
  }
}

// Sign-up, trial, conversion, and for some tenants suspension, reactivation or churn.
void lifecycle(Rng& r, TenantModel& t, int64_t now_ms, bool showcase) {
  t.history = {{t.created_ms, "trial"}};
  int64_t converted = t.created_ms + r.range(7, 30) * kDayMs + r.range(0, kDayMs);
  if (converted >= now_ms - kHourMs) return;  // still trying the product
  double x = showcase ? 1.0 : r.uniform();
  if (x < 0.05) {
    t.history.push_back({converted, "inactive"});  // trial expired without converting
    return;
  }
  t.history.push_back({converted, "active"});
  int64_t span = now_ms - converted;
  if (x < 0.12 && span > 30 * kDayMs) {
    int64_t churn = converted + 15 * kDayMs + r.range(0, span - 16 * kDayMs);
    int64_t susp = churn - r.range(5, 20) * kDayMs;
    if (r.chance(0.5) && susp > converted) t.history.push_back({susp, "suspended"});
    t.history.push_back({churn, "inactive"});
  } else if (x < 0.19) {
    int64_t from = std::max(converted, now_ms - 60 * kDayMs);
    t.history.push_back({from + r.range(0, now_ms - kHourMs - from), "suspended"});
  } else if (x < 0.23 && span > 40 * kDayMs) {  // suspended for a few days, then back
    int64_t susp = converted + r.range(10 * kDayMs, span - 20 * kDayMs);
    t.history.push_back({susp, "suspended"});
    t.history.push_back({susp + r.range(1, 7) * kDayMs + r.range(0, kDayMs), "active"});
  }
}

void contracts(Rng& r, TenantModel& t, const PlanDef& plan, int64_t now_ms) {
  const auto& catalog = agent_catalog();
  int n = static_cast<int>(r.range(plan.min_agents, plan.most_agents));
  n = std::min(n, plan.max_agents);
  std::vector<double> weights;
  for (auto& a : catalog)
    weights.push_back(a.popularity *
                      (std::string(a.affinity).find(t.segment) != std::string::npos ? 4.0 : 1.0));
  // End of service: churn or now. Contracts end when the tenant churns.
  std::optional<int64_t> churned;
  if (t.status() == "inactive") churned = t.history.back().ms;
  int64_t end = churned.value_or(now_ms);
  double size = std::exp(0.5 * r.normal());
  for (int i = 0; i < n; ++i) {
    size_t a = r.weighted(weights);
    weights[a] = 0;  // without replacement
    Contract k;
    k.id = r.uuid();
    k.agent = a;
    bool later = i > 0 && r.chance(0.3);
    int64_t window = std::max<int64_t>(end - t.created_ms - kHourMs, kHourMs);
    k.activated_ms = t.created_ms +
                     (later ? r.range(0, window) : r.range(kHourMs, std::min(window, 3 * kDayMs)));
    k.activated_ms = std::min(k.activated_ms, end - 1);
    if (churned)
      k.deactivated_ms = *churned + 1000;  // after the churn row, which keeps its MRR
    else if (r.chance(0.07) && now_ms - k.activated_ms > 10 * kDayMs)
      k.deactivated_ms =
          k.activated_ms + 7 * kDayMs + r.range(0, now_ms - k.activated_ms - 8 * kDayMs);
    k.volume = plan.volume * size * std::sqrt(catalog[a].popularity) * std::exp(0.3 * r.normal());
    k.error_rate = 0.005 + 0.035 * r.uniform();
    t.contracts.push_back(std::move(k));
  }
}

void integrations(Rng& r, TenantModel& t, bool showcase) {
  const auto& defs = integration_defs();
  std::vector<size_t> order{0, 1, 2, 3, 4};
  for (size_t i = order.size() - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<size_t>(r.range(0, static_cast<int64_t>(i)))]);
  int n = showcase ? 3 : static_cast<int>(r.range(1, 4));
  for (int i = 0; i < n; ++i) {
    const auto& d = defs[order[static_cast<size_t>(i)]];
    Integration g{r.uuid(), d.type, r.pick(d.names), "active", std::nullopt};
    double x = r.uniform();
    if (t.status() == "inactive")
      g.status = "inactive";
    else if (x < 0.10 || (showcase && i == 0))
      g.status = "error";
    else if (x < 0.15)
      g.status = "inactive";
    if (g.status == "error") g.last_error = r.pick(d.errors);
    t.integrations.push_back(std::move(g));
  }
}

World build_world(Rng& r, const DemoOptions& o, const std::vector<PlanDef>& plans, int64_t now_ms) {
  World w;
  for (size_t i = 0; i < agent_catalog().size(); ++i) w.agent_ids.push_back(r.uuid());
  w.admin_id = r.uuid();
  w.support_id = r.uuid();
  std::vector<double> seg_weights;
  for (auto& s : segments()) seg_weights.push_back(s.weight);
  std::unordered_set<std::string> slugs, cnpjs;
  const char* suffixes[] = {"Ltda", "S.A.", "ME"};
  for (int i = 0; i < o.tenants; ++i) {
    bool showcase = i == 0;  // the first tenant's logins are printed: make it a good demo
    TenantModel t;
    t.id = r.uuid();
    const SegmentDef& seg = segments()[r.weighted(seg_weights)];
    t.segment = seg.segment;
    std::string base = company_base(r, seg, slugs, static_cast<size_t>(i));
    t.slug = slugify(base);
    t.name = base + " " + suffixes[r.weighted({0.65, 0.15, 0.20})];
    t.cnpj = new_cnpj(r, cnpjs);
    size_t plan = r.weighted({plans[0].weight, plans[1].weight, plans[2].weight});
    // Sign-ups accelerate towards now (a growing business): age = 365 d × u^1.5.
    double age_days = 365.0 * std::pow(r.uniform(), 1.5);
    if (showcase) {
      age_days = 300;
      plan = 1;  // professional
    }
    t.plan = plans[plan].name;
    t.plan_base_cents = plans[plan].base_cents;
    t.created_ms =
        (now_ms - std::max<int64_t>(static_cast<int64_t>(age_days * kDayMs), 2 * kHourMs)) / 1000 *
        1000;
    lifecycle(r, t, now_ms, showcase);
    contracts(r, t, plans[plan], now_ms);
    integrations(r, t, showcase);
    t.admin_user_id = r.uuid();
    w.tenants.push_back(std::move(t));
  }
  return w;
}

int64_t mrr_at(const TenantModel& t, int64_t ms) {
  int64_t mrr = t.plan_base_cents;
  for (auto& k : t.contracts)
    if (k.active_at(ms)) mrr += agent_catalog()[k.agent].monthly_price_cents;
  return mrr;
}

// The tenant's tenant_status_history rows: its status changes, and a same-status row at
// every contract start or end that moves its MRR, as store::recompute_tenant_mrr records
// them; so the billing trend's last point is the sum of the tenants' current MRR.
struct HistoryRow {
  int64_t ms;
  std::optional<std::string> old_status;
  std::string status;
  int64_t mrr_cents;
};
std::vector<HistoryRow> history_rows(const TenantModel& t, int64_t now_ms) {
  std::vector<std::pair<int64_t, int>> events;  // (ms, history index or -1: a contract event)
  for (size_t h = 0; h < t.history.size(); ++h)
    events.push_back({t.history[h].ms, static_cast<int>(h)});
  for (auto& k : t.contracts) {
    events.push_back({k.activated_ms, -1});
    if (k.deactivated_ms) events.push_back({*k.deactivated_ms, -1});
  }
  // By time; at the same instant the status change first (it is the row a contract follows).
  using Event = std::pair<int64_t, int>;
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.first != b.first) return a.first < b.first;
    return (a.second >= 0) > (b.second >= 0);
  });
  std::vector<HistoryRow> out;
  for (auto [ms, h] : events) {
    if (ms > now_ms) continue;
    int64_t mrr = mrr_at(t, ms);
    if (h >= 0) {
      out.push_back({ms, h ? std::optional<std::string>(t.history[h - 1].status) : std::nullopt,
                     t.history[h].status, mrr});
    } else if (!out.empty() && out.back().mrr_cents != mrr) {
      const auto& st = out.back().status;
      out.push_back({ms, st, st, mrr});
    }
  }
  return out;
}

Value opt_time(const std::optional<int64_t>& ms) {
  return ms ? Value(rfc3339(*ms)) : Value(nullptr);
}

// Catalog, tenants with history, contracts, integrations and users, in one transaction:
// the store ends up with all of them or none.
void write_structure(Conn& c, Rng& r, World& w, const std::string& hash, int64_t now_ms,
                     DemoSummary& sum) {
  store::Tx tx(c, true);
  const auto& catalog = agent_catalog();
  int64_t catalog_time = now_ms - 400 * kDayMs;
  for (size_t i = 0; i < catalog.size(); ++i) {
    auto& a = catalog[i];
    if (auto found = store::find_agent_by_slug(c, a.slug)) {
      w.agent_ids[i] = *found;  // keep an existing catalog entry
      continue;
    }
    store::insert_agent(
        c, w.agent_ids[i],
        {a.slug, a.name, a.segment, a.subnucleus, a.description, a.monthly_price_cents},
        rfc3339(catalog_time));
  }
  struct Internal {
    std::string* id;
    const char *email, *name, *group;
  } internal[] = {
      {&w.admin_id, "admin@alquimista.ai", "Administração AlquimistaAI", "INTERNAL_ADMIN"},
      {&w.support_id, "suporte@alquimista.ai", "Suporte AlquimistaAI", "INTERNAL_SUPPORT"}};
  BulkInsert staff(c, BulkTable::Users);
  for (auto& u : internal) {
    if (auto existing = store::find_user_by_email(c, u.email)) {
      *u.id = existing->id;  // an operator's account: keep it (and its password)
      continue;
    }
    staff.add({*u.id, u.email, u.name, name_sort_key(u.name), hash, u.group, rfc3339(catalog_time),
               rfc3339(now_ms - r.range(1, 48) * kHourMs)});
    staff.flush();
    sum.logins.push_back({u.email, kDemoPassword, u.group, ""});
  }
  BulkInsert tenants(c, BulkTable::Tenants);
  BulkInsert history(c, BulkTable::TenantStatusHistory);
  BulkInsert agents(c, BulkTable::TenantAgents);
  BulkInsert integ(c, BulkTable::TenantIntegrations);
  const char* tones[] = {"cordial", "formal", "descontraído"};
  // Parents are flushed before children: buffered rows would otherwise trip foreign keys.
  for (auto& t : w.tenants)
    tenants.add({t.id, t.name, name_sort_key(t.name), t.cnpj, t.segment, t.plan, t.status(),
                 mrr_at(t, now_ms), rfc3339(t.created_ms), rfc3339(t.history.back().ms)});
  tenants.flush();
  // The history without migration 30's per-row trigger work: billing_mrr_hours is filled
  // once at the end from all of it (store/billing.hpp).
  store::bulk_load_status_history(c, [&] {
    for (auto& t : w.tenants)
      for (auto& row : history_rows(t, now_ms))
        history.add({t.id, row.old_status ? Value(*row.old_status) : Value(nullptr), row.status,
                     row.mrr_cents, rfc3339(row.ms)});
    history.flush();
  });
  for (auto& t : w.tenants) {
    for (auto& k : t.contracts) {
      std::string config =
          std::string("{\"idioma\":\"pt-BR\",\"tom\":\"") + tones[r.range(0, 2)] +
          "\",\"horario_atendimento\":\"" + (r.chance(0.5) ? "24x7" : "08:00-18:00") +
          "\",\"transferir_para_humano\":" + (r.chance(0.7) ? "true" : "false") + "}";
      agents.add({k.id, t.id, w.agent_ids[k.agent], k.deactivated_ms ? "inactive" : "active",
                  config, rfc3339(k.activated_ms), opt_time(k.deactivated_ms)});
    }
    for (auto& g : t.integrations) {
      int64_t created = std::min(t.created_ms + r.range(0, 10 * kDayMs), now_ms - kHourMs);
      int64_t sync = g.status == "active"  ? now_ms - r.range(60000, 2 * kHourMs)
                     : g.status == "error" ? now_ms - r.range(2 * kHourMs, 5 * kDayMs)
                                           : t.history.back().ms;
      sync = std::max(sync, created);
      integ.add({g.id, t.id, g.type, g.name, g.status, rfc3339(sync),
                 g.last_error ? Value(*g.last_error) : Value(nullptr),
                 g.last_error ? Value(rfc3339(sync)) : Value(nullptr), rfc3339(created),
                 rfc3339(sync)});
    }
  }
  agents.flush();
  integ.flush();

  BulkInsert users(c, BulkTable::Users);
  std::vector<store::Params> pending_links;
  for (auto& t : w.tenants) {
    bool gone = t.status() == "inactive";
    auto add = [&](const std::string& id, const std::string& email, const char* group) {
      int64_t created = t.created_ms + r.range(0, 2 * kHourMs);
      std::optional<int64_t> login;
      if (!gone && r.chance(0.6)) login = std::max(created, now_ms - r.range(kHourMs, 14 * kDayMs));
      std::string name = person_name(r);
      users.add(
          {id, email, name, name_sort_key(name), hash, group, rfc3339(created), opt_time(login)});
      pending_links.push_back({t.id, id, group, rfc3339(created)});
    };
    add(t.admin_user_id, "admin@" + t.slug + ".com.br", "TENANT_ADMIN");
    add(r.uuid(), "usuario@" + t.slug + ".com.br", "TENANT_USER");
    if (r.chance(0.3)) {
      std::string person = slugify(std::string(r.pick(first_names())) + "." + r.pick(last_names()));
      std::replace(person.begin(), person.end(), '-', '.');
      add(r.uuid(), person + "@" + t.slug + ".com.br", "TENANT_USER");
    }
  }
  users.flush();
  BulkInsert links(c, BulkTable::TenantUsers);
  for (auto& l : pending_links) links.add(std::move(l));
  links.flush();
  tx.commit();
  auto& first = w.tenants.front();
  sum.logins.push_back(
      {"admin@" + first.slug + ".com.br", kDemoPassword, "TENANT_ADMIN", first.name});
  sum.logins.push_back(
      {"usuario@" + first.slug + ".com.br", kDemoPassword, "TENANT_USER", first.name});
}

}  // namespace

DemoSummary load_demo(store::Store& s, const DemoOptions& o, int64_t now_ms,
                      const std::function<void(const std::string&)>& progress_fn) {
  if (o.tenants < 1 || o.tenants > 100000)
    throw std::runtime_error("demo: --tenants must be 1..100000");
  if (o.days < 1 || o.days > 3650) throw std::runtime_error("demo: --days must be 1..3650");
  auto progress = [&](const std::string& m) {
    if (progress_fn) progress_fn(m);
  };
  auto t0 = std::chrono::steady_clock::now();
  Conn& c = s.conn();
  if (store::any_tenant(c))
    throw std::runtime_error(
        "demo: the store already has tenants; demo data only goes into an empty store");

  Rng r(mix_seed(o.seed, 0));
  World w = build_world(r, o, load_plans(c), now_ms);
  std::string hash = auth::hash_password(kDemoPassword, auth::PasswordCost::Fast);
  DemoSummary sum;
  sum.tenants = o.tenants;
  write_structure(c, r, w, hash, now_ms, sum);
  progress(std::to_string(agent_catalog().size()) + " agents in the catalog, " +
           count_text(o.tenants) + " tenants with users, contracts and integrations");

  int64_t today = day_of_ms(now_ms), from_day = today - o.days + 1;
  sum.events = generate_usage(c, w, from_day, now_ms, o.seed, progress);
  // The events' local days (the demo tenants' zone is the default, west of UTC) start up to
  // one day before their first UTC day.
  const int64_t first_local_day = from_day - 1;

  // Several days per transaction: with thousands of tenants each day's rows land on a
  // page per tenant of tenant_usage_daily, and committing them once per chunk rather than
  // once per day writes those pages (and checkpoints them) ~step times less often.
  int64_t step = std::max<int64_t>(1, (o.days + 9) / 10);
  for (int64_t d = first_local_day; d <= today; d += step) {
    int64_t to = std::min(today, d + step - 1);
    store::Tx tx(c, true);
    store::aggregate_days(c, d, to, std::nullopt, now_ms);
    tx.commit();
    progress("aggregated " + std::to_string(to - first_local_day + 1) + "/" +
             std::to_string(o.days + 1) + " days");
  }

  OpsCounts ops = generate_ops(c, w, from_day, now_ms, o.seed);
  {
    store::Tx tx(c, true);
    store::audit_append(
        c,
        {"system", "system", "demo.load", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
         "{\"tenants\":" + std::to_string(o.tenants) + ",\"days\":" + std::to_string(o.days) +
             ",\"seed\":" + std::to_string(o.seed) + ",\"events\":" + std::to_string(sum.events) +
             "}"},
        now_ms);
    tx.commit();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f s", secs);
  progress(count_text(ops.incidents) + " incidents, " + count_text(ops.commands) +
           " commands; done in " + buf);
  return sum;
}

}  // namespace painel::demo
