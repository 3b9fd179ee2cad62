// Demo usage: raw events with a daily rhythm (business hours in Brasília time), a weekly
// one (quiet weekends), per-agent response-time and token profiles, and error bursts —
// per tenant (an integration or agent misbehaving) and global (a provider outage).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "demo/demo.hpp"
#include "demo/model.hpp"
#include "store/bulk_insert.hpp"

namespace painel::demo {
namespace {

// Volume: 120 requests per contracted agent and day up to 10 000 agent-days (the default
// 50 tenants × 90 days is about 9 000), then growing only with the 0.3rd power of the
// agent-days (1 000 tenants × 90 days ≈ 2.8 M events), capped at kDemoMaxEvents. Raw inserts
// run at roughly 100 000 events/s on SQLite, which sets these numbers.
constexpr double kEventsPerAgentDay = 120, kFullRateAgentDays = 10000, kGrowthExponent = 0.3;

double target_events(double agent_days) {
  double full = kEventsPerAgentDay * std::min(agent_days, kFullRateAgentDays);
  if (agent_days > kFullRateAgentDays)
    full *= std::pow(agent_days / kFullRateAgentDays, kGrowthExponent);
  return std::min(full, static_cast<double>(kDemoMaxEvents));
}
constexpr int64_t kRowsPerTransaction = 50000;

struct Span {
  int64_t from, to;
};

// Times a tenant is in service (trial or active): the only times its agents get requests.
std::vector<Span> service_spans(const TenantModel& t) {
  std::vector<Span> out;
  for (size_t i = 0; i < t.history.size(); ++i) {
    auto& s = t.history[i].status;
    if (s != "trial" && s != "active") continue;
    int64_t to =
        i + 1 < t.history.size() ? t.history[i + 1].ms : std::numeric_limits<int64_t>::max();
    if (!out.empty() && out.back().to == t.history[i].ms)
      out.back().to = to;  // trial → active
    else
      out.push_back({t.history[i].ms, to});
  }
  return out;
}

bool covers(const std::vector<Span>& spans, int64_t ms) {
  for (auto& s : spans)
    if (ms >= s.from && ms < s.to) return true;
  return false;
}

int64_t overlap(const std::vector<Span>& spans, int64_t from, int64_t to) {
  int64_t total = 0;
  for (auto& s : spans) total += std::max<int64_t>(0, std::min(s.to, to) - std::max(s.from, from));
  return total;
}

struct Event {
  int64_t ms;
  int32_t tenant, contract;
  int32_t response_ms, tokens, cost;
  bool ok;
  auto key() const { return std::tie(ms, tenant, contract, response_ms, tokens, cost, ok); }
};

int hour_of(const std::vector<double>& cdf, double u) {
  return static_cast<int>(std::upper_bound(cdf.begin(), cdf.end() - 1, u) - cdf.begin());
}

}  // namespace

std::string rfc3339(int64_t ms) { return format_rfc3339(ms / 1000 * 1000); }

std::string count_text(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  return out;
}

int64_t generate_usage(store::Conn& c, World& w, int64_t from_day, int64_t now_ms, uint64_t seed,
                       const Progress& progress) {
  Rng r(mix_seed(seed, 1));
  const auto& catalog = agent_catalog();
  const int64_t today = day_of_ms(now_ms), range_from = from_day * kDayMs;

  // Scale so the expected total is target_events(agent-days).
  std::vector<std::vector<Span>> service;
  double agent_days = 0, weighted_days = 0;
  for (auto& t : w.tenants) {
    service.push_back(service_spans(t));
    for (auto& k : t.contracts) {
      int64_t from = std::max(range_from, k.activated_ms);
      int64_t to = std::min(now_ms, k.deactivated_ms.value_or(now_ms));
      double days = static_cast<double>(overlap(service.back(), from, to)) / kDayMs;
      agent_days += days;
      weighted_days += days * k.volume;
    }
  }
  const double avg_weekday_factor = (5 + 0.45 + 0.25) / 7.0;
  double target = target_events(agent_days);
  double scale = weighted_days > 0 ? target / (weighted_days * avg_weekday_factor) : 0;
  progress("usage: " + count_text(std::llround(agent_days)) + " agent-days, about " +
           count_text(std::llround(target)) + " events");

  std::vector<double> cdf;
  double acc = 0;
  for (double h : hour_weights_utc()) cdf.push_back(acc += h);
  std::vector<int> tenant_burst(w.tenants.size(), -1);  // latest burst per tenant
  std::vector<int> live_global;

  std::optional<store::Tx> tx;
  tx.emplace(c, true);
  store::BulkInsert insert(c, store::BulkTable::UsageEvents);
  LocalDayCursor local(TimeZone::default_zone());  // every demo tenant's zone (the default)
  std::vector<Event> events;
  int64_t total = 0, in_tx = 0, days = today - from_day + 1, reported = 0;
  for (int64_t day = from_day; day <= today; ++day) {
    const int64_t d0 = day * kDayMs, d1 = std::min(d0 + kDayMs, now_ms);
    const int dow =
        static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday; 0 = Sunday
    const double dow_factor = dow == 0 ? 0.25 : dow == 6 ? 0.45 : 1.0;
    std::erase_if(live_global,
                  [&](int b) { return w.bursts[static_cast<size_t>(b)].end_ms <= d0; });
    auto burst_start = [&] {
      return d0 + hour_of(cdf, r.uniform()) * kHourMs + r.range(0, 59) * 60000;
    };
    if (r.chance(0.02)) {
      int64_t s = burst_start();
      w.bursts.push_back({s, s + r.range(1, 3) * kHourMs, -1, -1, 0.2 + 0.2 * r.uniform()});
      live_global.push_back(static_cast<int>(w.bursts.size() - 1));
    }
    for (size_t ti = 0; ti < w.tenants.size(); ++ti) {
      const auto& t = w.tenants[ti];
      if (t.contracts.empty() || overlap(service[ti], d0, d1) == 0) continue;
      if (r.chance(0.012)) {
        int64_t s = burst_start();
        int contract =
            r.chance(0.5)
                ? -1
                : static_cast<int>(r.range(0, static_cast<int64_t>(t.contracts.size()) - 1));
        w.bursts.push_back({s, s + r.range(1, 4) * kHourMs, static_cast<int>(ti), contract,
                            0.2 + 0.4 * r.uniform()});
        tenant_burst[ti] = static_cast<int>(w.bursts.size() - 1);
      }
      for (size_t ki = 0; ki < t.contracts.size(); ++ki) {
        const auto& k = t.contracts[ki];
        if (k.activated_ms >= d1 || (k.deactivated_ms && *k.deactivated_ms <= d0)) continue;
        const auto& a = catalog[k.agent];
        int64_t n = r.poisson(scale * k.volume * dow_factor * std::exp(0.15 * r.normal()));
        for (int64_t j = 0; j < n; ++j) {
          int64_t ms = d0 + hour_of(cdf, r.uniform()) * kHourMs + r.range(0, kHourMs - 1);
          if (ms >= now_ms || !k.active_at(ms) || !covers(service[ti], ms)) continue;
          double err = k.error_rate;
          bool in_burst = false;
          auto apply = [&](int b) {
            const Burst& x = w.bursts[static_cast<size_t>(b)];
            if (ms >= x.start_ms && ms < x.end_ms &&
                (x.contract < 0 || x.contract == static_cast<int>(ki))) {
              err = std::max(err, x.error_rate);
              in_burst = true;
            }
          };
          if (tenant_burst[ti] >= 0) apply(tenant_burst[ti]);
          for (int b : live_global) apply(b);
          Event e{ms, static_cast<int32_t>(ti), static_cast<int32_t>(ki), 0, 0, 0, !r.chance(err)};
          if (e.ok) {
            double rt = a.median_response_ms * std::exp(0.45 * r.normal()) * (in_burst ? 1.6 : 1.0);
            e.response_ms = static_cast<int32_t>(std::clamp(std::llround(rt), 30LL, 20000LL));
            e.tokens = static_cast<int32_t>(
                std::max(1LL, std::llround(a.mean_tokens * std::exp(0.5 * r.normal() - 0.125))));
          } else if (r.chance(0.35)) {  // timed out after the prompt was sent
            e.response_ms = static_cast<int32_t>(r.range(8000, 15000));
            e.tokens = static_cast<int32_t>(a.mean_tokens / 4 + r.range(0, a.mean_tokens / 4));
          } else {  // rejected early
            e.response_ms = static_cast<int32_t>(r.range(40, 600));
          }
          double cost = e.tokens * a.cost_cents_per_1k_tokens / 1000.0;
          e.cost = static_cast<int32_t>(cost);
          if (r.uniform() < cost - e.cost) ++e.cost;  // unbiased rounding to whole cents
          events.push_back(e);
        }
      }
    }
    // Time order keeps the event-id and time indexes append-only while inserting.
    std::sort(events.begin(), events.end(),
              [](const Event& x, const Event& y) { return x.key() < y.key(); });
    for (const Event& e : events) {
      const auto& t = w.tenants[static_cast<size_t>(e.tenant)];
      const auto& k = t.contracts[static_cast<size_t>(e.contract)];
      insert.add({r.uuid_v7(e.ms), t.id, w.agent_ids[k.agent], e.ms, int64_t{e.ok},
                  int64_t{e.response_ms}, int64_t{e.tokens}, int64_t{e.cost},
                  std::min(now_ms, e.ms + r.range(300, 4000)), local.day_of(e.ms)});
      if (++in_tx >= kRowsPerTransaction) {
        insert.flush();
        tx->commit();
        tx.emplace(c, true);
        in_tx = 0;
      }
    }
    total += static_cast<int64_t>(events.size());
    events.clear();
    int64_t done = day - from_day + 1;
    if (done * 10 / days > reported || done == days) {
      reported = done * 10 / days;
      progress("usage events: " + std::to_string(done) + "/" + std::to_string(days) + " days, " +
               count_text(total) + " events");
    }
  }
  insert.flush();
  tx->commit();
  return total;
}

}  // namespace painel::demo
