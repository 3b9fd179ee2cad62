#pragma once
// Cross-origin requests from browsers (`--cors-origins`): the original system's frontend
// runs on its own origin and sends JSON with Authorization, which needs a preflight. Only
// exact, configured origins get CORS headers; with none configured the server sends none.
// Credentials (cookies) are never allowed: tokens travel in Authorization.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace painel::http {

class Cors {
 public:
  // "https://painel.example.com,http://localhost:3000": exact origins, scheme://host[:port]
  // (http or https, no path, no "*"). Throws std::invalid_argument naming the bad entry.
  static Cors parse(std::string_view csv);
  bool enabled() const { return !origins_.empty(); }
  // The request's Origin when it is one of the configured ones.
  std::optional<std::string_view> allowed_origin(const Fields& headers) const;
  // An OPTIONS request with Access-Control-Request-Method from an allowed origin.
  bool is_preflight(const Request& req) const;
  // The 204 answer to a preflight; `methods` are the route table's for the path.
  Response preflight(std::string_view methods) const;
  // Every answer: Vary: Origin when enabled; for an allowed origin also
  // Access-Control-Allow-Origin (and Access-Control-Expose-Headers unless it is a
  // preflight's). Added after the response cache, so no origin's headers are cached.
  void decorate(const Fields& request_headers, Response& res) const;

  static constexpr std::string_view kAllowHeaders =
      "Authorization, Content-Type, Idempotency-Key, If-Match";
  static constexpr std::string_view kExposeHeaders = "ETag, Retry-After, Location";
  static constexpr int kMaxAgeS = 600;

 private:
  std::vector<std::string> origins_;
};

}  // namespace painel::http
