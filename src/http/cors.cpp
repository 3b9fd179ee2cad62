#include "http/cors.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/list.hpp"

namespace painel::http {
namespace {

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

// scheme://host[:port] as a browser serializes an Origin: http or https, a DNS name, an
// IPv4 address or a bracketed IPv6 one, an optional port 1..65535, nothing after it.
bool valid_origin(std::string_view o) {
  std::string_view rest;
  if (o.rfind("https://", 0) == 0)
    rest = o.substr(8);
  else if (o.rfind("http://", 0) == 0)
    rest = o.substr(7);
  else
    return false;
  if (rest.empty()) return false;
  size_t host_end = 0;
  if (rest.front() == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos || host_end < 3) return false;
    for (char c : rest.substr(1, host_end - 1))
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    ++host_end;
  } else {
    while (host_end < rest.size() && host_char(rest[host_end])) ++host_end;
    if (host_end == 0 || rest.front() == '.' || rest.front() == '-') return false;
  }
  std::string_view tail = rest.substr(host_end);
  if (tail.empty()) return true;
  if (tail.front() != ':' || tail.size() < 2 || tail.size() > 6) return false;
  long port = 0;
  for (char c : tail.substr(1)) {
    if (c < '0' || c > '9') return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Cors Cors::parse(std::string_view csv) {
  Cors out;
  for (std::string_view item : comma_list(csv)) {
    std::string origin = lower(item);
    if (!valid_origin(origin))
      throw std::invalid_argument("--cors-origins: not an origin: \"" + std::string(item) +
                                  "\" (each entry is scheme://host[:port] with scheme http or "
                                  "https, no path and no \"*\")");
    if (std::find(out.origins_.begin(), out.origins_.end(), origin) == out.origins_.end())
      out.origins_.push_back(std::move(origin));
  }
  return out;
}

std::optional<std::string_view> Cors::allowed_origin(const Fields& headers) const {
  if (origins_.empty()) return std::nullopt;
  for (auto& [k, v] : headers) {
    if (k != "origin") continue;
    // Browsers send the origin in lower case; an exact match of the configured list.
    if (std::find(origins_.begin(), origins_.end(), v) != origins_.end())
      return std::string_view(v);
    return std::nullopt;
  }
  return std::nullopt;
}

bool Cors::is_preflight(const Request& req) const {
  return req.method == "OPTIONS" && req.header("access-control-request-method") &&
         allowed_origin(req.headers);
}

Response Cors::preflight(std::string_view methods) const {
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.set_header("Access-Control-Allow-Methods", std::string(methods));
  r.set_header("Access-Control-Allow-Headers", std::string(kAllowHeaders));
  r.set_header("Access-Control-Max-Age", std::to_string(kMaxAgeS));
  return r;
}

void Cors::decorate(const Fields& request_headers, Response& res) const {
  if (origins_.empty()) return;
  res.set_header("Vary", "Origin");
  auto origin = allowed_origin(request_headers);
  if (!origin) return;
  res.set_header("Access-Control-Allow-Origin", std::string(*origin));
  bool preflight_answer = false;
  for (auto& [k, v] : res.headers)
    preflight_answer = preflight_answer || k == "Access-Control-Allow-Methods";
  if (!preflight_answer)
    res.set_header("Access-Control-Expose-Headers", std::string(kExposeHeaders));
}

}  // namespace painel::http
