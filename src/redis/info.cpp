#include "redis/info.hpp"

#include <charconv>
#include <string>

namespace painel::redis {
namespace {

std::optional<double> number(std::string_view v) {
  while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return d;
}

}  // namespace

void parse_info(std::string_view text, RedisInfo& into) {
  std::optional<double> sys, user;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string_view::npos) continue;
    auto key = line.substr(0, colon);
    auto value = number(line.substr(colon + 1));
    if (key == "used_memory")
      into.used_memory_bytes = value;
    else if (key == "maxmemory")
      into.maxmemory_bytes = value;
    else if (key == "used_cpu_sys")
      sys = value;
    else if (key == "used_cpu_user")
      user = value;
  }
  if (sys && user) into.cpu_seconds = *sys + *user;
}

}  // namespace painel::redis
