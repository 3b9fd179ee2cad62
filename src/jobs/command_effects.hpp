#pragma once
// What each command type does to the store. apply_command() runs inside the worker's write
// transaction, together with the command's status change and audit event, so an effect
// commits exactly when its command is marked SUCCESS — except a type that runs in steps
// (runs_in_steps: REPROCESS_QUEUE), whose steps commit one by one. Work outside the store (dropping
// caches, forgetting a tenant's cached status) is returned for the caller to do after the
// commit.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/commands.hpp"
#include "store/db.hpp"

namespace painel::auth {
class TokenService;
}

namespace painel::jobs {

// The command cannot do what it asks (its target vanished, ...): it ends in ERROR with
// this message, which is shown to operators.
struct CommandFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown by EffectContext::check_deadline past the type's timeout. The worker adds
// "nothing was changed" unless `steps_kept` (a type that runs in steps, whose message then
// says which steps stay done).
struct CommandTimedOut : std::runtime_error {
  explicit CommandTimedOut(const std::string& what, bool kept = false)
      : std::runtime_error(what), steps_kept(kept) {}
  bool steps_kept;
};

struct EffectContext {
  const store::Command& cmd;
  int64_t now_ms;
  std::function<void()> check_deadline;  // long effects call it between steps
  auth::TokenService* tokens = nullptr;  // RESET_TOKEN (user sessions)
  // Set for a type that runs in steps (runs_in_steps): apply_command is then called
  // outside a transaction, and each step runs through this in a write transaction of its
  // own, committed before the next (so a long effect never holds the store's write lock
  // for more than one step). Unset: everything runs in the caller's transaction.
  std::function<void(const std::function<void(store::Conn&)>&)> step;
};

// REPROCESS_QUEUE re-aggregates one day per step: a day's rebuild is complete in itself, so
// days done before a timeout or a failure stay done (the message says which).
bool runs_in_steps(const std::string& command_type);

struct EffectResult {
  std::string output;                        // JSON object text, stored in `output`
  std::vector<std::string> touched_tenants;  // their cached answers are dropped after commit
  bool tenant_status_changed = false;        // forget the tenant's cached status after commit
  bool every_tenant_touched = false;         // a global incident changed: every tenant sees it
};

EffectResult apply_command(store::Conn& c, const EffectContext& ctx);

// HEALTH_CHECK thresholds: an agent is degraded above this error rate over 24 h, counted
// only with at least kHealthMinRequests requests (one failure of one request is noise).
inline constexpr double kHealthMaxErrorRate = 0.20;
inline constexpr int64_t kHealthMinRequests = 10;

}  // namespace painel::jobs
