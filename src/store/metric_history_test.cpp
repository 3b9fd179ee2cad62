// The metric history's repository on SQLite and PostgreSQL (PgServer*: skipped unless the
// test cluster is given): a retried minute replaces, instances sum, label filters are
// exact, windows are [from, to), series group by step, pruning goes by whole minutes.
#include "store/metric_history.hpp"

#include <gtest/gtest.h>

#include "store/test_stores.hpp"

namespace painel::store {
namespace {

const std::string kOk = "route=\"/tenant/agents\",method=\"GET\",class=\"2xx\"";
const std::string kErr = "route=\"/tenant/agents\",method=\"GET\",class=\"5xx\"";
const std::string kOther = "route=\"/tenant/usage\",method=\"GET\",class=\"2xx\"";

void window_sums(Store& s) {
  constexpr int64_t m = 29000000;  // a Unix minute (2025)
  s.write([&](Conn& c) {
    write_metric_points(c, "a", m, {{"http_requests", kOk, 3}, {"http_requests", kErr, 1}});
    // A retried batch replaces the instance's minute: still 3, not 6.
    write_metric_points(c, "a", m, {{"http_requests", kOk, 3}, {"http_requests", kErr, 1}});
    write_metric_points(c, "b", m, {{"http_requests", kOk, 4}, {"http_requests", kOther, 10}});
    write_metric_points(c, "a", m + 1, {{"http_requests", kOk, 100}});
  });
  auto& c = s.conn();
  int64_t t = m * 60;
  using F = std::vector<std::pair<std::string, std::string>>;
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", {}, t, t + 60), 18);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", F{{"route", "/tenant/agents"}}, t, t + 60),
                   8);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests",
                                     F{{"route", "/tenant/agents"}, {"class", "2xx"}}, t, t + 60),
                   7);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", F{{"class", "5xx"}}, t, t + 120), 1);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", F{{"class", "4xx"}}, t, t + 120), 0);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", F{{"rout", "/tenant/agents"}}, t, t + 60),
                   0);
  // [from, to): a minute counts when it starts inside the window.
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", F{{"class", "2xx"}}, t, t + 120), 117);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", {}, t + 1, t + 120), 100);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "http_requests", {}, t - 60, t), 0);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "other_name", {}, t, t + 120), 0);
}

void series_and_instances(Store& s) {
  constexpr int64_t m = 29000000;
  s.write([&](Conn& c) {
    for (int i = 0; i < 10; ++i) {
      write_metric_points(c, "a", m + i,
                          {{"instance_up", "", 1}, {"gauge", "", double(i)}, {"n", kOk, 1}});
      if (i >= 8) write_metric_points(c, "b", m + i, {{"instance_up", "", 1}, {"n", kOk, 2}});
    }
  });
  auto& c = s.conn();
  auto cells = metric_series(c, "n", m, m + 10, 5);  // two steps of 5 minutes
  ASSERT_EQ(cells.size(), 2u);
  std::sort(cells.begin(), cells.end(),
            [](const MetricCell& x, const MetricCell& y) { return x.step_index < y.step_index; });
  EXPECT_EQ(cells[0].step_index, 0);
  EXPECT_DOUBLE_EQ(cells[0].sum, 5);
  EXPECT_EQ(cells[1].step_index, 1);
  EXPECT_DOUBLE_EQ(cells[1].sum, 5 + 4);
  EXPECT_DOUBLE_EQ(cells[1].max, 2);
  EXPECT_EQ(cells[1].labels, kOk);
  auto g = metric_series(c, "gauge", m, m + 10, 5);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_DOUBLE_EQ(std::max(g[0].max, g[1].max), 9);
  auto totals = metric_totals(c, "n", m + 8, m + 10);
  EXPECT_DOUBLE_EQ(totals[kOk], 6);
  auto inst = metric_instances(c, m + 8);
  ASSERT_EQ(inst.size(), 2u);
  EXPECT_EQ(inst[0].first, "a");
  EXPECT_EQ(inst[0].second, m + 9);
  EXPECT_EQ(metric_instances(c, m + 10).size(), 0u);
}

void prune_by_minutes(Store& s) {
  constexpr int64_t m = 29000000;
  s.write([&](Conn& c) {
    for (int i = 0; i < 10; ++i)
      for (auto inst : {"a", "b"})
        write_metric_points(c, inst, m + i, {{"n", "", 1}, {"o", "", 1}});
  });
  int64_t n = s.write([&](Conn& c) { return prune_metric_points(c, m + 5, 2); });
  EXPECT_EQ(n, 8);  // two minutes × two instances × two names
  while (s.write([&](Conn& c) { return prune_metric_points(c, m + 5, 2); }) > 0) {
  }
  auto& c = s.conn();
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "n", {}, 0, (m + 5) * 60), 0);
  EXPECT_DOUBLE_EQ(metric_window_sum(c, "n", {}, (m + 5) * 60, (m + 10) * 60), 10);
}

TEST(MetricLabels, ParsesPrometheusLabelText) {
  auto l = parse_labels("route=\"/a\",method=\"GET\",q=\"x\\\"y\"");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], (std::pair<std::string, std::string>{"route", "/a"}));
  EXPECT_EQ(l[2], (std::pair<std::string, std::string>{"q", "x\"y"}));
  EXPECT_TRUE(parse_labels("").empty());
}

using SqliteMetricHistory = SqliteStoreTest;
TEST_F(SqliteMetricHistory, WindowSums) { window_sums(*store_); }
TEST_F(SqliteMetricHistory, SeriesAndInstances) { series_and_instances(*store_); }
TEST_F(SqliteMetricHistory, PruneByMinutes) { prune_by_minutes(*store_); }

using PgServerMetricHistory = PgStoreTest;
TEST_F(PgServerMetricHistory, WindowSums) {
  if (store_) window_sums(*store_);
}
TEST_F(PgServerMetricHistory, SeriesAndInstances) {
  if (store_) series_and_instances(*store_);
}
TEST_F(PgServerMetricHistory, PruneByMinutes) {
  if (store_) prune_by_minutes(*store_);
}

}  // namespace
}  // namespace painel::store
