#include "api/metrics_endpoint.hpp"

#include "core/crypto.hpp"
#include "http/problem.hpp"

namespace painel::api {

http::Response metrics_exposition(const http::Request& req, const obs::Metrics& m,
                                  std::string_view token) {
  if (!token.empty()) {
    auto given = req.bearer();
    if (!given || !constant_time_equal(*given, token)) {
      http::Response r =
          http::problem(401, "Unauthorized", "/metrics requires the metrics token", req.request_id);
      r.set_header("WWW-Authenticate", "Bearer");
      return r;
    }
  }
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.set_header("Cache-Control", "no-store");
  r.body = m.render();
  return r;
}

http::Response metrics_listener_answer(http::Request& req, const obs::Metrics& m,
                                       std::string_view token) {
  if (req.request_id.empty()) req.request_id = http::request_id_for(req.headers);
  http::Response r;
  if (req.path != "/metrics") {
    r = http::problem(404, "Not Found", "this listener serves /metrics only", req.request_id);
  } else if (req.method != "GET" && req.method != "HEAD") {
    r = http::problem(405, "Method Not Allowed", "method not allowed on this path", req.request_id);
    r.set_header("Allow", "GET, HEAD");
  } else {
    r = metrics_exposition(req, m, token);
  }
  r.set_header("X-Request-Id", req.request_id);
  return r;
}

}  // namespace painel::api
