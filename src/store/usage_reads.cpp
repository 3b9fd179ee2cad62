#include "store/usage_reads.hpp"

#include <algorithm>

#include "core/string_map.hpp"
#include "core/time.hpp"
#include "store/usage_rollup.hpp"

namespace painel::store {
namespace {

constexpr const char* kSums =
    "coalesce(sum(total_requests),0), coalesce(sum(successful_requests),0), "
    "coalesce(sum(failed_requests),0), coalesce(sum(sum_response_time_ms),0), "
    "coalesce(sum(total_tokens),0), coalesce(sum(cost_cents),0)";

// The ranked agents' names and deployed_count (tenants with an active contract for it, as
// the original's overview counted; tenant_agents_agent(agent_id, status, tenant_id) answers
// it from the index alone, migration 29), for an IN list of ids.
constexpr const char* kAgentsNamedAndDeployed =
    "SELECT a.id, a.name, (SELECT count(DISTINCT ta.tenant_id) FROM tenant_agents ta WHERE "
    "ta.agent_id = a.id AND ta.status = 'active') FROM agents a WHERE a.id IN ";

// id → name from `sql` (SELECT id, name … WHERE id IN in_list_placeholders()) for the n ids
// id_at(i): one statement per kInListChunk of them.
template <class IdAt>
StringMap<std::string> names_by_id(Conn& c, const std::string& sql, size_t n, IdAt id_at) {
  StringMap<std::string> names;
  for_in_chunks(n, id_at, [&](const Params& chunk) {
    c.each_view(sql, chunk,
                [&](const RowView& r) { names.emplace(std::string(r.text(0)), r.text(1)); });
    return true;
  });
  return names;
}

template <class R>  // Row or RowView
domain::UsageSums sums_at(const R& r, size_t i) {
  return {r.i64(i), r.i64(i + 1), r.i64(i + 2), r.i64(i + 3), r.i64(i + 4), r.i64(i + 5)};
}

std::string agent_filter(const std::optional<std::string>& agent_id, Params& p) {
  if (!agent_id) return "";
  p.emplace_back(*agent_id);
  return " AND d.agent_id = ?";
}

}  // namespace

domain::UsageSums tenant_usage_sums(Conn& c, const store::TenantScope& s, int64_t from_day,
                                    int64_t to_day, const std::optional<std::string>& agent_id) {
  Params p{s.tenant_id(), format_day(from_day), format_day(to_day)};
  std::string sql = std::string("SELECT ") + kSums +
                    " FROM tenant_usage_daily d WHERE d.tenant_id = ? AND d.day BETWEEN ? AND ?" +
                    agent_filter(agent_id, p);
  auto r = c.query(sql, p);
  return sums_at(r[0], 0);
}

namespace {

void keep_top(std::vector<UsageOverview::Ranked>& v, size_t top) {
  auto by_requests = [](const auto& x, const auto& y) {
    return x.total != y.total ? x.total > y.total : x.id < y.id;
  };
  size_t n = std::min(top, v.size());
  std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), by_requests);
  v.resize(n);
}

}  // namespace

namespace {

// Names of the ranked tenants and agents, and the agents' deployed counts: one statement
// for the tenants, one for the agents, whatever the number ranked.
void name_ranked(Conn& c, UsageOverview& out) {
  if (!out.top_tenants.empty()) {
    static const std::string sql =
        "SELECT id, name FROM tenants WHERE id IN " + in_list_placeholders();
    auto names = names_by_id(c, sql, out.top_tenants.size(),
                             [&](size_t i) { return out.top_tenants[i].id; });
    for (auto& t : out.top_tenants)
      if (auto it = names.find(t.id); it != names.end()) t.name = it->second;
  }
  if (!out.top_agents.empty()) {
    StringMap<std::pair<std::string, int64_t>> found;
    static const std::string sql = kAgentsNamedAndDeployed + in_list_placeholders();
    for_in_chunks(
        out.top_agents.size(), [&](size_t i) { return out.top_agents[i].id; },
        [&](const Params& chunk) {
          c.each_view(sql, chunk, [&](const RowView& r) {
            found.emplace(std::string(r.text(0)), std::pair{std::string(r.text(1)), r.i64(2)});
          });
          return true;
        });
    for (auto& a : out.top_agents)
      if (auto it = found.find(a.id); it != found.end()) {
        a.name = it->second.first;
        a.deployed_count = it->second.second;
      }
  }
}

// The top tenants' successful requests (and totals) over the period, from their daily rows:
// the few ranked (the top ten: an index range each, in one statement), or every tenant's
// (the CSV export of every tenant: one pass over the period's rows, as the scan did, not a
// seek per tenant). The ranked ones are correlated subqueries over the tenants' own rows:
// `tenant_id IN (…) AND day BETWEEN` let PostgreSQL's generic plan (a prepared statement's
// after five runs) walk the whole period on the day index, 250–370 ms at 1 000 tenants
// under load instead of ~1 ms (docs/benchmarks.md, 2026-12-07 19:33). Parameters: the
// period twice, then the ids (every ranked tenant has a rollup ordinal: usage_rollup.hpp).
constexpr const char* kTenantsPeriodSums =
    "SELECT t.tenant_id, (SELECT coalesce(sum(d.total_requests), 0) FROM tenant_usage_daily d "
    "WHERE d.tenant_id = t.tenant_id AND d.day BETWEEN ? AND ?), (SELECT "
    "coalesce(sum(d.successful_requests), "
    "0) FROM tenant_usage_daily d WHERE d.tenant_id = t.tenant_id AND d.day BETWEEN ? AND ?) "
    "FROM usage_tenant_ordinals t WHERE t.tenant_id IN ";
constexpr const char* kAllTenantsPeriodSums =
    "SELECT tenant_id, sum(total_requests), sum(successful_requests) FROM tenant_usage_daily "
    "WHERE day BETWEEN ? AND ? GROUP BY tenant_id";
constexpr size_t kTopReadByIds = 100;

UsageOverview usage_overview_rollup(Conn& c, int64_t from_day, int64_t to_day, size_t top) {
  UsageOverview out;
  out.by_day.resize(static_cast<size_t>(std::max<int64_t>(0, to_day - from_day + 1)));
  const std::string from = format_day(from_day), to = format_day(to_day);
  for (auto& d : rollup_days(c, from, to)) {
    auto day = parse_day(d.day);
    if (!day || *day < from_day || *day > to_day) continue;
    auto& dd = out.by_day[static_cast<size_t>(*day - from_day)];
    dd.total = d.sums.total;
    dd.successful = d.sums.successful;
    dd.active_tenants = d.tenants;
    out.total += d.sums.total;
    out.successful += d.sums.successful;
    out.sum_response_ms += d.sums.response_ms;
  }
  for (auto& [id, f] : rollup_agents(c, from, to))
    out.top_agents.push_back({id, "", f.total, f.successful, 0});
  keep_top(out.top_agents, top);
  if (!out.top_agents.empty()) {
    std::vector<std::string> ids;
    for (auto& a : out.top_agents) ids.push_back(a.id);
    auto tenants = rollup_agent_tenants(c, ids, from, to);
    for (auto& a : out.top_agents) a.tenant_count = tenants[a.id];
  }
  if (top > 0) {
    for (auto& [id, n] : rollup_tenant_totals(c, from, to, top))
      if (n > 0) out.top_tenants.push_back({id, "", n, 0, 0});
    keep_top(out.top_tenants, top);
    StringMap<size_t> at;
    for (size_t i = 0; i < out.top_tenants.size(); ++i) at.emplace(out.top_tenants[i].id, i);
    auto take = [&](const RowView& r) {
      if (auto it = at.find(r.text(0)); it != at.end()) {
        out.top_tenants[it->second].total = r.i64(1);
        out.top_tenants[it->second].successful = r.i64(2);
      }
    };
    if (top > kTopReadByIds) {
      c.each_view(kAllTenantsPeriodSums, {from, to}, take);
    } else {
      static const std::string sql = kTenantsPeriodSums + in_list_placeholders();
      Params p;
      for_in_chunks(
          out.top_tenants.size(), [&](size_t i) { return out.top_tenants[i].id; },
          [&](const Params& chunk) {
            p = {from, to, from, to};
            p.insert(p.end(), chunk.begin(), chunk.end());
            c.each_view(sql, p, take);
            return true;
          });
    }
  }
  name_ranked(c, out);
  return out;
}

}  // namespace

UsageOverview usage_overview(Conn& c, int64_t from_day, int64_t to_day, size_t top) {
  if (rollup_complete(c)) return usage_overview_rollup(c, from_day, to_day, top);
  return usage_overview_scan(c, from_day, to_day, top);
}

UsageOverview usage_overview_scan(Conn& c, int64_t from_day, int64_t to_day, size_t top) {
  UsageOverview out;
  out.by_day.resize(static_cast<size_t>(std::max<int64_t>(0, to_day - from_day + 1)));
  struct TenantAcc {
    int64_t total = 0, successful = 0;
    std::vector<uint32_t> agents;  // agents this tenant used in the period (a handful)
  };
  StringMap<TenantAcc> tenants;
  StringMap<uint32_t> agent_slot;
  tenants.reserve(4096);
  std::vector<UsageOverview::Ranked> agents;
  std::string day_text, last_tenant;
  size_t slot = out.by_day.size();
  TenantAcc* acc = nullptr;  // the current (day, tenant) run's tenant
  // Ordered by (day, tenant): the covering index's own order, so a tenant's rows for a
  // day are adjacent and active tenants per day are counted without a set.
  c.each_view(
      "SELECT day, tenant_id, agent_id, total_requests, successful_requests, "
      "sum_response_time_ms FROM tenant_usage_daily WHERE day BETWEEN ? AND ? "
      "ORDER BY day, tenant_id",
      {format_day(from_day), format_day(to_day)}, [&](const RowView& r) {
        std::string_view day = r.text(0), tenant = r.text(1), agent = r.text(2);
        int64_t total = r.i64(3), ok = r.i64(4);
        if (day != day_text) {
          day_text.assign(day);
          auto d = parse_day(day);
          slot = d ? static_cast<size_t>(*d - from_day) : out.by_day.size();
          acc = nullptr;
        }
        if (slot >= out.by_day.size()) return;
        auto& dd = out.by_day[slot];
        dd.total += total;
        dd.successful += ok;
        if (!acc || tenant != last_tenant) {
          ++dd.active_tenants;
          last_tenant.assign(tenant);
          auto ti = tenants.find(tenant);
          if (ti == tenants.end()) ti = tenants.emplace(std::string(tenant), TenantAcc{}).first;
          acc = &ti->second;
        }
        out.total += total;
        out.successful += ok;
        out.sum_response_ms += r.i64(5);
        acc->total += total;
        acc->successful += ok;
        auto ai = agent_slot.find(agent);
        if (ai == agent_slot.end()) {
          ai = agent_slot.emplace(std::string(agent), static_cast<uint32_t>(agents.size())).first;
          agents.push_back({std::string(agent), "", 0, 0, 0});
        }
        auto& a = agents[ai->second];
        a.total += total;
        a.successful += ok;
        auto& seen = acc->agents;
        if (std::find(seen.begin(), seen.end(), ai->second) == seen.end()) {
          seen.push_back(ai->second);
          ++a.tenant_count;
        }
      });
  out.top_tenants.reserve(tenants.size());
  for (auto& [id, t] : tenants) out.top_tenants.push_back({id, "", t.total, t.successful, 0});
  keep_top(out.top_tenants, top);
  out.top_agents = std::move(agents);
  keep_top(out.top_agents, top);
  name_ranked(c, out);
  return out;
}

UsageReport tenant_usage_report(Conn& c, const store::TenantScope& s, int64_t from_day,
                                int64_t to_day, const std::optional<std::string>& agent_id) {
  UsageReport out;
  out.by_day.resize(static_cast<size_t>(std::max<int64_t>(0, to_day - from_day + 1)));
  Params p{s.tenant_id(), format_day(from_day), format_day(to_day)};
  std::string sql =
      "SELECT d.day, d.agent_id, d.total_requests, d.successful_requests, d.failed_requests, "
      "d.sum_response_time_ms, d.total_tokens, d.cost_cents, d.last_request_at FROM "
      "tenant_usage_daily d WHERE d.tenant_id = ? AND d.day BETWEEN ? AND ?" +
      agent_filter(agent_id, p);
  StringMap<size_t> agent_index;
  std::string last_day;
  size_t day_slot = 0;
  c.each_view(sql, p, [&](const RowView& r) {  // read in place: no Row per daily row
    domain::UsageSums u = sums_at(r, 2);
    if (std::string_view day = r.text(0); day != last_day) {
      // rows come in (day, agent) order: parse each day once
      auto d = parse_day(day);
      day_slot = d ? static_cast<size_t>(*d - from_day) : out.by_day.size();
      last_day = day;
    }
    if (day_slot < out.by_day.size()) out.by_day[day_slot].add(u);
    out.total.add(u);
    auto it = agent_index.find(r.text(1));
    if (it == agent_index.end()) {
      it = agent_index.emplace(std::string(r.text(1)), out.by_agent.size()).first;
      out.by_agent.push_back({it->first, "", {}, std::nullopt});
    }
    auto& a = out.by_agent[it->second];
    a.sums.add(u);
    if (!r.is_null(8)) {
      std::string_view last = r.text(8);
      if (!a.last_request_at || last > *a.last_request_at) a.last_request_at = std::string(last);
    }
  });
  // The agents' names in one statement: one per agent was a round trip each on PostgreSQL,
  // more than half of the page's statements (docs/benchmarks.md, 2026-12-07 15:50).
  if (!out.by_agent.empty()) {
    static const std::string sql =
        "SELECT id, name FROM agents WHERE id IN " + in_list_placeholders();
    auto names = names_by_id(c, sql, out.by_agent.size(),
                             [&](size_t i) { return out.by_agent[i].agent_id; });
    for (auto& a : out.by_agent)
      if (auto it = names.find(a.agent_id); it != names.end()) a.agent_name = it->second;
  }
  std::sort(out.by_agent.begin(), out.by_agent.end(), [](const auto& x, const auto& y) {
    return x.sums.total != y.sums.total ? x.sums.total > y.sums.total : x.agent_id < y.agent_id;
  });
  return out;
}

}  // namespace painel::store
