#include "domain/alerts.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

namespace painel::domain {
namespace {

bool any_counter(std::string_view name) { return name.ends_with("_total"); }

AlertRule with_waits(int64_t for_s, int64_t clear_s) {
  AlertRule r;
  r.name = "R";
  r.threshold = 5;
  r.for_s = for_s;
  r.clear_s = clear_s;
  return r;
}

// Feeds one condition per 30-s evaluation; returns the moves in order.
std::vector<AlertMove> run(AlertState& s, const AlertRule& r, const std::vector<bool>& conds,
                           int64_t start_ms = 1'000'000) {
  std::vector<AlertMove> out;
  int64_t now = start_ms;
  for (bool c : conds) {
    out.push_back(step_alert(s, r, c, now));
    now += 30'000;
  }
  return out;
}

using M = AlertMove;

TEST(AlertHysteresis, FiresAtOnceWithoutForAndResolvesAtOnceWithoutClear) {
  AlertState s;
  auto r = with_waits(0, 0);
  EXPECT_EQ(run(s, r, {false, true, true, false, false}),
            (std::vector<M>{M::None, M::Fire, M::None, M::Resolve, M::None}));
  EXPECT_EQ(s.phase, AlertPhase::Ok);
}

TEST(AlertHysteresis, FiresOnlyAfterTheConditionHeldForSeconds) {
  AlertState s;
  auto r = with_waits(60, 0);
  // true at 0 s (pending), 30 s (still waiting), 60 s: held 60 s → fire.
  EXPECT_EQ(run(s, r, {true, true, true, true}),
            (std::vector<M>{M::None, M::None, M::Fire, M::None}));
  EXPECT_EQ(s.phase, AlertPhase::Firing);
}

TEST(AlertHysteresis, AFlappingConditionNeverFiresWhileForIsLonger) {
  AlertState s;
  auto r = with_waits(60, 0);
  auto moves = run(s, r, {true, true, false, true, true, false, true, false});
  for (auto m : moves) EXPECT_EQ(m, M::None);
  EXPECT_NE(s.phase, AlertPhase::Firing);
}

TEST(AlertHysteresis, AFlappingConditionDoesNotResolveAndReopen) {
  AlertState s;
  auto r = with_waits(0, 90);
  // Fires once; the quiet evaluations between bursts are shorter than clear_s.
  auto moves =
      run(s, r, {true, false, true, false, false, true, false, false, false, false, false});
  EXPECT_EQ(std::count(moves.begin(), moves.end(), M::Fire), 1);
  EXPECT_EQ(std::count(moves.begin(), moves.end(), M::Resolve), 1);
  EXPECT_EQ(moves.back(), M::None);
  EXPECT_EQ(moves[9], M::Resolve);  // false since evaluation 6 (180 s): 90 s later
  EXPECT_EQ(s.phase, AlertPhase::Ok);
}

TEST(AlertHysteresis, AStateRestoredFromTheStoreKeepsItsWait) {
  auto r = with_waits(0, 60);
  AlertState s{AlertPhase::Clearing, 1'000'000};  // as read back after a restart
  EXPECT_EQ(step_alert(s, r, false, 1'030'000), M::None);
  EXPECT_EQ(step_alert(s, r, false, 1'060'000), M::Resolve);
  AlertState f{AlertPhase::Firing, 0};  // firing before the restart: no second Fire
  EXPECT_EQ(step_alert(f, r, true, 2'000'000), M::None);
}

struct FakeInputs : AlertInputs {
  std::map<std::string, double> sums;  // "name|k=v,k=v|window"
  std::optional<double> rss, queue, lag, redis_mem;
  bool redis = false;
  double window_sum(std::string_view name, const MetricLabels& labels, int64_t s) override {
    std::string k = std::string(name) + "|";
    for (auto& [a, b] : labels) k += a + "=" + b + ",";
    k += "|" + std::to_string(s);
    auto it = sums.find(k);
    return it == sums.end() ? 0 : it->second;
  }
  std::optional<double> redis_memory_ratio() override { return redis_mem; }
  bool redis_configured() override { return redis; }
  std::optional<double> rss_bytes() override { return rss; }
  std::optional<double> queue_oldest_age_s() override { return queue; }
  std::optional<double> aggregation_lag_s() override { return lag; }
};

const AlertRule& shipped(std::string_view name) {
  for (auto& r : default_alert_rules())
    if (r.name == name) return r;
  throw std::runtime_error("no rule");
}

TEST(AlertValue, HandlerErrorsAddInternalErrorsAndOtherStoreErrors) {
  FakeInputs in;
  in.sums["painel_internal_errors_total||300"] = 4;
  in.sums["painel_store_errors_total|kind=other,|300"] = 2;
  in.sums["painel_store_errors_total|kind=busy,|300"] = 50;  // busy is its own rule
  EXPECT_EQ(alert_value(shipped("PainelHandlerErrors"), in), 6.0);
  EXPECT_EQ(alert_value(shipped("PainelStoreBusy"), in), 50.0);
}

TEST(AlertValue, RedisRulesHaveNoValueWithoutRedis) {
  FakeInputs in;
  in.sums["painel_redis_cpu_seconds_total||300"] = 270;  // CPU seconds in 300 s: 90 %
  EXPECT_EQ(alert_value(shipped("PainelRedisCpuHigh"), in), std::nullopt);
  in.redis = true;
  EXPECT_DOUBLE_EQ(*alert_value(shipped("PainelRedisCpuHigh"), in), 0.9);
  EXPECT_EQ(alert_value(shipped("PainelRedisMemoryHigh"), in), std::nullopt);
  in.redis_mem = 0.95;
  EXPECT_EQ(alert_value(shipped("PainelRedisMemoryHigh"), in), 0.95);
}

TEST(AlertValue, IngestionFailuresAreThe5xxOfTheIngestRoute) {
  FakeInputs in;
  in.sums["painel_http_requests_total|route=/ingest/usage,status=5xx,|300"] = 3;
  in.sums["painel_http_requests_total|status=5xx,|300"] = 11;
  EXPECT_EQ(alert_value(shipped("PainelIngestionFailing"), in), 3.0);
  EXPECT_EQ(alert_value(shipped("PainelHttp5xx"), in), 11.0);
}

TEST(AlertRules, ShippedDefaultsMatchThePrometheusRules) {
  EXPECT_EQ(shipped("PainelHandlerErrors").threshold, 5);
  EXPECT_EQ(shipped("PainelHandlerErrors").window_s, 300);
  EXPECT_EQ(shipped("PainelHttp5xx").threshold, 10);
  EXPECT_EQ(shipped("PainelStoreBusy").threshold, 0);
  EXPECT_EQ(shipped("PainelRedisCpuHigh").threshold, 0.8);
  EXPECT_EQ(shipped("PainelRedisMemoryHigh").threshold, 0.9);
  EXPECT_EQ(shipped("PainelCommandQueueStuck").threshold, 300);
  EXPECT_EQ(shipped("PainelAggregationLagging").threshold, 1800);
  EXPECT_EQ(default_alert_rules().size(), 10u);
}

TEST(AlertRules, AFileOverridesDisablesAndAdds) {
  auto rules = parse_alert_rules(R"({"rules":[
    {"name":"PainelHttp5xx","expr":"http_5xx","threshold":50,"severity":"error","window_s":600},
    {"name":"PainelMemoryHigh","enabled":false},
    {"name":"TooManyDenials","expr":"counter","metric":"painel_auth_denials_total",
     "labels":{"reason":"bad_token"},"threshold":3,"window_s":60,"severity":"warning",
     "for_s":0,"clear_s":5,"summary":"bad tokens"}]})",
                                 any_counter);
  ASSERT_EQ(rules.size(), 10u);
  auto find = [&](std::string_view n) {
    return std::find_if(rules.begin(), rules.end(), [&](auto& r) { return r.name == n; });
  };
  EXPECT_EQ(find("PainelHttp5xx")->threshold, 50);
  EXPECT_EQ(find("PainelHttp5xx")->window_s, 600);
  EXPECT_EQ(find("PainelMemoryHigh"), rules.end());
  auto d = find("TooManyDenials");
  ASSERT_NE(d, rules.end());
  EXPECT_EQ(d->expr, AlertExpr::Counter);
  EXPECT_EQ(d->labels, (MetricLabels{{"reason", "bad_token"}}));
  EXPECT_EQ(d->clear_s, 5);
}

TEST(AlertRules, BadFilesAreRefusedWithTheRuleAndField) {
  auto refused = [](std::string_view text) {
    try {
      parse_alert_rules(text, any_counter);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused("not json").find("not JSON"), std::string::npos);
  EXPECT_NE(refused(R"([1])").find("{\"rules\""), std::string::npos);
  EXPECT_NE(refused(R"({"rules":[],"x":1})").find("{\"rules\""), std::string::npos);
  EXPECT_NE(refused(R"({"rules":[{"name":"A","expr":"http_5xx","threshold":1,"severity":"loud"}]})")
                .find("rule \"A\": severity"),
            std::string::npos);
  EXPECT_NE(refused(R"({"rules":[{"name":"A","expr":"nope","threshold":1,"severity":"info"}]})")
                .find("expr"),
            std::string::npos);
  EXPECT_NE(
      refused(
          R"({"rules":[{"name":"A","expr":"http_5xx","threshold":1,"severity":"info","wat":1}]})")
          .find("unknown field \"wat\""),
      std::string::npos);
  EXPECT_NE(
      refused(R"({"rules":[{"name":"A","expr":"http_5xx","threshold":"1","severity":"info"}]})")
          .find("threshold"),
      std::string::npos);
  EXPECT_NE(
      refused(
          R"({"rules":[{"name":"A","expr":"http_5xx","threshold":1,"severity":"info","window_s":2}]})")
          .find("window_s"),
      std::string::npos);
  EXPECT_NE(
      refused(
          R"({"rules":[{"name":"A","expr":"counter","metric":"painel_redis_up","threshold":1,"severity":"info"}]})")
          .find("not a counter"),
      std::string::npos);
  EXPECT_NE(
      refused(
          R"({"rules":[{"name":"A","expr":"http_5xx","threshold":1,"severity":"info","scope":"tenant"}]})")
          .find("scope"),
      std::string::npos);
  EXPECT_NE(refused(R"({"rules":[{"name":"A","expr":"http_5xx","threshold":1,"severity":"info"},
                                 {"name":"A","expr":"http_5xx","threshold":1,"severity":"info"}]})")
                .find("named twice"),
            std::string::npos);
  EXPECT_NE(refused(R"({"rules":[{"name":"Nope","enabled":false}]})").find("disables no"),
            std::string::npos);
  EXPECT_NE(
      refused(R"({"rules":[{"name":"a b","expr":"http_5xx","threshold":1,"severity":"info"}]})")
          .find("name must be"),
      std::string::npos);
}

TEST(AlertNoticeBody, CarriesTheRuleValueAndASlackText) {
  const auto& r = shipped("PainelHttp5xx");
  std::string body = alert_notice_body(
      {"d1", "firing", &r, 12.0, "i1", "2026-12-06T03:00:00.000Z", "https://painel.example"});
  rapidjson::Document d;
  d.Parse(body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["event"].GetString(), "firing");
  EXPECT_STREQ(d["alert"]["name"].GetString(), "PainelHttp5xx");
  EXPECT_EQ(d["value"].GetDouble(), 12.0);
  EXPECT_STREQ(d["incident_id"].GetString(), "i1");
  std::string text = d["text"].GetString();
  EXPECT_EQ(text.rfind("[FIRING] PainelHttp5xx (critical)", 0), 0u) << text;
  EXPECT_NE(text.find("https://painel.example/app/company/incidents"), std::string::npos);
  std::string test = alert_notice_body({"d2", "test", nullptr, {}, {}, "t", ""});
  d.Parse(test.c_str());
  EXPECT_FALSE(d.HasMember("alert"));
  EXPECT_EQ(std::string(d["text"].GetString()).rfind("[TEST]", 0), 0u);
}

// Per-tenant rules: scope "tenant" goes with expr tenant_requests (the one series with a
// tenant label) and only with it; its values come per tenant, and it has no single value.
TEST(AlertRulesFile, TenantScopeGoesWithTenantRequests) {
  auto any = [](std::string_view) { return true; };
  auto rules = parse_alert_rules(
      R"({"rules":[{"name":"TenantFlood","expr":"tenant_requests","scope":"tenant",
                    "threshold":1000,"window_s":300,"severity":"warning"}]})",
      any);
  const AlertRule& r = rules.back();
  EXPECT_EQ(r.name, "TenantFlood");
  EXPECT_EQ(r.scope, "tenant");
  EXPECT_EQ(r.expr, AlertExpr::TenantRequests);
  auto refused = [&](const char* text) {
    try {
      parse_alert_rules(text, any);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(refused(R"({"rules":[{"name":"A","expr":"tenant_requests","threshold":1,
                                  "severity":"info"}]})")
                .find("scope \"tenant\" goes with expr \"tenant_requests\""),
            std::string::npos);
  EXPECT_NE(refused(R"({"rules":[{"name":"A","expr":"tenant_requests","threshold":1,
                                  "severity":"info","scope":"everyone"}]})")
                .find("scope must be"),
            std::string::npos);

  struct PerTenant : FakeInputs {
    std::string asked;
    std::map<std::string, double> window_sums_by(std::string_view name, const MetricLabels&,
                                                 std::string_view by, int64_t s) override {
      asked = std::string(name) + "|" + std::string(by) + "|" + std::to_string(s);
      return {{"t1", 1200}, {"t2", 3}};
    }
  } in;
  auto values = alert_values_by_tenant(r, in);
  EXPECT_EQ(in.asked, "tenant_requests|tenant|300");
  EXPECT_EQ(values.size(), 2u);
  EXPECT_EQ(values["t1"], 1200);
  EXPECT_EQ(alert_value(r, in), std::nullopt);
  EXPECT_TRUE(alert_values_by_tenant(shipped("PainelHttp5xx"), in).empty());
}

}  // namespace
}  // namespace painel::domain
