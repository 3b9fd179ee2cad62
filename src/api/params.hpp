#pragma once
// Query-string validation shared by every route: each helper throws ApiError 400 with a
// message naming the parameter. Unknown values are errors, never silently ignored.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/time_zone.hpp"
#include "http/message.hpp"

namespace painel {
class JsonOut;
}

namespace painel::api {

struct Page {
  int64_t limit, offset;
};
// ?limit= (1..200, default `def`) and ?offset= (>= 0, default 0).
Page parse_page(const http::Request& req, int64_t def = 50);
// The value of ?name= if present, which must be one of `allowed`; else `def`.
std::string parse_enum(const http::Request& req, std::string_view name,
                       std::initializer_list<std::string_view> allowed, std::string_view def);
std::optional<std::string> parse_opt_enum(const http::Request& req, std::string_view name,
                                          std::initializer_list<std::string_view> allowed);
// A UUID (path or query value); 400 "invalid <name>" otherwise. Returned lower-cased.
std::string require_uuid(std::string_view value, std::string_view name);
std::optional<std::string> parse_opt_uuid(const http::Request& req, std::string_view name);
// A bounded free-text parameter (search): at most max_len bytes, no control characters.
std::optional<std::string> parse_opt_text(const http::Request& req, std::string_view name,
                                          size_t max_len = 100);

// A reporting period: ?period=7d|30d|90d (default `def`), the last N days up to today in
// `zone`, or ?from=&to= (YYYY-MM-DD, dates of `zone`, from <= to, at most 366 days). Days
// are inclusive; `label` is "30d" or "FROM..TO"; `time_zone` names the zone, which the
// answer echoes (period_fields): a tenant's own zone for its usage, the platform zone
// (--time-zone) for staff-wide figures.
struct Period {
  int64_t from_day, to_day;
  std::string label, time_zone;
  int64_t days() const { return to_day - from_day + 1; }
};
Period parse_period(const http::Request& req, const TimeZone& zone, int64_t now_ms,
                    std::string_view def = "30d");

// The fields that echo them in an answer, written the same way by every route (chainable):
// "total", "limit", "offset" of a page; "period", "from", "to", "time_zone" of a period.
JsonOut& page_fields(JsonOut& j, int64_t total, const Page& pg);
JsonOut& period_fields(JsonOut& j, const Period& per);

}  // namespace painel::api
