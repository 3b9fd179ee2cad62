#include "jobs/metric_history_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "core/ids.hpp"
#include "store/leases.hpp"
#include "store/metric_history.hpp"

namespace painel::jobs {
namespace {

constexpr const char* kLease = "metric_history_prune";

std::string default_instance_id(int64_t now_ms) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:{}", host[0] ? host : "host", getpid(), now_ms / 1000);
}

}  // namespace

MetricHistoryJob::MetricHistoryJob(store::Store& s, obs::Metrics& m, const Clock& clock,
                                   MetricHistoryOptions opts)
    : store_(s), metrics_(m), clock_(clock), opts_(std::move(opts)), holder_(new_uuid()) {
  if (opts_.instance_id.empty()) opts_.instance_id = default_instance_id(clock_.now_ms());
  // What happened before the job started (a restart begins at zero anyway) is the baseline:
  // the first minute holds only increases seen by this job.
  for (auto& s : metrics_.history_samples())
    if (s.counter) last_[{s.name, s.labels}] = s.value;
  metrics_.tenant_requests.drain();
  metrics_.internal_user_requests.drain();
}

size_t MetricHistoryJob::flush() {
  std::lock_guard lk(mu_);
  int64_t minute = clock_.now_ms() / 60000;
  auto& slot = minutes_[minute];
  slot.written = false;
  auto& cur = slot.points;
  cur[{"instance_up", ""}] = 1;
  for (auto& s : metrics_.history_samples()) {
    Key k{std::move(s.name), std::move(s.labels)};
    if (!s.counter) {
      cur[k] = s.value;
      continue;
    }
    double& last = last_[k];
    double inc = s.value - last;
    last = s.value;
    if (inc > 0) cur[k] += inc;
  }
  for (auto& [tenant, n] : metrics_.tenant_requests.drain())
    cur[{"tenant_requests", fmt::format("tenant=\"{}\"", tenant)}] += static_cast<double>(n);
  for (auto& [user, n] : metrics_.internal_user_requests.drain())
    cur[{"internal_user_requests", fmt::format("user=\"{}\"", user)}] += static_cast<double>(n);

  size_t written = 0;
  try {
    for (auto& [m, slot] : minutes_) {
      if (slot.written) continue;
      auto& points = slot.points;
      std::vector<store::MetricPoint> batch;
      batch.reserve(points.size());
      for (auto& [k, v] : points)
        if (v != 0 || k.first == "instance_up") batch.push_back({k.first, k.second, v});
      // Off the global write lock: upserts of this instance's own rows (the instance id is
      // part of the key; no other writer touches them).
      store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        store::write_metric_points(c, opts_.instance_id, m, batch);
      });
      written += batch.size();
      slot.written = true;
    }
  } catch (const std::exception& e) {
    spdlog::warn(
        "metric history: writing this instance's points failed (kept for the next "
        "try): {}",
        e.what());
    // Keep at most an hour of unwritten minutes: a store down for longer loses the oldest.
    while (minutes_.size() > 60) minutes_.erase(minutes_.begin());
    return 0;
  }
  // Written: past minutes are final; the current one is rewritten whole at the next flush.
  minutes_.erase(minutes_.begin(), minutes_.find(minute));
  return written;
}

void MetricHistoryJob::each_in_window(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
    int64_t seconds, const std::function<void(const std::string&, double)>& f) {
  auto matches = [&](const std::string& text) {
    auto have = store::parse_labels(text);
    return std::all_of(labels.begin(), labels.end(), [&](const auto& want) {
      return std::find(have.begin(), have.end(), want) != have.end();
    });
  };
  int64_t now_s = clock_.now_ms() / 1000;
  // Every minute the window touches, the current one included: points are per minute, so
  // the sum may reach up to a minute before the window, but never misses what happened in
  // it (a window shorter than a minute, counting only minutes that start within it, would
  // see nothing once the point is written).
  int64_t from_minute = (now_s - seconds) / 60, to_minute = now_s / 60 + 1;
  int64_t from_s = from_minute * 60, to_s = to_minute * 60;  // as metric_window_totals counts
  std::lock_guard lk(mu_);
  {
    // Every instance's written points (this one's as of its last flush).
    auto totals = store::metric_window_totals(store_.conn(), name, labels, from_s, to_s);
    for (auto& [l, v] : totals) f(l, v);
  }
  for (auto& [m, slot] : minutes_) {  // a minute whose write failed
    if (slot.written || m < from_minute || m >= to_minute) continue;
    for (auto& [k, v] : slot.points)
      if (k.first == name && matches(k.second)) f(k.second, v);
  }
  for (auto& s : metrics_.history_samples()) {  // since the last flush
    if (!s.counter || s.name != name || !matches(s.labels)) continue;
    auto it = last_.find({s.name, s.labels});
    double inc = s.value - (it == last_.end() ? 0.0 : it->second);
    if (inc > 0) f(s.labels, inc);
  }
}

double MetricHistoryJob::window_sum(std::string_view name,
                                    const std::vector<std::pair<std::string, std::string>>& labels,
                                    int64_t seconds) {
  double sum = 0;
  each_in_window(name, labels, seconds, [&](const std::string&, double v) { sum += v; });
  return sum;
}

std::map<std::string, double> MetricHistoryJob::window_sums_by(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
    std::string_view by, int64_t seconds) {
  std::map<std::string, double> out;
  each_in_window(name, labels, seconds, [&](const std::string& text, double v) {
    for (auto& [k, value] : store::parse_labels(text))
      if (k == by) out[value] += v;
  });
  return out;
}

int64_t MetricHistoryJob::prune() {
  if (opts_.retention_days <= 0) return 0;
  int64_t now = clock_.now_ms();
  int64_t before_minute = now / 60000 - int64_t{opts_.retention_days} * 1440;
  // From lease to release on one session (PostgreSQL: the lease is a session lock).
  store::PinnedSession pin(store_.conn());
  bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    return store::acquire_lease(c, kLease, holder_, now, 600000);
  });
  if (!leased) return 0;
  int64_t total = 0;
  try {
    for (int round = 0; round < 1000; ++round) {  // 5 minutes a statement: short transactions
      // Off the global write lock: a DELETE of points older than a minute no writer adds
      // to any more (points are written at the current minute).
      int64_t n = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        return store::prune_metric_points(c, before_minute, 5);
      });
      total += n;
      if (n == 0) break;
    }
  } catch (...) {
    store_.write(store::WriteLock::RowLevel,
                 [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
    throw;
  }
  store_.write(store::WriteLock::RowLevel,
               [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
  if (total > 0)
    spdlog::info("metric history: pruned {} point(s) older than {} days", total,
                 opts_.retention_days);
  return total;
}

}  // namespace painel::jobs
