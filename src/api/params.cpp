#include "api/params.hpp"

#include <charconv>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

namespace painel::api {
namespace {
std::optional<int64_t> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

Page parse_page(const http::Request& req, int64_t def) {
  Page p{def, 0};
  if (auto l = req.query_param("limit")) {
    auto v = parse_int(*l);
    if (!v || *v < 1 || *v > 200)
      throw invalid_field("limit", "out-of-range", "limit must be an integer between 1 and 200");
    p.limit = *v;
  }
  if (auto o = req.query_param("offset")) {
    auto v = parse_int(*o);
    if (!v || *v < 0)
      throw invalid_field("offset", "out-of-range", "offset must be a non-negative integer");
    p.offset = *v;
  }
  return p;
}

std::optional<std::string> parse_opt_enum(const http::Request& req, std::string_view name,
                                          std::initializer_list<std::string_view> allowed) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  for (auto a : allowed)
    if (*v == a) return std::string(a);
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw invalid_field(std::string(name), "not-allowed",
                      std::string(name) + " must be one of: " + list);
}

std::string parse_enum(const http::Request& req, std::string_view name,
                       std::initializer_list<std::string_view> allowed, std::string_view def) {
  auto v = parse_opt_enum(req, name, allowed);
  return v ? *v : std::string(def);
}

std::string require_uuid(std::string_view value, std::string_view name) {
  if (!is_uuid(value))
    throw invalid_field(std::string(name), "invalid-format",
                        "invalid " + std::string(name) + ": not a UUID");
  std::string s(value);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> parse_opt_uuid(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  return require_uuid(*v, name);
}

std::optional<std::string> parse_opt_text(const http::Request& req, std::string_view name,
                                          size_t max_len) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  if (v->size() > max_len)
    throw invalid_field(std::string(name), "too-long", std::string(name) + " is too long");
  for (unsigned char c : *v)
    if (c < 0x20)
      throw invalid_field(std::string(name), "control-characters",
                          std::string(name) + " contains control characters");
  if (v->empty()) return std::nullopt;
  return std::string(*v);
}

Period parse_period(const http::Request& req, const TimeZone& zone, int64_t now_ms,
                    std::string_view def) {
  auto from = req.query_param("from"), to = req.query_param("to");
  auto period = req.query_param("period");
  if (from || to) {
    if (period)
      throw invalid_field("period", "conflicting", "use either period or from/to, not both");
    if (!from || !to)
      throw invalid_field(from ? "to" : "from", "required", "from and to must be given together");
    auto f = parse_day(*from), t = parse_day(*to);
    if (!f) throw invalid_field("from", "invalid-format", "from must be a date YYYY-MM-DD");
    if (!t) throw invalid_field("to", "invalid-format", "to must be a date YYYY-MM-DD");
    if (*f > *t) throw invalid_field("from", "out-of-range", "from must not be after to");
    if (*t - *f + 1 > 366)
      throw invalid_field("from", "out-of-range", "the range from..to must be at most 366 days");
    return Period{*f, *t, std::string(*from) + ".." + std::string(*to), zone.name()};
  }
  std::string p = period ? std::string(*period) : std::string(def);
  int64_t n;
  if (p == "7d")
    n = 7;
  else if (p == "30d")
    n = 30;
  else if (p == "90d")
    n = 90;
  else
    throw invalid_field("period", "not-allowed", "period must be one of: 7d, 30d, 90d");
  const int64_t today = zone.local_day(now_ms);
  return Period{today - n + 1, today, p, zone.name()};
}

JsonOut& page_fields(JsonOut& j, int64_t total, const Page& pg) {
  return j.kv("total", total).kv("limit", pg.limit).kv("offset", pg.offset);
}

JsonOut& period_fields(JsonOut& j, const Period& per) {
  return j.kv("period", per.label)
      .kv("from", format_day(per.from_day))
      .kv("to", format_day(per.to_day))
      .kv("time_zone", per.time_zone);
}

}  // namespace painel::api
