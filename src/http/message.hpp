#pragma once
// Painel's own request/response types: the network layer (server.cpp) converts Beast
// messages to these, so handlers, middleware and tests never include Beast.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace painel::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path + query
  std::string path;    // percent-decoded path
  Fields query;        // percent-decoded, in order
  Fields headers;      // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;  // set by the pipeline
  Fields params;           // path parameters, set by the router
  // What an abandoned inline attempt already did (authentication, rate-limit tokens taken),
  // left by the application for the re-run on the handler pool. Never set from the wire.
  std::shared_ptr<const void> inline_carry;
  // The path is not under --public-url's path (http/path_prefix.hpp): the answer is 404.
  bool outside_prefix = false;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  // The credentials of `Authorization: Bearer <token>`; nullopt without one.
  std::optional<std::string_view> bearer() const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::string_view param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // The body's gzip form when it was made already (a cached answer keeps it): the chain
  // sends it instead of compressing again when the client accepts gzip (api/app.cpp).
  std::string gzip_body;
  Fields headers;
  // A body too large to hold (CSV exports): `body` is its first piece; the network layer
  // sends the head with Transfer-Encoding: chunked, then calls body_stream on the handler
  // pool for each further piece (appended to its argument; false once nothing follows)
  // and writes each with the write timeout, so a slow reader holds no handler thread. A
  // throw ends the connection without the last chunk (the client sees a truncated body).
  std::function<bool(std::string&)> body_stream;
  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

std::string percent_decode(std::string_view s, bool plus_is_space);
// Splits "path?query" into decoded path and query pairs. Returns false on malformed
// escapes, control bytes or decoded text that is not UTF-8 (the caller answers 400).
bool parse_target(std::string_view target, std::string& path, Fields& query);
const char* reason_phrase(int status);

}  // namespace painel::http
