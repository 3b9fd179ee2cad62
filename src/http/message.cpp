#include "http/message.hpp"

#include "core/utf8.hpp"

namespace painel::http {

std::optional<std::string_view> Request::header(std::string_view n) const {
  for (auto& [k, v] : headers)
    if (k == n) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string_view> Request::bearer() const {
  auto h = header("authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.size() < 8 || !(v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer "))
    return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<std::string_view> Request::query_param(std::string_view n) const {
  for (auto& [k, v] : query)
    if (k == n) return std::string_view(v);
  return std::nullopt;
}

std::string_view Request::param(std::string_view n) const {
  for (auto& [k, v] : params)
    if (k == n) return v;
  return {};
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool decode_into(std::string_view s, bool plus, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
      if (h < 0 || l < 0) return false;
      c = static_cast<char>(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus) {
      c = ' ';
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    out.push_back(c);
  }
  // Decoded text reaches the store (search terms, ids) and the logs: UTF-8 or nothing.
  return valid_utf8(out);
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  if (!decode_into(s, plus_is_space, out)) return {};
  return out;
}

bool parse_target(std::string_view target, std::string& path, Fields& query) {
  auto q = target.find('?');
  std::string_view p = target.substr(0, q);
  if (p.empty() || p[0] != '/') return false;
  if (!decode_into(p, false, path)) return false;
  query.clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string k, v;
    if (!decode_into(pair.substr(0, eq), true, k)) return false;
    if (eq != std::string_view::npos && !decode_into(pair.substr(eq + 1), true, v)) return false;
    if (query.size() >= 64) return false;  // bounded
    query.emplace_back(std::move(k), std::move(v));
  }
  return true;
}

const char* reason_phrase(int s) {
  switch (s) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace painel::http
