#pragma once
// GET /metrics (Prometheus text format 0.0.4), on the main listener (routes_system.cpp) or
// on the separate one of --metrics-listen (cli/serve.cpp): one answer for both.
#include <string_view>

#include "http/message.hpp"
#include "obs/metrics.hpp"

namespace painel::api {

// The exposition; when `token` is set, only for `Authorization: Bearer <token>` (compared
// in constant time), else 401 problem+json with WWW-Authenticate.
http::Response metrics_exposition(const http::Request& req, const obs::Metrics& m,
                                  std::string_view token);
// The whole of the --metrics-listen listener: GET/HEAD /metrics, 405 for another method
// there, 404 for any other path (problem+json).
http::Response metrics_listener_answer(http::Request& req, const obs::Metrics& m,
                                       std::string_view token);

}  // namespace painel::api
