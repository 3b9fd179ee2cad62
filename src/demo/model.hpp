#pragma once
// Internals of the demo loader: the in-memory model of the generated world, built first
// (demo.cpp) and then written, used to drive usage events (demo_usage.cpp) and to derive
// incidents and commands (demo_ops.cpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "demo/data.hpp"
#include "store/db.hpp"

namespace painel::demo {

inline constexpr int64_t kHourMs = 3600000;
inline constexpr int64_t kDayMs = 86400000;

using Progress = std::function<void(const std::string&)>;

struct Contract {
  std::string id;
  size_t agent = 0;  // index into agent_catalog()
  int64_t activated_ms = 0;
  std::optional<int64_t> deactivated_ms;
  double volume = 1;      // relative weekday requests
  double error_rate = 0;  // outside bursts
  bool active_at(int64_t ms) const {
    return ms >= activated_ms && (!deactivated_ms || ms < *deactivated_ms);
  }
};

struct StatusChange {
  int64_t ms;
  std::string status;
};

struct Integration {
  std::string id, type, name, status;
  std::optional<std::string> last_error;
};

struct TenantModel {
  std::string id, name, slug, cnpj, segment, plan;
  int64_t plan_base_cents = 0;
  int64_t created_ms = 0;
  std::vector<StatusChange> history;  // first entry: creation (trial)
  std::vector<Contract> contracts;
  std::vector<Integration> integrations;
  std::string admin_user_id;

  const std::string& status() const { return history.back().status; }
};

struct Burst {
  int64_t start_ms = 0, end_ms = 0;
  int tenant = -1;    // -1: every tenant (a provider outage)
  int contract = -1;  // -1: all of the tenant's agents
  double error_rate = 0;
};

struct World {
  std::vector<std::string> agent_ids;  // parallel to agent_catalog()
  std::vector<TenantModel> tenants;
  std::string admin_id, support_id;
  std::vector<Burst> bursts;  // filled while generating usage
};

std::string rfc3339(int64_t ms);    // format_rfc3339 rounded down to the second
std::string count_text(int64_t n);  // 1234567 → "1,234,567"

// Generates and inserts raw usage for [from_day, day_of(now_ms)], committing in batches;
// records error bursts in w.bursts. Returns the number of events inserted.
int64_t generate_usage(store::Conn& c, World& w, int64_t from_day, int64_t now_ms, uint64_t seed,
                       const Progress& progress);

struct OpsCounts {
  int64_t incidents = 0, commands = 0;
};
// Incidents (from bursts, failing integrations, staff) and the command history.
OpsCounts generate_ops(store::Conn& c, const World& w, int64_t from_day, int64_t now_ms,
                       uint64_t seed);

}  // namespace painel::demo
