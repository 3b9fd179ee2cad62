#pragma once
// `painel demo`: fills an empty store with realistic, deterministic demo data — the agent
// catalog, Brazilian tenants with valid CNPJs and a year of status history, contracted
// agents, integrations (some failing), users of every group, raw usage events with daily
// and weekly rhythm and error bursts (aggregated into tenant_usage_daily), incidents and
// a command history. The same seed, options and now_ms give the same rows and ids.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace painel::demo {

struct DemoOptions {
  int tenants = 50;
  int days = 90;  // days of raw usage, ending at now_ms (today included)
  uint64_t seed = 42;
};

struct DemoLogin {
  std::string email, password, group, tenant_name;  // tenant_name empty for internal users
};

struct DemoSummary {
  int tenants = 0;
  int64_t events = 0;
  std::vector<DemoLogin> logins;
};

// Raw events: about 120 per contracted agent and day for small demos, growing more slowly
// past 10 000 agent-days and capped at this many, so large --tenants/--days stay loadable
// (the per-agent figures scale down; the shapes stay). See demo_usage.cpp.
inline constexpr int64_t kDemoMaxEvents = 8'000'000;
inline constexpr const char* kDemoPassword = "demo-painel-2026";

// Throws std::runtime_error if the store already has tenants (demo data only goes into an
// empty store) or if the options are out of range. progress gets short human messages.
DemoSummary load_demo(store::Store& s, const DemoOptions& o, int64_t now_ms,
                      const std::function<void(const std::string&)>& progress);

}  // namespace painel::demo
