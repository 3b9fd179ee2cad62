#pragma once
// The command worker: claims PENDING operational commands one at a time (atomically, so
// several workers and instances never run one twice), runs each type's effect in one
// transaction with its status change and audit events (a type that runs in steps,
// REPROCESS_QUEUE, commits each step, a day, on its own: jobs/command_effects.hpp), and
// keeps going whatever a command does. It wakes at once when this process creates a command
// (CommandSignal) and polls every poll_ms for commands created by other instances.
//
// Dead workers: a RUNNING command carries a lease the worker renews (heartbeat) while it
// runs; any worker that finds an expired lease puts the command back to PENDING if its
// type is safe to retry, or ends it in ERROR with a message saying why. Effects commit
// with the SUCCESS status, so a command interrupted mid-run left nothing half-done.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/time.hpp"

namespace painel::store {
class Store;
struct Command;
}  // namespace painel::store
namespace painel::cache {
class ResponseCache;
}
namespace painel::obs {
class Metrics;
}
namespace painel::auth {
class TokenService;
}

namespace painel::jobs {

// Process-local wake-ups: a new command (→ the worker) and a command's state change
// (→ long-polling readers). A generation counter, so no notification is lost between
// reading a state and starting to wait.
class CommandSignal {
 public:
  void notify();
  uint64_t generation() const;
  // Returns when notify() was called after `seen` was read, or after `timeout`.
  void wait(uint64_t seen, std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t gen_ = 0;
};

struct CommandWorkerOptions {
  std::string worker_id;        // empty: host:pid:random
  int poll_ms = 500;            // look for other instances' commands this often
  int64_t lease_ms = 30000;     // renewed every lease_ms / 3 while a command runs
  int64_t retention_days = 90;  // finished commands older than this are deleted
  int64_t retention_every_ms = 3600000;
  int64_t idempotency_keep_ms = 24 * 3600 * 1000LL;  // Idempotency-Key records
  int64_t approval_ttl_ms = 24 * 3600 * 1000LL;      // AWAITING_APPROVAL → CANCELLED after
  int64_t approval_sweep_every_ms = 60000;
  int64_t queue_gauges_every_ms = 15000;  // painel_commands_pending / _oldest_pending_age
};

class CommandWorker {
 public:
  CommandWorker(store::Store& store, cache::ResponseCache& cache, obs::Metrics& metrics,
                const Clock& clock, CommandSignal& signal, auth::TokenService* tokens,
                CommandWorkerOptions opts = {});
  ~CommandWorker();
  void start();  // the worker thread and its heartbeat thread
  void stop();   // finishes the running command first

  // One pass of the worker thread: recover expired leases, retention when due, then run
  // PENDING commands until none is left (at most `max`). Returns how many ran.
  int run_once(int max = 1000);
  int recover_expired();
  int64_t apply_retention();
  // Four-eyes: cancels AWAITING_APPROVAL commands older than approval_ttl_ms ("approval
  // expired"), audited as command.expire. Returns how many.
  int expire_approvals();
  // Sets painel_commands_pending and painel_commands_oldest_pending_age_seconds.
  void publish_queue(int64_t now);
  const std::string& id() const { return opts_.worker_id; }

 private:
  void loop();
  void heartbeat_loop();
  void run(const store::Command& cmd);

  store::Store& store_;
  cache::ResponseCache& cache_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  CommandSignal& signal_;
  auth::TokenService* tokens_;
  CommandWorkerOptions opts_;

  std::atomic<bool> stop_{false};
  std::mutex mu_;  // guards current_, and the heartbeat's sleep
  std::condition_variable heartbeat_cv_;
  std::optional<std::string> current_;  // the command being run
  int64_t last_retention_ms_ = 0;
  int64_t last_approval_sweep_ms_ = 0;
  int64_t last_queue_gauges_ms_ = 0;
  std::thread thread_, heartbeat_;
};

}  // namespace painel::jobs
