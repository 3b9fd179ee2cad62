#include "store/usage_ingest.hpp"

#include <map>
#include <set>

#include "core/time.hpp"

namespace painel::store {

ReferenceCheck check_event_references(Conn& c, const std::vector<UsageEvent>& events) {
  std::map<std::string, bool> tenants;
  std::map<std::pair<std::string, std::string>, int>
      pairs;  // 0 ok, 1 unknown agent, 2 not contracted
  for (size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];
    auto t = tenants.find(e.tenant_id);
    if (t == tenants.end())
      t = tenants
              .emplace(e.tenant_id,
                       !c.query("SELECT 1 FROM tenants WHERE id = ?", {e.tenant_id}).empty())
              .first;
    if (!t->second) return {static_cast<int64_t>(i), "tenant_id", "unknown tenant"};
    auto key = std::make_pair(e.tenant_id, e.agent_id);
    auto p = pairs.find(key);
    if (p == pairs.end()) {
      int v = 0;
      if (c.query("SELECT 1 FROM agents WHERE id = ?", {e.agent_id}).empty())
        v = 1;
      else if (c.query("SELECT 1 FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?",
                       {e.tenant_id, e.agent_id})
                   .empty())
        v = 2;
      p = pairs.emplace(key, v).first;
    }
    if (p->second == 1) return {static_cast<int64_t>(i), "agent_id", "unknown agent"};
    if (p->second == 2)
      return {static_cast<int64_t>(i), "agent_id", "agent not contracted by this tenant"};
  }
  return {};
}

IngestResult insert_usage_events(Conn& c, const std::vector<UsageEvent>& events, int64_t now_ms) {
  IngestResult r;
  std::set<std::pair<int64_t, std::string>> dirty;
  std::set<std::string> tenants;
  std::string now = format_rfc3339(now_ms);
  for (auto& e : events) {
    int64_t n = c.exec(
        "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
        "response_time_ms, tokens_used, cost_cents, ingested_at_ms) VALUES (?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(event_id) DO NOTHING",
        {e.event_id, e.tenant_id, e.agent_id, e.occurred_at_ms, int64_t{e.success ? 1 : 0},
         e.response_time_ms, e.tokens_used, e.cost_cents, now_ms});
    if (n == 0) {
      ++r.duplicates;
      continue;
    }
    ++r.accepted;
    dirty.emplace(day_of_ms(e.occurred_at_ms), e.tenant_id);
    tenants.insert(e.tenant_id);
  }
  for (auto& [day, tenant] : dirty)
    c.exec(
        "INSERT INTO usage_dirty_days(day, tenant_id, marked_at) VALUES (?,?,?) ON CONFLICT DO "
        "NOTHING",
        {format_day(day), tenant, now});
  r.tenants.assign(tenants.begin(), tenants.end());
  return r;
}

}  // namespace painel::store
