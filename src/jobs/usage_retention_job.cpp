#include "jobs/usage_retention_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/ids.hpp"
#include "store/leases.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_partitions.hpp"

namespace painel::jobs {
namespace {
constexpr const char* kLease = "usage_retention";
}  // namespace

UsageRetentionJob::UsageRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock,
                                     int retention_days, int64_t interval_ms)
    : store_(s),
      metrics_(m),
      clock_(clock),
      retention_days_(retention_days),
      interval_ms_(interval_ms),
      holder_(new_uuid()) {}

RetentionRun UsageRetentionJob::tick() {
  RetentionRun run;
  try {
    if (store_.conn().dialect() == store::Dialect::Sqlite) {
      run = sqlite_run();
    } else {
      // From lease to release on one session (PostgreSQL: the lease is a session lock).
      store::PinnedSession pin(store_.conn());
      const int64_t now = clock_.now_ms();
      bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        return store::acquire_lease(c, kLease, holder_, now, 3 * interval_ms_ + 1000);
      });
      if (!leased) return run;
      try {
        run = postgres_run(day_of_ms(now));
      } catch (...) {
        store_.write(store::WriteLock::RowLevel,
                     [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
        throw;
      }
      store_.write(store::WriteLock::RowLevel,
                   [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
    }
  } catch (const std::exception& e) {
    metrics_.inc("painel_usage_retention_failures_total");
    spdlog::error("usage: raw-event retention failed (tried again at the next run): {}", e.what());
  }
  return run;
}

RetentionRun UsageRetentionJob::sqlite_run() {
  RetentionRun run;
  if (retention_days_ <= 0) return run;
  const int64_t before_day = today_utc(clock_) - retention_days_;
  for (int64_t i = 0; i < kMaxBatchesPerRun; ++i) {
    int64_t n = store_.write(
        [&](store::Conn& c) { return store::delete_raw_events_before(c, before_day, kBatch); });
    run.deleted += n;
    metrics_.inc("painel_usage_events_retention_deleted_total", "", static_cast<uint64_t>(n));
    if (n < kBatch) break;
  }
  if (run.deleted > 0)
    spdlog::info("usage: deleted {} raw event(s) of days before {} (--raw-retention-days {})",
                 run.deleted, format_day(before_day), retention_days_);
  return run;
}

RetentionRun UsageRetentionJob::postgres_run(int64_t today) {
  RetentionRun run;
  int64_t floor = 0;  // the first day kept (0: all kept)
  if (retention_days_ > 0) {
    floor = today - retention_days_;
    // The floor first: once the days are closed, aggregation no longer reads them.
    store_.write([&](store::Conn& c) { store::close_raw_days_before(c, floor); });
    auto drop = [&](int64_t day) {
      // Unlike SQLite's batches, the partition holding the highest id may go: a bigserial
      // never hands an id out again, so no later event can fall below a fold mark.
      auto t0 = std::chrono::steady_clock::now();
      store_.write([&](store::Conn& c) { store::detach_usage_partition(c, day); });
      auto t1 = std::chrono::steady_clock::now();
      {  // Not a Store::write: that takes the global write lock, held through the commit
         // that removes the files (~0.7 s for 10 M events), and every writer would wait.
        store::Conn& c = store_.conn();
        store::Tx tx(c, false);
        store::drop_detached_usage_partition(c, day);
        tx.commit();
      }
      ++run.partitions_dropped;
      metrics_.inc("painel_usage_partitions_dropped_total");
      using ms = std::chrono::duration<double, std::milli>;
      spdlog::info(
          "usage: dropped the raw events of {} in {:.0f} ms ({:.0f} ms detaching, usage_events "
          "locked) (--raw-retention-days {})",
          format_day(day), ms(std::chrono::steady_clock::now() - t0).count(), ms(t1 - t0).count(),
          retention_days_);
    };
    for (int64_t day :
         store_.write([](store::Conn& c) { return store::usage_partition_days(c); })) {
      // Ascending. A partition is a UTC day; its events' local dates run to the next day,
      // so it goes once that day is closed too.
      if (day + 1 >= floor) break;
      drop(day);
    }
    // Left detached by a run that stopped between its two transactions.
    for (int64_t day :
         store_.write([](store::Conn& c) { return store::detached_usage_partition_days(c); }))
      drop(day);
    for (int64_t i = 0; i < kMaxBatchesPerRun; ++i) {
      int64_t n = store_.write(
          [&](store::Conn& c) { return store::delete_default_events_before(c, floor, kBatch); });
      run.deleted += n;
      metrics_.inc("painel_usage_events_retention_deleted_total", "", static_cast<uint64_t>(n));
      if (n < kBatch) break;
    }
  }
  auto create = [&](int64_t day) {
    if (store_.write([&](store::Conn& c) { return store::create_usage_partition(c, day); })) {
      ++run.partitions_created;
      metrics_.inc("painel_usage_partitions_created_total");
    }
  };
  for (int64_t day = std::max(today - kDaysBehind, floor); day <= today + kDaysAhead; ++day)
    create(day);
  for (int64_t day : store_.write(
           [&](store::Conn& c) { return store::usage_default_days(c, floor, kDefaultDaysPerRun); }))
    create(day);
  if (run.partitions_created > 0 || run.deleted > 0)
    spdlog::info("usage: {} day partition(s) created, {} raw event(s) deleted from DEFAULT",
                 run.partitions_created, run.deleted);
  return run;
}

}  // namespace painel::jobs
