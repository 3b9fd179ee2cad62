#include "jobs/aggregation_job.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>
#include <stdexcept>

#include "core/ids.hpp"
#include "store/leases.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_rollup.hpp"

namespace painel::jobs {

AggregationJob::AggregationJob(store::Store& s, cache::ResponseCache& cache, obs::Metrics& m,
                               const Clock& clock, AggregationOptions o)
    : store_(s),
      cache_(cache),
      metrics_(m),
      clock_(clock),
      opts_(std::move(o)),
      zone_(TimeZone::find_or_default(opts_.time_zone)),
      holder_(new_uuid()) {
  auto c = domain::Cron::parse(opts_.cron);
  if (!c) throw std::invalid_argument("--aggregate-cron is not a valid 5-field cron expression");
  cron_ = *c;
  next_scheduled_ = cron_.next_after(clock_.now_ms());
}

int64_t AggregationJob::tick() {
  int64_t now = clock_.now_ms(), days = 0;
  bool due_dirty = now >= next_dirty_, due_sched = now >= next_scheduled_;
  if (!due_dirty && !due_sched) return 0;
  // From lease to release on one session (PostgreSQL: the lease is a session lock).
  store::PinnedSession pin(store_.conn());
  bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    return store::acquire_lease(c, "usage_aggregation", holder_, now, 5 * 60 * 1000);
  });
  if (!leased) {  // another instance is on it
    next_dirty_ = now + opts_.dirty_interval_ms;
    return 0;
  }
  struct Release {  // also when a run throws: the lease (PostgreSQL: the lock) is freed
    AggregationJob& job;
    ~Release() {
      try {
        job.store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
          store::release_lease(c, "usage_aggregation", job.holder_);
        });
      } catch (const std::exception& e) {
        spdlog::warn("aggregation: releasing the lease failed ({}); it expires on its own",
                     e.what());
      }
    }
  } release{*this};
  if (due_sched) {
    days += run_scheduled();
    next_scheduled_ = cron_.next_after(now);
  }
  if (due_dirty) {
    days += run_dirty();
    // The platform rollup's backfill (migration 28), a month of days per pass, each day in
    // its own transaction: a no-op once complete.
    auto b = store::backfill_rollup(store_.conn(), 31);
    if (b.days)
      spdlog::info("aggregation: platform usage rollup backfilled {} day(s){}", b.days,
                   b.complete ? "; complete" : "");
    next_dirty_ = now + opts_.dirty_interval_ms;
  }
  metrics_.set_gauge("painel_aggregation_last_run_timestamp_seconds",
                     static_cast<double>(now) / 1000.0);
  return days;
}

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int64_t AggregationJob::run_scheduled() {
  auto t0 = std::chrono::steady_clock::now();
  int64_t yesterday = zone_.local_day(clock_.now_ms()) - 1;
  auto st =
      store::aggregate_days(store_.conn(), yesterday, yesterday, std::nullopt, clock_.now_ms());
  cache_.invalidate_all();
  double s = seconds_since(t0);
  metrics_.observe("painel_aggregation_duration_seconds", "kind=\"full\"", s);
  metrics_.inc("painel_aggregation_runs_total", "kind=\"scheduled\"");
  spdlog::info("aggregation: {} aggregated ({} events, {} rows) in {} ms", format_day(yesterday),
               st.events, st.rows, static_cast<int64_t>(s * 1000));
  return st.days;
}

// Issue 20: each dirty day is folded incrementally (only its events not folded yet), all
// its tenants at once, in its own transaction; a day never folded before is rebuilt whole
// once. Each day's pass is one observation of painel_aggregation_duration_seconds.
int64_t AggregationJob::run_dirty() {
  std::map<int64_t, std::vector<std::string>> by_day;
  for (auto& m : store::dirty_marks(store_.conn(), 1000))
    by_day[m.day].push_back(std::move(m.tenant_id));
  int64_t n = 0, events = 0, rebuilt = 0;
  double total_s = 0;
  for (auto& [day, tenants] : by_day) {
    auto t0 = std::chrono::steady_clock::now();
    auto fs = store::fold_day(store_.conn(), day, clock_.now_ms());
    double s = seconds_since(t0);
    total_s += s;
    metrics_.observe("painel_aggregation_duration_seconds",
                     fs.rebuilt ? "kind=\"full\"" : "kind=\"incremental\"", s);
    rebuilt += fs.rebuilt;
    // The tenants whose rows changed, and the marked ones (whose events may have been
    // folded by an earlier pass already).
    std::set<std::string> changed(fs.tenants.begin(), fs.tenants.end());
    changed.insert(tenants.begin(), tenants.end());
    for (auto& t : changed) cache_.invalidate_tenant(t);
    n += static_cast<int64_t>(tenants.size());
    events += fs.stats.events;
  }
  if (n) {
    metrics_.inc("painel_aggregation_runs_total", "kind=\"dirty\"");
    metrics_.inc("painel_aggregation_days_total", "", static_cast<uint64_t>(n));
    spdlog::info(
        "aggregation: {} dirty tenant-day(s) of {} day(s) folded ({} new events; {} day(s) "
        "rebuilt whole) in {} ms",
        n, by_day.size(), events, rebuilt, static_cast<int64_t>(total_s * 1000));
  }
  return n;
}

}  // namespace painel::jobs
