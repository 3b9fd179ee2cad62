#include "core/redis_url.hpp"

#include <charconv>
#include <stdexcept>

namespace painel {
namespace {

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument("--redis: " + why); }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Credentials may carry reserved characters percent-encoded (RFC 3986).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1, lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) bad("bad percent-encoding in the credentials");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

int parse_int(std::string_view s, int lo, int hi, const char* what) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    bad(std::string(what) + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace

std::string RedisUrl::describe() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port) + "/" + std::to_string(db);
}

RedisUrl parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind("rediss://", 0) == 0)
    bad("rediss:// (TLS) is not supported by this build; use redis://");
  if (url.rfind(kScheme, 0) != 0) bad("expected redis://HOST:PORT");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) bad("query parameters are not supported");
  RedisUrl u;
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    if (!path.empty()) u.db = parse_int(path, 0, 1 << 20, "the database number");
  }
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = info.find(':');
    if (colon == std::string_view::npos) {
      u.password = percent_decode(info);  // redis://SECRET@host, as several clients accept
    } else {
      u.username = percent_decode(info.substr(0, colon));
      u.password = percent_decode(info.substr(colon + 1));
    }
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:PORT
    auto close = authority.find(']');
    if (close == std::string_view::npos) bad("unterminated [IPv6] host");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad("expected :PORT after the [IPv6] host");
      port = after.substr(1);
      if (port.empty()) bad("empty port");
    }
  } else {
    auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) bad("empty port");
    }
  }
  if (u.host.empty()) bad("missing host");
  if (!port.empty()) u.port = parse_int(port, 1, 65535, "the port");
  return u;
}

}  // namespace painel
