#pragma once
// Logging: spdlog, one JSON object per line on stdout by default ("json"), or a readable
// line format ("text"). Fields are passed pre-escaped via log_fields().
#include <spdlog/common.h>

#include <optional>
#include <string>
#include <string_view>

namespace painel::obs {
// Throws std::invalid_argument on an unknown format or level.
void setup_logging(const std::string& format, const std::string& level);
// A level by any name a log line prints or people write, in any case: trace, debug, info,
// warn or warning, error or err, critical, off. nullopt for another.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);
// True when setup_logging chose "text": structured events (the access log) are then
// written as `key=value` pairs instead of a JSON object.
bool text_logs();
// `v` as a value of a `key=value` text log field: as is when plain, else double-quoted
// with quotes, backslashes and control characters escaped (no line can be forged).
std::string text_field(std::string_view v);
}  // namespace painel::obs
