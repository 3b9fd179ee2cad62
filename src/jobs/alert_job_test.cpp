// The alert job on a real SQLite store with a clock moved by hand: a counter that rises
// fires the rule (one incident, source alert, a queued notification per webhook); further
// evaluations and a second job (a restart, another instance) do not open another; once the
// window holds no more increases and clear_s has passed, the same incident is resolved.
#include "jobs/alert_job.hpp"

#include <gtest/gtest.h>

#include "jobs/alert_webhooks.hpp"
#include "jobs/job_test_support.hpp"
#include "store/alerts.hpp"
#include "store/incidents.hpp"
#include "store/leases.hpp"

namespace painel::jobs {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

domain::AlertRule busy_rule() {
  domain::AlertRule r;
  r.name = "PainelStoreBusy";
  r.expr = domain::AlertExpr::StoreBusy;
  r.threshold = 0;
  r.window_s = 60;
  r.severity = "warning";
  r.clear_s = 30;
  r.summary = "busy";
  return r;
}

class AlertJobTest : public testing::TempStoreTest {
 protected:
  testing::ManualClock clock_{kT0};
  obs::Metrics metrics_;
  testing::RecordingCache cache_;
  AlertJobOptions opts_{30000, {"https://hooks.example/T/secret-path"}, "https://painel.example"};

  std::unique_ptr<AlertJob> job() {
    return std::make_unique<AlertJob>(*store_, metrics_, cache_, clock_, std::vector{busy_rule()},
                                      opts_);
  }
  std::vector<store::StaffIncident> alert_incidents() {
    store::IncidentFilter f;
    f.source = "alert";
    return store::list_staff_incidents(store_->conn(), f, {50, 0}).items;
  }
  store::AlertStateRow state() {
    for (auto& s : store::alert_states(store_->conn()))
      if (s.rule == "PainelStoreBusy") return s;
    return {};
  }
  int64_t deliveries(const std::string& event) {
    int64_t n = 0;
    for (auto& d : store::list_alert_deliveries(store_->conn(), {200, 0}).items)
      n += d.event == event;
    return n;
  }
};

TEST_F(AlertJobTest, FiresOnceSurvivesARestartAndResolvesTheSameIncident) {
  auto a = job();
  EXPECT_TRUE(a->tick());
  EXPECT_EQ(state().phase, "ok");
  EXPECT_TRUE(alert_incidents().empty());

  metrics_.inc("painel_store_errors_total", "kind=\"busy\"", 2);
  clock_.advance(30000);
  EXPECT_TRUE(a->tick());
  auto inc = alert_incidents();
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0].source, "alert");
  EXPECT_EQ(inc[0].status, "open");
  EXPECT_EQ(inc[0].severity, "warning");
  EXPECT_FALSE(inc[0].tenant_id.has_value());
  EXPECT_EQ(state().phase, "firing");
  EXPECT_EQ(state().value, 2.0);
  EXPECT_EQ(state().incident_id, inc[0].id);
  EXPECT_EQ(deliveries("firing"), 1);
  EXPECT_GE(cache_.all(), 1) << "a global incident changes every tenant's answers";
  auto d = store::list_alert_deliveries(store_->conn(), {1, 0}).items.at(0);
  EXPECT_EQ(d.target, "https://hooks.example") << "the URL's path may be its secret";

  // Another job on the same store (a restart, or the lease on another instance): the
  // errors are still in the window of the first's counters, not of its own; the state
  // says firing and nothing is opened twice.
  a.reset();
  auto b = job();
  metrics_.inc("painel_store_errors_total", "kind=\"busy\"", 1);
  clock_.advance(30000);
  EXPECT_TRUE(b->tick());
  EXPECT_EQ(alert_incidents().size(), 1u);
  EXPECT_EQ(deliveries("firing"), 1);

  // No increase for a whole window: clearing, then after clear_s resolved.
  clock_.advance(61000);
  b->tick();
  EXPECT_EQ(state().phase, "clearing");
  EXPECT_EQ(alert_incidents()[0].status, "open");
  clock_.advance(30000);
  b->tick();
  EXPECT_EQ(state().phase, "ok");
  inc = alert_incidents();
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0].status, "resolved");
  EXPECT_EQ(inc[0].resolved_by, "alert");
  EXPECT_FALSE(state().incident_id.has_value());
  EXPECT_EQ(deliveries("resolved"), 1);
  EXPECT_EQ(metrics_.counter("painel_alert_transitions_total", "to=\"firing\""), 1u);
  EXPECT_EQ(metrics_.counter("painel_alert_transitions_total", "to=\"resolved\""), 1u);
}

TEST_F(AlertJobTest, OnlyTheLeaseHolderEvaluates) {
  auto a = job();
  auto b = job();
  ASSERT_TRUE(store_->write([&](store::Conn& c) {
    return store::acquire_lease(c, "alerts", "someone-else", kT0, 60000);
  }));
  EXPECT_FALSE(a->tick());
  EXPECT_FALSE(b->tick());
  EXPECT_TRUE(store::alert_states(store_->conn()).empty());
  clock_.advance(60001);  // the other holder died: its lease expires
  EXPECT_TRUE(a->tick());
}

TEST_F(AlertJobTest, TheWindowCountsOnlyIncreasesWithinIt) {
  domain::AlertRule r = busy_rule();
  ProcessAlertInputs in(metrics_, *store_, clock_, {r});
  metrics_.inc("painel_store_errors_total", "kind=\"busy\"", 5);
  clock_.advance(30000);
  in.sample();
  EXPECT_EQ(in.window_sum("painel_store_errors_total", {{"kind", "busy"}}, 60), 5);
  clock_.advance(30000);
  in.sample();
  metrics_.inc("painel_store_errors_total", "kind=\"busy\"", 1);
  clock_.advance(30000);
  in.sample();
  // 90 s after start: the 5 happened before the window's start (30 s), the 1 inside it.
  EXPECT_EQ(in.window_sum("painel_store_errors_total", {{"kind", "busy"}}, 60), 1);
  EXPECT_EQ(in.window_sum("painel_store_errors_total", {{"kind", "other"}}, 60), 0);
}

TEST(AlertWebhookSignature, IsTheHexHmacSha256OfTheBody) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(derived_webhook_secret(std::string(32, 'm')).size(), 64u);
  EXPECT_NE(derived_webhook_secret(std::string(32, 'm')),
            derived_webhook_secret(std::string(32, 'n')));
}

TEST(AlertWebhookTarget, KeepsSchemeAndHostOnly) {
  EXPECT_EQ(webhook_target("https://hooks.slack.com/services/T0/B0/XYZ"),
            "https://hooks.slack.com");
  EXPECT_EQ(webhook_target("http://user:pw@127.0.0.1:8080/x?token=1"), "http://127.0.0.1:8080");
  EXPECT_EQ(webhook_target("http://host"), "http://host");
}

}  // namespace
}  // namespace painel::jobs
