// The alert job's window sums from the metric history, on SQLite and PostgreSQL (PgServer*:
// skipped unless the test cluster is given), with a clock moved by hand: errors counted only
// by another instance fire the rule once that instance has written them; this instance's
// own not-yet-written increases count at once, and count once after they are written; a
// window that has passed them resolves the rule. A tenant-scoped rule opens and resolves
// one incident per tenant over the threshold (that tenant's), from any instance's requests.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "jobs/alert_job.hpp"
#include "jobs/job_test_support.hpp"
#include "jobs/metric_history_job.hpp"
#include "store/alerts.hpp"
#include "store/incidents.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::jobs {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z, a minute's start

domain::AlertRule http_5xx_rule() {
  domain::AlertRule r;
  r.name = "PainelHttp5xx";
  r.expr = domain::AlertExpr::Http5xx;
  r.threshold = 2;
  r.window_s = 300;
  r.severity = "critical";
  r.summary = "5xx";
  return r;
}

store::AlertStateRow state(store::Store& s) {
  for (auto& row : store::alert_states(s.conn()))
    if (row.rule == "PainelHttp5xx") return row;
  return {};
}

std::vector<store::StaffIncident> alert_incidents(store::Store& s) {
  store::IncidentFilter f;
  f.source = "alert";
  return store::list_staff_incidents(s.conn(), f, {50, 0}).items;
}

void window_sums_across_instances(store::Store& s) {
  testing::ManualClock clock(kT0 + 10000);
  testing::RecordingCache cache;
  obs::Metrics evaluator, other;  // two instances: their own counters, one store
  MetricHistoryJob history_a(s, evaluator, clock, {1000, 15, "inst-a"});
  MetricHistoryJob history_b(s, other, clock, {1000, 15, "inst-b"});
  AlertJob job(s, evaluator, cache, clock, {http_5xx_rule()}, {30000, {}, ""}, &history_a);
  auto& route_b = other.route(0, "GET", "/tenant/agents");
  auto& route_a = evaluator.route(0, "GET", "/tenant/agents");

  for (int i = 0; i < 3; ++i) route_b.observe(503, 1000);
  route_b.observe(200, 1000);
  ASSERT_TRUE(job.tick());
  EXPECT_EQ(state(s).phase, "ok") << "the other instance has not written its minute yet";
  EXPECT_EQ(state(s).value, 0.0);

  history_b.flush();
  clock.advance(1000);
  ASSERT_TRUE(job.tick());
  EXPECT_EQ(state(s).phase, "firing");
  EXPECT_EQ(state(s).value, 3.0) << "the other instance's 5xx, not its 2xx";
  auto inc = alert_incidents(s);
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0].status, "open");

  // This instance's own 5xx: counted before its history writes them, and once after.
  route_a.observe(500, 1000);
  clock.advance(1000);
  job.tick();
  EXPECT_EQ(state(s).value, 4.0);
  history_a.flush();
  clock.advance(1000);
  job.tick();
  EXPECT_EQ(state(s).value, 4.0);
  route_a.observe(502, 1000);
  history_a.flush();
  route_a.observe(504, 1000);  // half written, half not
  clock.advance(1000);
  job.tick();
  EXPECT_EQ(state(s).value, 6.0);

  // The next minute: the earlier ones stay in the window.
  clock.set(kT0 + 70000);
  route_b.observe(500, 1000);
  history_b.flush();
  history_a.flush();
  job.tick();
  EXPECT_EQ(state(s).value, 7.0);
  EXPECT_EQ(alert_incidents(s).size(), 1u);

  // The window's start touches minute 1 (b's 500 at 70 s, a's 504 written then): still
  // counted, though minute 1 began before the window (2, not over the threshold of 2).
  clock.set(kT0 + 60000 + 301000);
  history_a.flush();
  history_b.flush();
  job.tick();
  EXPECT_EQ(state(s).value, 2.0);
  // Past the window (no minute it touches has a point): nothing, resolved (clear_s 0).
  clock.set(kT0 + 120000 + 300000);
  history_a.flush();
  history_b.flush();
  job.tick();
  EXPECT_EQ(state(s).value, 0.0);
  EXPECT_EQ(state(s).phase, "ok");
  inc = alert_incidents(s);
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0].status, "resolved");
}

domain::AlertRule tenant_rule() {
  domain::AlertRule r;
  r.name = "TenantFlood";
  r.expr = domain::AlertExpr::TenantRequests;
  r.scope = "tenant";
  r.threshold = 3;
  r.window_s = 300;
  r.severity = "warning";
  r.summary = "many requests";
  return r;
}

std::optional<store::AlertStateRow> tenant_state(store::Store& s, const std::string& tenant) {
  for (auto& row : store::alert_states(s.conn()))
    if (row.rule == "TenantFlood" && row.scope == tenant) return row;
  return std::nullopt;
}

void one_incident_per_tenant(store::Store& s) {
  auto t1 = s.write([](store::Conn& c) { return store::create_tenant(c, {"Um Ltda"}, kT0); });
  auto t2 = s.write([](store::Conn& c) { return store::create_tenant(c, {"Dois Ltda"}, kT0); });
  const std::string gone = "00000000-0000-4000-8000-000000000000";  // no such tenant
  testing::ManualClock clock(kT0 + 10000);
  testing::RecordingCache cache;
  obs::Metrics evaluator, other;
  MetricHistoryJob history_a(s, evaluator, clock, {1000, 15, "inst-a"});
  MetricHistoryJob history_b(s, other, clock, {1000, 15, "inst-b"});
  AlertJob job(s, evaluator, cache, clock, {http_5xx_rule(), tenant_rule()}, {30000, {}, ""},
               &history_a);

  for (int i = 0; i < 5; ++i) other.tenant_requests.add(t1);
  for (int i = 0; i < 2; ++i) other.tenant_requests.add(t2);
  for (int i = 0; i < 9; ++i) other.tenant_requests.add(gone);
  history_b.flush();
  ASSERT_TRUE(job.tick());
  auto inc = alert_incidents(s);
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0].tenant_id, t1);
  EXPECT_EQ(inc[0].status, "open");
  EXPECT_EQ(inc[0].severity, "warning");
  ASSERT_TRUE(tenant_state(s, t1));
  EXPECT_EQ(tenant_state(s, t1)->phase, "firing");
  EXPECT_EQ(tenant_state(s, t1)->value, 5.0);
  EXPECT_EQ(tenant_state(s, t1)->incident_id, inc[0].id);
  EXPECT_FALSE(tenant_state(s, t2)) << "under the threshold and ok: nothing saved";
  EXPECT_FALSE(tenant_state(s, gone));
  EXPECT_EQ(state(s).phase, "ok") << "the global rule beside it is untouched";
  EXPECT_EQ(cache.tenants(), std::vector<std::string>{t1});
  EXPECT_EQ(cache.all(), 0) << "a tenant's incident changes only that tenant's answers";
  EXPECT_EQ(evaluator.gauge("painel_alerts_firing"), 1.0);

  // t2's requests on the evaluating instance add to those of the other: 4 > 3.
  for (int i = 0; i < 2; ++i) evaluator.tenant_requests.add(t2);
  history_a.flush();
  clock.advance(30000);
  job.tick();
  inc = alert_incidents(s);
  ASSERT_EQ(inc.size(), 2u);
  EXPECT_EQ(tenant_state(s, t2)->phase, "firing");
  EXPECT_EQ(tenant_state(s, t2)->value, 4.0);
  EXPECT_EQ(evaluator.gauge("painel_alerts_firing"), 2.0);
  job.tick();
  EXPECT_EQ(alert_incidents(s).size(), 2u) << "still firing: no second incident";

  // Past the window: both resolve, their own incidents.
  clock.set(kT0 + 400000);
  history_a.flush();
  history_b.flush();
  job.tick();
  EXPECT_EQ(tenant_state(s, t1)->phase, "ok");
  EXPECT_EQ(tenant_state(s, t2)->phase, "ok");
  inc = alert_incidents(s);
  ASSERT_EQ(inc.size(), 2u);
  for (auto& i : inc) {
    EXPECT_EQ(i.status, "resolved");
    EXPECT_EQ(i.resolved_by, "alert");
  }
  EXPECT_EQ(evaluator.gauge("painel_alerts_firing"), 0.0);
}

// The alert job evaluating while the history writes, on two threads as in the server: the
// history's flush holds its lock while it writes; the evaluation must not wait for that lock
// inside its own write transaction (it did: each waited for the other until SQLite's busy
// timeout, 10 s per try, while every other writer, the CLI's too, got "database is locked").
void evaluates_while_the_history_writes(store::Store& s) {
  testing::ManualClock clock(kT0 + 10000);
  testing::RecordingCache cache;
  obs::Metrics m;
  MetricHistoryJob history(s, m, clock, {1000, 15, "inst-a"});
  AlertJob job(s, m, cache, clock, {http_5xx_rule(), tenant_rule()}, {30000, {}, ""}, &history);
  auto& route = m.route(0, "GET", "/tenant/agents");
  std::atomic<bool> stop{false};
  std::atomic<int> failed_flushes{0};
  std::thread writer([&] {
    for (int i = 0; i < 200 && !stop; ++i) {
      route.observe(500, 1000);
      m.tenant_requests.add("00000000-0000-4000-8000-000000000001");
      if (history.flush() == 0) {  // at least instance_up is written when it works
        ++failed_flushes;
        stop = true;
      }
    }
  });
  int failed_ticks = 0;
  for (int i = 0; i < 200 && !stop; ++i)
    if (!job.tick()) {
      ++failed_ticks;
      stop = true;
    }
  stop = true;
  writer.join();
  EXPECT_EQ(failed_flushes, 0);
  EXPECT_EQ(failed_ticks, 0);
  EXPECT_EQ(m.counter("painel_alert_evaluation_failures_total"), 0u);
}

class AlertHistoryTest : public store::SqliteStoreTest {};
TEST_F(AlertHistoryTest, EvaluatesWhileTheHistoryWrites) {
  evaluates_while_the_history_writes(*store_);
}
TEST_F(AlertHistoryTest, WindowSumsAcrossInstances) { window_sums_across_instances(*store_); }
TEST_F(AlertHistoryTest, OneIncidentPerTenant) { one_incident_per_tenant(*store_); }

class PgServerAlertHistoryTest : public store::PgStoreTest {};
TEST_F(PgServerAlertHistoryTest, WindowSumsAcrossInstances) {
  if (!store_) return;  // skipped: no test cluster
  window_sums_across_instances(*store_);
}
TEST_F(PgServerAlertHistoryTest, EvaluatesWhileTheHistoryWrites) {
  if (!store_) return;  // skipped: no test cluster
  evaluates_while_the_history_writes(*store_);
}
TEST_F(PgServerAlertHistoryTest, OneIncidentPerTenant) {
  if (!store_) return;  // skipped: no test cluster
  one_incident_per_tenant(*store_);
}

}  // namespace
}  // namespace painel::jobs
