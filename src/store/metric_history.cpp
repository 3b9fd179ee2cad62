#include "store/metric_history.hpp"

#include <algorithm>

#include "core/ids.hpp"

namespace painel::store {
namespace {

constexpr size_t kRowsPerStatement = 100;  // 5 parameters a row: well under both limits

std::string insert_sql(size_t rows) {
  return "INSERT INTO metric_points(instance_id, minute, name, labels, value) VALUES " +
         placeholder_rows(5, rows) +
         " ON CONFLICT(name, minute, labels, instance_id) DO UPDATE SET value = excluded.value";
}

bool labels_match(std::string_view text,
                  const std::vector<std::pair<std::string, std::string>>& filter) {
  if (filter.empty()) return true;
  auto have = parse_labels(text);
  for (const auto& want : filter)
    if (std::find(have.begin(), have.end(), want) == have.end()) return false;
  return true;
}

// Only UUID-shaped ids reach the query (PostgreSQL's id columns are uuid).
std::vector<std::string> uuids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids)
    if (is_uuid(id) && out.size() < 200) out.push_back(id);
  return out;
}

std::map<std::string, std::string> names_of(Conn& c, const std::string& head,
                                            const std::vector<std::string>& ids) {
  std::map<std::string, std::string> out;
  auto ok = uuids(ids);
  if (ok.empty()) return out;
  Params p(ok.begin(), ok.end());
  for (auto& r : c.query(head + placeholder_rows(ok.size(), 1), p)) out[r.str(0)] = r.str(1);
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_labels(std::string_view t) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < t.size()) {
    auto eq = t.find("=\"", i);
    if (eq == std::string_view::npos) break;
    std::string key(t.substr(i, eq - i)), value;
    size_t j = eq + 2;
    for (; j < t.size() && t[j] != '"'; ++j) {
      if (t[j] == '\\' && j + 1 < t.size()) ++j;
      value += t[j];
    }
    out.emplace_back(std::move(key), std::move(value));
    i = j + 1;
    if (i < t.size() && t[i] == ',') ++i;
  }
  return out;
}

void write_metric_points(Conn& c, const std::string& instance, int64_t minute,
                         const std::vector<MetricPoint>& points) {
  for (size_t at = 0; at < points.size(); at += kRowsPerStatement) {
    size_t n = std::min(kRowsPerStatement, points.size() - at);
    Params p;
    p.reserve(n * 5);
    for (size_t k = at; k < at + n; ++k) {
      p.emplace_back(instance);
      p.emplace_back(minute);
      p.emplace_back(points[k].name);
      p.emplace_back(points[k].labels);
      p.emplace_back(points[k].value);
    }
    c.exec(insert_sql(n), p);
  }
}

int64_t prune_metric_points(Conn& c, int64_t before_minute, int max_minutes) {
  return c.exec(
      "DELETE FROM metric_points WHERE minute IN (SELECT DISTINCT minute FROM metric_points "
      "WHERE minute < ? ORDER BY minute LIMIT ?)",
      {before_minute, int64_t{max_minutes}});
}

// Calls f(labels, sum over instances) for each labels of `name` in the minutes that start
// within [from, to) (minute m holds [60m, 60m + 60)) matching `labels_filter`.
template <typename F>
void each_window_total(Conn& c, std::string_view name,
                       const std::vector<std::pair<std::string, std::string>>& labels_filter,
                       int64_t from_unix_s, int64_t to_unix_s, F&& f) {
  auto ceil_minute = [](int64_t s) { return s / 60 + (s % 60 > 0 ? 1 : 0); };
  int64_t from_minute = ceil_minute(from_unix_s), to_minute = ceil_minute(to_unix_s);
  c.each(
      "SELECT labels, SUM(value) FROM metric_points WHERE name = ? AND minute >= ? AND "
      "minute < ? GROUP BY labels",
      {std::string(name), from_minute, to_minute}, [&](const Row& r) {
        if (labels_match(r.text(0), labels_filter)) f(r.text(0), r.f64(1));
      });
}

double metric_window_sum(Conn& c, std::string_view name,
                         const std::vector<std::pair<std::string, std::string>>& labels_filter,
                         int64_t from_unix_s, int64_t to_unix_s) {
  double sum = 0;
  each_window_total(c, name, labels_filter, from_unix_s, to_unix_s,
                    [&](std::string_view, double v) { sum += v; });
  return sum;
}

std::map<std::string, double> metric_window_totals(
    Conn& c, std::string_view name,
    const std::vector<std::pair<std::string, std::string>>& labels_filter, int64_t from_unix_s,
    int64_t to_unix_s) {
  std::map<std::string, double> out;
  each_window_total(c, name, labels_filter, from_unix_s, to_unix_s,
                    [&](std::string_view labels, double v) { out[std::string(labels)] += v; });
  return out;
}

std::vector<MetricCell> metric_series(Conn& c, std::string_view name, int64_t from_minute,
                                      int64_t to_minute, int64_t step_minutes) {
  std::vector<MetricCell> out;
  c.each(
      "SELECT (minute - ?) / ?, labels, SUM(value), MAX(value) FROM metric_points "
      "WHERE name = ? AND minute >= ? AND minute < ? GROUP BY 1, 2",
      {from_minute, step_minutes, std::string(name), from_minute, to_minute}, [&](const Row& r) {
        out.push_back({r.i64(0), r.str(1), r.f64(2), r.f64(3)});
      });
  return out;
}

std::map<std::string, double> metric_totals(Conn& c, std::string_view name, int64_t from_minute,
                                            int64_t to_minute) {
  std::map<std::string, double> out;
  c.each(
      "SELECT labels, SUM(value) FROM metric_points WHERE name = ? AND minute >= ? AND "
      "minute < ? GROUP BY labels",
      {std::string(name), from_minute, to_minute}, [&](const Row& r) { out[r.str(0)] = r.f64(1); });
  return out;
}

std::vector<std::pair<std::string, int64_t>> metric_instances(Conn& c, int64_t since_minute) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (auto& r :
       c.query("SELECT instance_id, MAX(minute) FROM metric_points WHERE name = 'instance_up' AND "
               "minute >= ? GROUP BY instance_id ORDER BY instance_id",
               {since_minute}))
    out.emplace_back(r.str(0), r.i64(1));
  return out;
}

std::map<std::string, std::string> tenant_names(Conn& c, const std::vector<std::string>& ids) {
  return names_of(c, "SELECT id, name FROM tenants WHERE id IN ", ids);
}

std::map<std::string, std::string> user_emails(Conn& c, const std::vector<std::string>& ids) {
  return names_of(c, "SELECT id, email FROM users WHERE id IN ", ids);
}

}  // namespace painel::store
