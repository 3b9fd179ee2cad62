#include "api/session_cookie.hpp"

#include <cctype>

#include "core/error.hpp"

namespace painel::api {
namespace {

constexpr size_t kMaxTokenBytes = 256;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// "https://painel.example.com/x" → "https://painel.example.com".
std::string_view origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  auto path = url.find('/', scheme_end + 3);
  return path == std::string_view::npos ? url : url.substr(0, path);
}

// The Origin a browser sends for a page served from this request's Host, either scheme.
bool origin_is_host(std::string_view origin, std::string_view host) {
  for (std::string_view scheme : {"http://", "https://"})
    if (origin.size() > scheme.size() && iequals(origin.substr(0, scheme.size()), scheme))
      return iequals(origin.substr(scheme.size()), host);
  return false;
}

}  // namespace

bool wants_cookie_mode(const http::Request& req) {
  auto v = req.header(kSessionModeHeader);
  return v && iequals(trim(*v), "cookie");
}

std::optional<std::string> refresh_cookie_value(const http::Request& req) {
  for (auto& [name, value] : req.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != kRefreshCookieName) continue;
      std::string_view v = trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      if (v.empty() || v.size() > kMaxTokenBytes) return std::nullopt;
      for (char c : v)
        if (!token_char(c)) return std::nullopt;
      return std::string(v);
    }
  }
  return std::nullopt;
}

std::string refresh_cookie(std::string_view token, int max_age_s, bool secure,
                           std::string_view path_prefix) {
  std::string c(kRefreshCookieName);
  c += '=';
  c += token;
  c += "; Max-Age=" + std::to_string(max_age_s > 0 ? max_age_s : 0);
  c += "; Path=";
  c += path_prefix;
  c += "/auth; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::string cleared_refresh_cookie(bool secure, std::string_view path_prefix) {
  return refresh_cookie("", 0, secure, path_prefix);
}

bool cookie_secure(std::string_view public_base_url) {
  return public_base_url.size() >= 8 && iequals(public_base_url.substr(0, 8), "https://");
}

void check_cookie_request(const http::Request& req, std::string_view public_base_url) {
  if (!wants_cookie_mode(req))
    throw forbidden("a session cookie is only used with the header X-Painel-Session: cookie");
  // The media type itself, not a substring: "text/plain; x=application/json" is one a
  // cross-site page may send without a preflight.
  auto ct = req.header("content-type");
  std::string_view essence = ct ? trim(ct->substr(0, ct->find(';'))) : std::string_view{};
  if (!iequals(essence, "application/json"))
    throw ApiError(415, "Unsupported Media Type", "send Content-Type: application/json");
  if (auto origin = req.header("origin")) {
    auto host = req.header("host");
    bool same = iequals(*origin, origin_of(public_base_url)) ||
                (host && origin_is_host(*origin, trim(*host)));
    if (!same) throw forbidden("the session cookie is not accepted from another origin");
  }
  if (auto site = req.header("sec-fetch-site")) {
    if (!iequals(*site, "same-origin") && !iequals(*site, "none"))
      throw forbidden("the session cookie is not accepted from another site");
  }
}

}  // namespace painel::api
