// Demo incidents (opened by the error bursts' alarms, by failing integrations and by
// staff) and a 90-day history of operational commands with their outputs.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/time.hpp"
#include "demo/model.hpp"
#include "store/bulk_insert.hpp"
#include "store/tenants.hpp"

namespace painel::demo {
namespace {

using store::Value;

std::string hhmm(int64_t ms) { return format_rfc3339(ms / 60000 * 60000).substr(11, 5); }

std::string q(const std::string& s) {  // JSON string (the texts here need no escapes but quotes)
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out + "\"";
}

struct IncidentRef {
  std::string id;
  bool open;
};

struct Command {
  std::string type, params = "{}", output;
  bool admin_only = false;
};

}  // namespace

OpsCounts generate_ops(store::Conn& c, const World& w, int64_t from_day, int64_t now_ms,
                       uint64_t seed) {
  Rng r(mix_seed(seed, 2));
  const auto& catalog = agent_catalog();
  OpsCounts counts;
  store::Tx tx(c, true);
  std::vector<std::vector<IncidentRef>> by_tenant(w.tenants.size());

  store::BulkInsert inc(c, store::BulkTable::Incidents);
  // resolved_ms < 0 (or in the future): still open.
  auto add_incident = [&](int tenant, const char* severity, const std::string& title,
                          const std::string& description, const char* source, int64_t created,
                          int64_t resolved_ms) {
    bool resolved = resolved_ms >= 0 && resolved_ms < now_ms;
    std::string id = r.uuid();
    Value who = resolved ? Value(r.chance(0.6) ? std::string("system")
                                               : (r.chance(0.5) ? w.admin_id : w.support_id))
                         : Value(nullptr);
    inc.add({id, tenant >= 0 ? Value(w.tenants[static_cast<size_t>(tenant)].id) : Value(nullptr),
             severity, title, description, resolved ? "resolved" : "open", source, rfc3339(created),
             resolved ? Value(rfc3339(resolved_ms)) : Value(nullptr), who});
    if (tenant >= 0) by_tenant[static_cast<size_t>(tenant)].push_back({id, !resolved});
    ++counts.incidents;
  };

  for (const Burst& b : w.bursts) {
    int64_t created = b.start_ms + r.range(3, 8) * 60000;
    if (created >= now_ms) continue;
    int64_t resolved = b.end_ms + r.range(5, 40) * 60000;
    std::string pct = std::to_string(std::lround(b.error_rate * 100));
    if (b.tenant < 0) {
      add_incident(-1, "error", "Instabilidade no provedor de modelos de linguagem",
                   "Alarme: erros acima do limite em vários tenants (cerca de " + pct +
                       "% das requisições falharam a partir de " + hhmm(b.start_ms) +
                       " UTC). Causa: degradação no provedor de LLM.",
                   "alert", created, resolved);
      continue;
    }
    const auto& t = w.tenants[static_cast<size_t>(b.tenant)];
    std::string title =
        b.contract >= 0
            ? "Taxa de erros elevada no agente " +
                  std::string(catalog[t.contracts[static_cast<size_t>(b.contract)].agent].name)
            : std::string("Falhas em vários agentes");
    const char* severity = b.error_rate >= 0.5    ? (b.contract < 0 ? "critical" : "error")
                           : b.error_rate >= 0.35 ? "warning"
                                                  : "info";
    add_incident(b.tenant, severity, title,
                 "Alarme de erros: cerca de " + pct + "% das requisições falharam a partir de " +
                     hhmm(b.start_ms) + " UTC.",
                 "alert", created, resolved);
  }
  for (size_t ti = 0; ti < w.tenants.size(); ++ti) {
    const auto& t = w.tenants[ti];
    for (auto& g : t.integrations)
      if (g.status == "error" && (ti == 0 || r.chance(0.7)))
        add_incident(static_cast<int>(ti), "warning", "Falha na integração " + g.name, *g.last_error,
                     "health_check", now_ms - r.range(kHourMs, 3 * kDayMs), -1);
    if (t.status() != "inactive" && r.chance(0.15)) {
      auto& [title, description] = r.pick(staff_incidents());
      int64_t from = std::max(t.created_ms, now_ms - 90 * kDayMs);
      int64_t created = from + r.range(0, now_ms - from - 1);
      int64_t resolved = r.chance(0.8) ? created + r.range(kHourMs, 3 * kDayMs) : -1;
      add_incident(static_cast<int>(ti), r.chance(0.5) ? "info" : "warning", title, description,
                   "manual", created, resolved);
    }
  }
  add_incident(-1, "info", "Manutenção programada do banco de dados",
               "Janela de manutenção no domingo, das 02:00 às 04:00 (horário de Brasília); "
               "pode haver lentidão no painel.",
               "manual", now_ms - r.range(2 * kHourMs, 2 * kDayMs), -1);
  inc.flush();

  store::BulkInsert cmd(c, store::BulkTable::Commands);
  std::map<std::pair<size_t, size_t>, std::pair<int64_t, int64_t>> restarts;  // count, last
  auto add_command = [&](const Command& k, int tenant, int64_t created, const char* status) {
    bool by_admin = k.admin_only || r.chance(0.5);
    std::string st = status;
    int64_t started = created + r.range(500, 5000), done = started + r.range(200, 30000);
    Value output = st == "SUCCESS" ? Value(k.output) : Value(nullptr);
    Value error = st == "ERROR" ? Value(std::string(r.pick(command_errors()))) : Value(nullptr);
    if (done >= now_ms) return;
    cmd.add({r.uuid(), k.type,
             tenant >= 0 ? Value(w.tenants[static_cast<size_t>(tenant)].id) : Value(nullptr),
             k.params, st, by_admin ? w.admin_id : w.support_id,
             by_admin ? "INTERNAL_ADMIN" : "INTERNAL_SUPPORT", rfc3339(created),
             st == "CANCELLED" ? Value(nullptr) : Value(rfc3339(started)),
             rfc3339(st == "CANCELLED" ? created + r.range(5000, 120000) : done), output, error,
             int64_t{st == "CANCELLED" ? 0 : 1}});
    ++counts.commands;
  };

  // Commands span the usage window, at least 30 days, at most the 90 days retention keeps.
  const int64_t window = std::clamp<int64_t>(now_ms - from_day * kDayMs, 30 * kDayMs, 90 * kDayMs);
  // Suspensions and reactivations in the window were done through commands.
  for (size_t ti = 0; ti < w.tenants.size(); ++ti) {
    const auto& h = w.tenants[ti].history;
    for (size_t i = 1; i < h.size(); ++i) {
      if (h[i].ms < now_ms - window) continue;
      bool suspend = h[i].status == "suspended",
           back = h[i].status == "active" && h[i - 1].status == "suspended";
      if (!suspend && !back) continue;
      Command k{suspend ? "SUSPEND_TENANT" : "REACTIVATE_TENANT", "{}",
                std::string("{\"previous_status\":") + q(h[i - 1].status) +
                    ",\"status\":" + q(h[i].status) + "}",
                true};
      add_command(k, static_cast<int>(ti), h[i].ms - r.range(5000, 120000), "SUCCESS");
    }
  }
  std::vector<int> candidates;
  for (size_t ti = 0; ti < w.tenants.size(); ++ti)
    if (!w.tenants[ti].contracts.empty() && w.tenants[ti].status() != "inactive")
      candidates.push_back(static_cast<int>(ti));
  int64_t n = candidates.empty()
                  ? 0
                  : std::clamp<int64_t>(2 * static_cast<int64_t>(w.tenants.size()), 30, 20000);
  const std::vector<double> type_weights = {25, 15, 15, 10, 10, 10, 5, 5};
  for (int64_t i = 0; i < n; ++i) {
    int ti = r.pick(candidates);
    const auto& t = w.tenants[static_cast<size_t>(ti)];
    int64_t from = std::max(t.created_ms + kHourMs, now_ms - window);
    if (from >= now_ms - kHourMs) continue;
    int64_t created = from + r.range(0, now_ms - kHourMs - from);
    size_t ki = static_cast<size_t>(r.range(0, static_cast<int64_t>(t.contracts.size()) - 1));
    const std::string agent_id = w.agent_ids[t.contracts[ki].agent];
    const char* status =
        std::array<const char*, 3>{"SUCCESS", "ERROR", "CANCELLED"}[r.weighted({0.8, 0.12, 0.08})];
    Command k;
    int tenant = ti;
    switch (r.weighted(type_weights)) {
      case 0: {
        k.type = "HEALTH_CHECK";
        if (r.chance(0.2)) tenant = -1;
        int64_t degraded = r.chance(0.15) ? 1 : 0;
        k.output = "{\"agents_checked\":" +
                   std::to_string(tenant < 0 ? r.range(40, 400)
                                             : static_cast<int64_t>(t.contracts.size())) +
                   ",\"agents_degraded\":" + std::to_string(degraded) +
                   ",\"integrations_error\":" + std::to_string(r.range(0, 1)) +
                   ",\"incident_opened\":" + (degraded ? "true" : "false") + "}";
        break;
      }
      case 1: {
        k.type = "REPROCESS_QUEUE";
        int64_t to = day_of_ms(created) - r.range(0, 2), days = r.range(1, 7);
        k.params =
            "{\"from\":" + q(format_day(to - days + 1)) + ",\"to\":" + q(format_day(to)) + "}";
        k.output = "{\"days\":" + std::to_string(days) +
                   ",\"events\":" + std::to_string(r.range(50, 5000) * days) +
                   ",\"rows\":" + std::to_string(days * static_cast<int64_t>(t.contracts.size())) +
                   "}";
        break;
      }
      case 2: {
        k.type = "RESTART_AGENT";
        k.params = "{\"agent_id\":" + q(agent_id) + "}";
        if (std::string(status) == "SUCCESS") {
          auto& [count, last] = restarts[{static_cast<size_t>(ti), ki}];
          ++count;
          last = std::max(last, created);
          k.output = "{\"agent_id\":" + q(agent_id) +
                     ",\"status\":\"active\",\"restart_count\":" + std::to_string(count) + "}";
        }
        break;
      }
      case 3:
        k.type = "FLUSH_TENANT_CACHE";
        k.output = "{\"keys_dropped\":" + std::to_string(r.range(0, 400)) + "}";
        break;
      case 4: {
        k.type = "RESET_TOKEN";
        if (t.integrations.empty()) continue;
        const auto& g = t.integrations[static_cast<size_t>(
            r.range(0, static_cast<int64_t>(t.integrations.size()) - 1))];
        k.params = "{\"integration_id\":" + q(g.id) + "}";
        k.output = "{\"integration_id\":" + q(g.id) +
                   ",\"status\":\"inactive\",\"reconnect_required\":true}";
        break;
      }
      case 5: {
        k.type = "RESOLVE_INCIDENT";
        auto& list = by_tenant[static_cast<size_t>(ti)];
        if (list.empty()) continue;
        const auto& x =
            list[static_cast<size_t>(r.range(0, static_cast<int64_t>(list.size()) - 1))];
        if (x.open) status = "ERROR";  // it is still open: this attempt must have failed
        k.params = "{\"incident_id\":" + q(x.id) + "}";
        k.output = "{\"incident_id\":" + q(x.id) + ",\"status\":\"resolved\"}";
        break;
      }
      default: {
        bool pause = r.chance(0.5);
        k.type = pause ? "PAUSE_AGENT" : "RESUME_AGENT";
        k.admin_only = true;
        k.params = "{\"agent_id\":" + q(agent_id) + "}";
        k.output = "{\"agent_id\":" + q(agent_id) +
                   ",\"status\":" + q(pause ? "inactive" : "active") + "}";
      }
    }
    add_command(k, tenant, created, status);
  }
  cmd.flush();
  for (auto& [key, v] : restarts) {
    const auto& t = w.tenants[key.first];
    store::set_contract_restarts(c, t.contracts[key.second].id, v.first, rfc3339(v.second));
  }
  tx.commit();
  return counts;
}

}  // namespace painel::demo
