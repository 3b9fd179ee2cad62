#include "obs/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace painel::obs {
namespace {

// %* renders the message as JSON: `"msg":"<escaped text>"`, or, for structured events
// whose text is a JSON object built by Painel itself (access log), `"event":{...}`.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& m, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view p(m.payload.data(), m.payload.size());
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      dest.append(std::string_view("\"event\":"));
      dest.append(p);
      return;
    }
    dest.append(std::string_view("\"msg\":\""));
    for (char c : p) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
    dest.push_back('"');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

std::atomic<bool> g_text{false};

}  // namespace

bool text_logs() { return g_text.load(std::memory_order_relaxed); }

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  std::string n(name);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  using L = spdlog::level::level_enum;
  static constexpr std::pair<std::string_view, L> kNames[] = {
      {"trace", L::trace}, {"debug", L::debug},       {"info", L::info},
      {"warn", L::warn},   {"warning", L::warn},      {"error", L::err},
      {"err", L::err},     {"critical", L::critical}, {"off", L::off}};
  for (auto& [text, level] : kNames)
    if (n == text) return level;
  return std::nullopt;
}

std::string text_field(std::string_view v) {
  bool plain = !v.empty();
  for (char c : v)
    plain = plain && static_cast<unsigned char>(c) > 0x20 && c != '"' && c != '\\' && c != '=' &&
            c != 0x7f;
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

void setup_logging(const std::string& format, const std::string& level) {
  spdlog::drop("painel");
  auto logger = spdlog::stdout_logger_mt("painel");
  if (format == "json") {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%*})");
    logger->set_formatter(std::move(f));
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  } else {
    throw std::invalid_argument("log format must be json or text");
  }
  auto lvl = parse_log_level(level);
  if (!lvl)
    throw std::invalid_argument("unknown log level: " + level +
                                " (trace, debug, info, warn/warning, error, critical, off)");
  g_text = format == "text";
  logger->set_level(*lvl);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace painel::obs
