#pragma once
// The network layer: HTTP/1.1 keep-alive over Boost.Beast with C++20 coroutines on a few
// network threads. A request is first offered to the inline handler on the network thread
// (cache hits: microseconds, no thread hand-off); if it declines, the request goes to a
// separate pool of handler threads so a slow query never blocks the network. Enforces
// header/body limits and timeouts, and drains in-flight requests on stop().
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace painel::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  int network_threads = 2;
  int handler_threads = 8;
  size_t header_limit = 16 * 1024;
  int header_timeout_ms = 10000;  // whole request head must arrive within this
  int body_timeout_ms = 30000;
  int idle_timeout_ms = 30000;  // keep-alive connection with no request
  int drain_timeout_ms = 9000;
};

// Called on a handler thread. Must not throw.
using RequestHandler = std::function<Response(Request&)>;
// Called on a network thread first. Returns true if it answered (res filled); false to
// hand the request to the handler pool. Must be quick and must not throw.
using InlineHandler = std::function<bool(Request&, Response&)>;
// Body limit for a request, known from method + path before the body is read.
using BodyLimit = std::function<size_t(std::string_view method, std::string_view path)>;

class Server {
 public:
  Server(ServerOptions opts, RequestHandler handler, BodyLimit limit,
         InlineHandler try_inline = nullptr);
  ~Server();
  // Binds and listens; returns the bound port. Throws std::runtime_error on failure.
  uint16_t listen();
  // Runs until stop() or SIGINT/SIGTERM (if handle_signals), then drains and returns.
  void run(bool handle_signals);
  void stop();
  int64_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace painel::http
