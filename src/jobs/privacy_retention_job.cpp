#include "jobs/privacy_retention_job.hpp"

#include <spdlog/spdlog.h>

#include "core/ids.hpp"
#include "store/leases.hpp"

namespace painel::jobs {
namespace {
constexpr const char* kLease = "privacy_retention";
}  // namespace

PrivacyRetentionJob::PrivacyRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock,
                                         int retention_days, int64_t interval_ms)
    : store_(s),
      metrics_(m),
      clock_(clock),
      retention_days_(retention_days),
      interval_ms_(interval_ms),
      holder_(new_uuid()) {}

store::IpRetention PrivacyRetentionJob::tick() {
  int64_t now = clock_.now_ms();
  store::IpRetention done;
  try {
    // From lease to release on one session (PostgreSQL: the lease is a session lock).
    store::PinnedSession pin(store_.conn());
    bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::acquire_lease(c, kLease, holder_, now, 3 * interval_ms_ + 1000);
    });
    if (!leased) return done;
    try {
      int64_t before = now - int64_t{retention_days_} * 86400000;
      // Off the global write lock: a DELETE and an UPDATE by age (a row another writer
      // holds is waited for, then judged again).
      done = store_.write(store::WriteLock::RowLevel,
                          [&](store::Conn& c) { return store::anonymize_ips_before(c, before); });
    } catch (...) {
      store_.write(store::WriteLock::RowLevel,
                   [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
      throw;
    }
    store_.write(store::WriteLock::RowLevel,
                 [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
  } catch (const std::exception& e) {
    metrics_.inc("painel_ip_retention_failures_total");
    spdlog::error("privacy: IP retention failed: {}", e.what());
    return done;
  }
  if (done.audit + done.sessions > 0) {
    metrics_.inc("painel_ip_retention_runs_total");
    spdlog::info("privacy: removed {} audit IP(s) and {} session IP(s) older than {} days",
                 done.audit, done.sessions, retention_days_);
  }
  return done;
}

}  // namespace painel::jobs
