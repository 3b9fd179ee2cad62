#pragma once
// The daily usage aggregation inside `painel serve`: re-aggregates "dirty" days (days
// that received events since their last aggregation) every few seconds, and the whole
// previous day on a cron schedule (default 00:05 UTC): the day before today's date in the
// platform zone (--time-zone), whose local dates the busiest tenants share. One instance at
// a time, by lease.
#include <cstdint>
#include <string>

#include "cache/response_cache.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "domain/cron.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

struct AggregationOptions {
  std::string cron = "5 0 * * *";
  int dirty_interval_ms = 10000;
  std::string time_zone{kDefaultTimeZone};  // whose "yesterday" the schedule rebuilds
};

class AggregationJob {
 public:
  AggregationJob(store::Store& s, cache::ResponseCache& cache, obs::Metrics& m, const Clock& clock,
                 AggregationOptions o);
  // One step; call it often (every second). Returns the number of days aggregated.
  int64_t tick();
  int64_t next_scheduled_ms() const { return next_scheduled_; }

 private:
  int64_t run_dirty();
  int64_t run_scheduled();
  store::Store& store_;
  cache::ResponseCache& cache_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  AggregationOptions opts_;
  domain::Cron cron_;
  TimeZone zone_;
  std::string holder_;
  int64_t next_scheduled_ = 0, next_dirty_ = 0;
};

}  // namespace painel::jobs
