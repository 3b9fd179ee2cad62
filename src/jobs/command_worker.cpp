#include "jobs/command_worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "auth/token_service.hpp"
#include "cache/response_cache.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "domain/commands.hpp"
#include "jobs/command_effects.hpp"
#include "obs/metrics.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"
#include "store/idempotency.hpp"
#include "store/store.hpp"

namespace painel::jobs {
namespace {

// The row was taken from this worker (its lease expired and another worker recovered it):
// the transaction holding the effect is rolled back.
struct LostLease : std::runtime_error {
  LostLease() : std::runtime_error("lease lost") {}
};

std::string default_worker_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  std::string r = painel::base64url_encode(painel::random_bytes(3));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + r;
}

std::string type_label(const std::string& type) {
  return "type=\"" + std::string(domain::find_command(type) ? type : "unknown") + "\"";
}

void audit_state(store::Conn& c, const store::Command& cmd, const std::string& action,
                 const std::string& worker_id, int64_t now_ms, const std::string& extra_key = {},
                 const std::string& extra_value = {}) {
  JsonOut m;
  m.begin_object().kv("command_type", cmd.command_type).kv("worker_id", worker_id);
  m.kv("attempt", cmd.attempts);
  if (!extra_key.empty()) m.kv(extra_key, extra_value);
  m.end_object();
  store::audit_append(
      c, {"system", "system", action, cmd.tenant_id, cmd.id, std::nullopt, std::nullopt, m.take()},
      now_ms);
}

}  // namespace

void CommandSignal::notify() {
  {
    std::lock_guard lk(mu_);
    ++gen_;
  }
  cv_.notify_all();
}

uint64_t CommandSignal::generation() const {
  std::lock_guard lk(mu_);
  return gen_;
}

void CommandSignal::wait(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, timeout, [&] { return gen_ != seen; });
}

CommandWorker::CommandWorker(store::Store& store, cache::ResponseCache& cache,
                             obs::Metrics& metrics, const Clock& clock, CommandSignal& signal,
                             auth::TokenService* tokens, CommandWorkerOptions opts)
    : store_(store),
      cache_(cache),
      metrics_(metrics),
      clock_(clock),
      signal_(signal),
      tokens_(tokens),
      opts_(std::move(opts)) {
  if (opts_.worker_id.empty()) opts_.worker_id = default_worker_id();
  for (const auto& spec : domain::command_specs()) {  // every type at 0 from the start
    std::string type = type_label(std::string(spec.type));
    metrics_.counter_ref("painel_command_run_seconds_total", type);
    for (const char* status : {"SUCCESS", "ERROR"})
      metrics_.counter_ref("painel_commands_finished_total", type + ",status=\"" + status + "\"");
  }
}

// The queue's depth and its oldest command's age, for alerts on a stuck queue.
void CommandWorker::publish_queue(int64_t now) {
  auto q = store::pending_queue(store_.conn());
  metrics_.set_gauge("painel_commands_pending", static_cast<double>(q.count));
  metrics_.set_gauge(
      "painel_commands_oldest_pending_age_seconds",
      q.oldest_ms ? static_cast<double>(std::max<int64_t>(0, now - *q.oldest_ms)) / 1000 : 0.0);
}

CommandWorker::~CommandWorker() { stop(); }

void CommandWorker::start() {
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
  spdlog::info("command worker {} started (poll {} ms, lease {} ms)", opts_.worker_id,
               opts_.poll_ms, opts_.lease_ms);
}

void CommandWorker::stop() {
  if (!thread_.joinable() && !heartbeat_.joinable()) return;
  stop_ = true;
  signal_.notify();
  {
    std::lock_guard lk(mu_);
    heartbeat_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (heartbeat_.joinable()) heartbeat_.join();
  spdlog::info("command worker {} stopped", opts_.worker_id);
}

void CommandWorker::loop() {
  while (!stop_) {
    uint64_t seen = signal_.generation();
    try {
      run_once();
    } catch (const std::exception& e) {  // the store was busy or down: try again later
      metrics_.inc("painel_command_worker_errors_total");
      spdlog::error("command worker {}: {}", opts_.worker_id, e.what());
    }
    if (!stop_) signal_.wait(seen, std::chrono::milliseconds(opts_.poll_ms));
  }
}

void CommandWorker::heartbeat_loop() {
  auto every = std::chrono::milliseconds(std::max<int64_t>(opts_.lease_ms / 3, 10));
  std::unique_lock lk(mu_);
  while (!stop_) {
    heartbeat_cv_.wait_for(lk, every, [&] { return stop_.load(); });
    if (stop_ || !current_) continue;
    std::string id = *current_;
    lk.unlock();
    try {
      // Off the global write lock: one conditional UPDATE of the command's row, so the
      // renewal never queues behind another writer's long transaction (the running
      // command's own included).
      store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        store::renew_lease(c, id, opts_.worker_id, clock_.now_ms() + opts_.lease_ms);
      });
    } catch (const std::exception& e) {  // e.g. the store is locked by the running command
      spdlog::debug("command worker {}: lease renewal of {} deferred: {}", opts_.worker_id, id,
                    e.what());
    }
    lk.lock();
  }
}

int CommandWorker::run_once(int max) {
  recover_expired();
  int64_t now = clock_.now_ms();
  if (now - last_retention_ms_ >= opts_.retention_every_ms) {
    last_retention_ms_ = now;
    apply_retention();
  }
  if (now - last_approval_sweep_ms_ >= opts_.approval_sweep_every_ms) {
    last_approval_sweep_ms_ = now;
    expire_approvals();
  }
  if (now - last_queue_gauges_ms_ >= opts_.queue_gauges_every_ms) {
    last_queue_gauges_ms_ = now;
    publish_queue(now);
  }
  int ran = 0;
  while (ran < max && !stop_) {
    // A read first, so idle workers do not take the write lock on every poll.
    if (!store::any_pending_command(store_.conn())) break;
    // Off the global write lock: the claim is one UPDATE of a row taken FOR UPDATE SKIP
    // LOCKED (two workers never take one command), then its audit row.
    auto cmd = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      int64_t t = clock_.now_ms();
      auto claimed = store::claim_next(c, opts_.worker_id, opts_.lease_ms, t);
      if (claimed) audit_state(c, *claimed, "command.running", opts_.worker_id, t);
      return claimed;
    });
    if (!cmd) break;
    signal_.notify();
    run(*cmd);
    ++ran;
  }
  return ran;
}

void CommandWorker::run(const store::Command& cmd) {
  const auto* spec = domain::find_command(cmd.command_type);
  int64_t started = clock_.now_ms();
  int64_t timeout = spec ? spec->timeout_ms : 10000;
  auto check_deadline = [&] {
    if (clock_.now_ms() - started > timeout)
      throw CommandTimedOut("timed out after " + std::to_string(timeout / 1000) +
                            " s (the limit for " + cmd.command_type + ")");
  };
  {
    std::lock_guard lk(mu_);
    current_ = cmd.id;
  }
  EffectResult res;
  std::optional<std::string> error;
  bool lost = false;
  bool in_steps = runs_in_steps(cmd.command_type);
  auto finish = [&](store::Conn& c) {
    if (!store::finish_command(c, cmd.id, opts_.worker_id, "SUCCESS", res.output, std::nullopt,
                               clock_.now_ms()))
      throw LostLease();
    audit_state(c, cmd, "command.success", opts_.worker_id, clock_.now_ms());
  };
  try {
    if (in_steps) {
      // Each step commits on its own, renewing the lease (the heartbeat's write could wait
      // behind a long transaction); a lease lost meanwhile stops the run at that step.
      auto step = [&](const std::function<void(store::Conn&)>& fn) {
        store_.write([&](store::Conn& c) {
          if (!store::renew_lease(c, cmd.id, opts_.worker_id, clock_.now_ms() + opts_.lease_ms))
            throw LostLease();
          fn(c);
        });
      };
      res = apply_command(store_.conn(),
                          EffectContext{cmd, clock_.now_ms(), check_deadline, tokens_, step});
      store_.write(store::WriteLock::RowLevel, finish);  // one UPDATE on this worker's lease
    } else {
      store_.write([&](store::Conn& c) {
        int64_t now = clock_.now_ms();
        res = apply_command(c, EffectContext{cmd, now, check_deadline, tokens_});
        check_deadline();
        finish(c);
      });
    }
  } catch (const LostLease&) {
    lost = true;
    metrics_.inc("painel_command_lost_leases_total");
    spdlog::warn("command {} ({}) was recovered by another worker while {} ran it; rolled back",
                 cmd.id, cmd.command_type, opts_.worker_id);
  } catch (const CommandFailed& e) {
    error = e.what();
  } catch (const CommandTimedOut& e) {
    error = std::string(e.what()) + (e.steps_kept ? "" : "; nothing was changed");
  } catch (const std::exception& e) {
    spdlog::error("command {} ({}) failed: {}", cmd.id, cmd.command_type, e.what());
    error = in_steps ? "internal error while running the command; the steps done before it "
                       "stay done, the rest were not (see the server log)"
                     : "internal error while running the command; nothing was changed (see the "
                       "server log)";
  }
  if (error) {
    try {
      // Off the global write lock: one UPDATE conditional on this worker's lease.
      store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        int64_t now = clock_.now_ms();
        if (store::finish_command(c, cmd.id, opts_.worker_id, "ERROR", std::nullopt, *error, now))
          audit_state(c, cmd, "command.error", opts_.worker_id, now, "error", *error);
      });
    } catch (const std::exception& e) {  // left RUNNING: its lease will expire and recover it
      spdlog::error("command {}: could not record its failure: {}", cmd.id, e.what());
    }
  }
  {
    std::lock_guard lk(mu_);
    current_.reset();
  }
  if (lost) return;
  // After the commit: what lives outside the store.
  for (auto& t : res.touched_tenants) cache_.invalidate_tenant(t);
  if (res.every_tenant_touched) cache_.invalidate_all();
  if (cmd.tenant_id) cache_.invalidate_tenant(*cmd.tenant_id);  // its command lists
  if (res.tenant_status_changed && tokens_ && cmd.tenant_id)
    tokens_->forget_tenant_status(*cmd.tenant_id);
  signal_.notify();
  std::string status = error ? "ERROR" : "SUCCESS";
  metrics_.inc("painel_commands_finished_total",
               type_label(cmd.command_type) + ",status=\"" + status + "\"");
  // Added in ms, exposed in seconds (the catalogue's scale).
  metrics_.inc("painel_command_run_seconds_total", type_label(cmd.command_type),
               static_cast<uint64_t>(std::max<int64_t>(0, clock_.now_ms() - started)));
  if (error)
    spdlog::warn("command {} ({}) ended in ERROR: {}", cmd.id, cmd.command_type, *error);
  else
    spdlog::debug("command {} ({}) succeeded", cmd.id, cmd.command_type);
}

int CommandWorker::recover_expired() {
  int64_t now = clock_.now_ms();
  auto expired = store::expired_leases(store_.conn(), now);
  int n = 0;
  for (auto& cmd : expired) {
    const auto* spec = domain::find_command(cmd.command_type);
    bool retry = domain::should_retry_after_lost_worker(spec, cmd.attempts);
    std::string message = domain::lost_worker_message(spec, cmd.command_type, cmd.attempts,
                                                      cmd.worker_id.value_or(""));
    // Off the global write lock: one UPDATE conditional on the lease having expired (a
    // renewal beside it is waited for and then seen).
    bool done = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      int64_t t = clock_.now_ms();
      bool changed =
          retry ? store::requeue_expired(c, cmd.id, t) : store::fail_expired(c, cmd.id, message, t);
      if (changed)
        audit_state(
            c, cmd, retry ? "command.requeued" : "command.error", opts_.worker_id, t, "reason",
            retry ? "lease expired (worker " + cmd.worker_id.value_or("?") + " stopped); retrying"
                  : message);
      return changed;
    });
    if (!done) continue;
    ++n;
    metrics_.inc("painel_commands_recovered_total",
                 retry ? "outcome=\"retried\"" : "outcome=\"failed\"");
    spdlog::warn("command {} ({}) found with an expired lease of worker {}: {}", cmd.id,
                 cmd.command_type, cmd.worker_id.value_or("?"), retry ? "retrying" : message);
    if (cmd.tenant_id) cache_.invalidate_tenant(*cmd.tenant_id);
  }
  if (n) signal_.notify();
  return n;
}

int CommandWorker::expire_approvals() {
  int64_t now = clock_.now_ms();
  // A plain read first: idle workers do not take the write lock for nothing.
  auto due = store::awaiting_approval_before(store_.conn(), now - opts_.approval_ttl_ms);
  int n = 0;
  for (auto& cmd : due) {
    // Off the global write lock: one UPDATE conditional on AWAITING_APPROVAL.
    bool expired = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      if (!store::reject_command(c, cmd.id, "approval expired", now)) return false;
      audit_state(c, cmd, "command.expire", opts_.worker_id, now, "reason", "approval expired");
      return true;
    });
    if (!expired) continue;  // decided meanwhile
    ++n;
    metrics_.inc("painel_commands_approval_total", "decision=\"expired\"");
    spdlog::info("command {} ({}) was not approved within {} h: cancelled", cmd.id,
                 cmd.command_type, opts_.approval_ttl_ms / 3600000);
    if (cmd.tenant_id) cache_.invalidate_tenant(*cmd.tenant_id);
  }
  if (n) signal_.notify();
  return n;
}

int64_t CommandWorker::apply_retention() {
  int64_t now = clock_.now_ms();
  int64_t cutoff = now - opts_.retention_days * 86400000LL;
  int64_t deleted = 0;
  for (;;) {  // small batches: the write lock is never held for long
    int64_t n = store_.write(
        store::WriteLock::RowLevel,  // finished rows only
        [&](store::Conn& c) { return store::delete_commands_before(c, cutoff, 1000); });
    deleted += n;
    if (n < 1000 || stop_) break;
  }
  int64_t keys = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    return store::delete_idempotency_keys_before(c, now - opts_.idempotency_keep_ms);
  });
  if (deleted) metrics_.inc("painel_commands_deleted_total", "", static_cast<uint64_t>(deleted));
  if (deleted || keys)
    spdlog::info(
        "command retention: deleted {} command(s) older than {} days, {} idempotency key(s)",
        deleted, opts_.retention_days, keys);
  return deleted;
}

}  // namespace painel::jobs
