#include "jobs/audit_checkpoint_job.hpp"

#include <spdlog/spdlog.h>

#include "core/ids.hpp"
#include "store/audit.hpp"
#include "store/leases.hpp"

namespace painel::jobs {

AuditCheckpointJob::AuditCheckpointJob(store::Store& s, obs::Metrics& m, const Clock& clock,
                                       int64_t interval_ms)
    : store_(s), metrics_(m), clock_(clock), interval_ms_(interval_ms), holder_(new_uuid()) {}

int64_t AuditCheckpointJob::tick() {
  int64_t now = clock_.now_ms();
  int64_t count = 0;
  try {
    // One instance at a time; the others only read what it wrote. Released at once (on
    // PostgreSQL the lease is a session lock that must not travel with a pooled connection:
    // one session from lease to release).
    store::PinnedSession pin(store_.conn());
    bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::acquire_lease(c, "audit_checkpoint", holder_, now, 3 * interval_ms_ + 1000);
    });
    if (leased) {
      struct Release {
        AuditCheckpointJob& job;
        ~Release() {
          try {
            job.store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
              store::release_lease(c, "audit_checkpoint", job.holder_);
            });
          } catch (const std::exception& e) {
            spdlog::warn("audit: releasing the checkpoint lease failed ({})", e.what());
          }
        }
      } release{*this};
      // Off the global write lock: audit_checkpoint takes the audit chain's own lock.
      count = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        int64_t before = store::audit_last_checkpoint_count(c);
        int64_t n = store::audit_checkpoint(c, now);
        if (n != before) {
          metrics_.inc("painel_audit_checkpoints_total");
          spdlog::info("audit: checkpoint signed over {} rows", n);
        }
        return n;
      });
    } else {
      count = store::audit_last_checkpoint_count(store_.conn());
    }
  } catch (const std::exception& e) {
    metrics_.inc("painel_audit_checkpoint_failures_total");
    spdlog::error("audit: checkpoint failed: {}", e.what());
    return 0;
  }
  int64_t seen = store_.audit_checkpoint_seen.load();
  while (count > seen && !store_.audit_checkpoint_seen.compare_exchange_weak(seen, count)) {
  }
  return count;
}

}  // namespace painel::jobs
