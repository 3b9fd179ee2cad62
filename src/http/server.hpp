#pragma once
// The network layer: HTTP/1.1 keep-alive over Boost.Beast with C++20 coroutines on a few
// network threads. A request is first offered to the inline handler on the network thread
// (cache hits: microseconds, no thread hand-off); if it declines, the request goes to a
// separate pool of handler threads so a slow query never blocks the network. Enforces
// header/body limits and timeouts, and drains in-flight requests on stop().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/client_ip.hpp"
#include "http/cors.hpp"
#include "http/message.hpp"

namespace painel::http {

class TlsContext;

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
  // Open connections at most. At the cap, the connection that has waited longest for a
  // request head is closed to admit the new one; when every connection is busy, the new
  // one is closed at accept. Keep it well under RLIMIT_NOFILE (store, logs and Redis need
  // descriptors too).
  int max_connections = 10000;
  // Bytes of request bodies being read or handled at once, all connections together
  // (a body counts for its Content-Length, or its route's limit when chunked). Past it a
  // request gets 503 + Retry-After before its body is read.
  size_t body_memory_budget = 256u << 20;
  TrustedProxies trusted_proxies;  // peers whose X-Forwarded-For/Forwarded are believed
  Cors cors;                       // CORS headers on the network layer's own refusals
  // HTTPS when set (http/tls.hpp): the handshake must end within header_timeout_ms, every
  // answer carries Strict-Transport-Security, and run(true) reloads it on SIGHUP.
  std::shared_ptr<TlsContext> tls;
  // --public-url's path ("/painel"; empty: none), stripped from every request path once its
  // head is read (http/path_prefix.hpp); a path outside it is marked Request::outside_prefix.
  std::string path_prefix;
};

// Counters the server adds to (rendered as painel_connections_* by the caller); each may
// be null.
struct ServerCounters {
  std::atomic<uint64_t>* accepted = nullptr;
  std::atomic<uint64_t>* refused = nullptr;  // closed at accept: at the cap, none idle
  std::atomic<uint64_t>* evicted = nullptr;  // idle ones closed to admit a new connection
  std::atomic<uint64_t>* body_budget_rejected = nullptr;
  std::atomic<uint64_t>* tls_handshake_failed = nullptr;
  std::atomic<uint64_t>* tls_reloaded = nullptr;       // SIGHUP: new pair in use
  std::atomic<uint64_t>* tls_reload_failed = nullptr;  // SIGHUP: old pair kept
  std::atomic<uint64_t>* streams_complete = nullptr;   // Response::body_stream answers
  std::atomic<uint64_t>* streams_cut = nullptr;
};

// Called on a handler thread. Must not throw.
using RequestHandler = std::function<Response(Request&)>;
// Called on a network thread first. Returns true if it answered (res filled); false to
// hand the request to the handler pool. Must be quick and must not throw.
using InlineHandler = std::function<bool(Request&, Response&)>;
// Body limit for a request, known from method + path before the body is read.
using BodyLimit = std::function<size_t(std::string_view method, std::string_view path)>;
// Called on a handler thread once the head of a request that has a body has arrived, before
// a byte of the body is read: route, credentials and permission are checked from the head.
// Returns the answer to send (and close) instead of reading the body, or nullopt to go on.
using HeadCheck = std::function<std::optional<Response>(Request&)>;

class Server {
 public:
  Server(ServerOptions opts, RequestHandler handler, BodyLimit limit,
         InlineHandler try_inline = nullptr);
  ~Server();
  // Binds and listens; returns the bound port. Throws std::runtime_error on failure.
  uint16_t listen();
  void set_head_check(HeadCheck check);
  void set_counters(ServerCounters counters);
  // Calls `beat` every `every` on a network thread while the server runs (systemd's
  // watchdog): a network loop that is stuck stops the beats.
  void set_heartbeat(std::chrono::milliseconds every, std::function<void()> beat);
  // Runs until stop() or SIGINT/SIGTERM (if handle_signals), then drains and returns.
  void run(bool handle_signals);
  void stop();
  int64_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace painel::http
