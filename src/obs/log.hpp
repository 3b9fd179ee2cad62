#pragma once
// Logging: spdlog, one JSON object per line on stdout by default ("json"), or a readable
// line format ("text"). Fields are passed pre-escaped via log_fields().
#include <string>

namespace painel::obs {
void setup_logging(const std::string& format, const std::string& level);
}  // namespace painel::obs
