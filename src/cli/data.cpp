// `painel demo` and `painel aggregate`.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <set>

#include "cli/progress.hpp"
#include "cli/subcommands.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "demo/demo.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "store/usage_aggregate.hpp"
#include "store/usage_rollup.hpp"

namespace painel::cli {

int cmd_demo(const std::string& database, int tenants, int days, uint64_t seed) {
  auto s = store::Store::open(database);
  if (s->schema_version() != s->latest_version()) s->migrate("");
  s->set_audit_key(audit_key_for(database));
  store::require_audit_key_match(s->conn());
  demo::DemoOptions o;
  o.tenants = tenants;
  o.days = days;
  o.seed = seed;
  auto sum = demo::load_demo(*s, o, wall_now_ms(),
                             [](const std::string& m) { std::cerr << "demo: " << m << "\n"; });
  std::cout << "demo data loaded: " << sum.tenants << " tenants, " << sum.events
            << " usage events\n";
  std::cout << "demo logins (password for all: "
            << (sum.logins.empty() ? "" : sum.logins[0].password) << "):\n";
  for (auto& l : sum.logins)
    std::cout << "  " << l.group << "\t" << l.email
              << (l.tenant_name.empty() ? "" : "\t(" + l.tenant_name + ")") << "\n";
  return 0;
}

int cmd_aggregate(const std::string& database, const std::string& from, const std::string& to,
                  const std::string& zone) {
  int64_t today = TimeZone::find_or_default(zone).local_day(wall_now_ms());
  int64_t f = today - 1, t;
  if (!from.empty()) {
    auto d = parse_day(from);
    if (!d) throw UsageError("--from must be YYYY-MM-DD");
    f = *d;
  }
  t = f;
  if (!to.empty()) {
    auto d = parse_day(to);
    if (!d) throw UsageError("--to must be YYYY-MM-DD");
    t = *d;
  }
  if (t < f) throw UsageError("--to is before --from");
  auto s = store::Store::open(database);
  if (s->schema_version() != s->latest_version())
    throw std::runtime_error("schema is not current; run `painel migrate`");
  // Backfill day by day: a progress bar on a terminal, plain log lines otherwise.
  int64_t total_days = t - f + 1, events = 0, rows = 0;
  Progress progress(total_days);
  for (int64_t d = f; d <= t; ++d) {
    auto st = store::aggregate_days(s->conn(), d, d, std::nullopt, wall_now_ms());
    events += st.events;
    rows += st.rows;
    int64_t done = d - f + 1;
    double eps = progress.per_second(events), eta = progress.eta(done);
    if (progress.on_terminal()) {
      progress.draw(
          done, fmt::format("{}/{} days  {:.0f} events/s  ETA {:.0f}s", done, total_days, eps, eta),
          done == total_days);
    } else {
      std::fprintf(stderr,
                   "aggregate: %s done (%lld/%lld days, %lld events, %.0f events/s, ETA %.0fs)\n",
                   format_day(d).c_str(), static_cast<long long>(done),
                   static_cast<long long>(total_days), static_cast<long long>(st.events), eps, eta);
    }
  }
  std::cout << "aggregated " << total_days << " day(s): " << events << " events into " << rows
            << " rows\n";
  return 0;
}

int cmd_aggregate_dirty(const std::string& database) {
  auto s = store::Store::open(database);
  if (s->schema_version() != s->latest_version())
    throw std::runtime_error("schema is not current; run `painel migrate`");
  auto t0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();  // the pass's CPU, apart from start-up and exit
  std::set<int64_t> days;
  for (auto& m : store::dirty_marks(s->conn(), 1000000)) days.insert(m.day);
  int64_t events = 0, rows = 0, rebuilt = 0;
  for (int64_t d : days) {
    auto fs = store::fold_day(s->conn(), d, wall_now_ms());
    events += fs.stats.events;
    rows += fs.stats.rows;
    rebuilt += fs.rebuilt;
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  std::cout << fmt::format(
      "folded {} dirty day(s): {} events into {} rows ({} day(s) rebuilt whole) in {:.1f} ms "
      "({:.1f} ms of CPU)\n",
      days.size(), events, rows, rebuilt, ms, cpu_ms);
  return 0;
}

int cmd_aggregate_rollup(const std::string& database) {
  auto s = store::Store::open(database);
  if (s->schema_version() != s->latest_version())
    throw std::runtime_error("schema is not current; run `painel migrate`");
  auto t0 = std::chrono::steady_clock::now();
  s->write([](store::Conn& c) { store::mark_rollup_incomplete(c); });
  int64_t days = 0;
  for (;;) {
    auto b = store::backfill_rollup(s->conn(), 100);
    days += b.days;
    if (b.complete) break;
    std::fprintf(stderr, "aggregate: rollup: %lld day(s) rebuilt\n", static_cast<long long>(days));
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::cout << fmt::format("rebuilt the platform usage rollup of {} day(s) in {:.0f} ms\n", days,
                           ms);
  return 0;
}

}  // namespace painel::cli
