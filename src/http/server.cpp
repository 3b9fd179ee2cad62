#include <utility>  // must precede Boost 1.74 asio/awaitable.hpp (std::exchange), see STACK.md
// clang-format off
#include "http/server.hpp"
// clang-format on

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace painel::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

// Runs the handler on the pool and resumes the coroutine on its own executor.
// A plain function, not a coroutine (GCC 12 miscompiles lambdas inside co_await).
template <class Token>
auto async_handle(asio::thread_pool& pool, const RequestHandler& h, Request& req, Response& res,
                  Token&& token) {
  auto init = [&pool, &h, &req, &res](auto completion) {
    auto ex = asio::get_associated_executor(completion);
    auto job = [&h, &req, &res, ex, completion = std::move(completion)]() mutable {
      res = h(req);
      asio::post(ex, std::move(completion));
    };
    asio::post(pool, std::move(job));
  };
  return asio::async_initiate<Token, void()>(init, token);
}

bhttp::response<bhttp::string_body> to_beast(Response& r, unsigned version, bool keep_alive,
                                             bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), version};
  out.set(bhttp::field::server, "painel");
  if (!r.content_type.empty() && r.status != 204 && r.status != 304)
    out.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(r.body.size());
  } else {
    out.body() = std::move(r.body);
    out.prepare_payload();
  }
  return out;
}

Response simple_problem(int status, const char* detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = std::string("{\"type\":\"about:blank\",\"title\":\"") + reason_phrase(status) +
           "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + detail + "\"}";
  return r;
}

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  RequestHandler handler;
  BodyLimit body_limit;
  InlineHandler try_inline;
  asio::io_context io;
  asio::thread_pool pool;
  tcp::acceptor acceptor{io};
  std::atomic<int64_t> inflight{0};
  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, RequestHandler h, BodyLimit l, InlineHandler i)
      : opts(std::move(o)),
        handler(std::move(h)),
        body_limit(std::move(l)),
        try_inline(std::move(i)),
        pool(static_cast<size_t>(std::max(1, opts.handler_threads))) {}

  awaitable<void> write_and_close(beast::tcp_stream& stream, Response r, unsigned version) {
    auto res = to_beast(r, version, false, false);
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    beast::error_code ec;
    std::string remote;
    {
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    bool first = true;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
      parser.body_limit(
          (std::numeric_limits<std::uint64_t>::max)());  // real limit set per route below
      stream.expires_after(std::chrono::milliseconds(
          first || buffer.size() > 0 ? opts.header_timeout_ms : opts.idle_timeout_ms));
      first = false;
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == bhttp::error::header_limit)
          co_await write_and_close(stream, simple_problem(431, "request header too large"), 11);
        else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                 ec != asio::error::eof)
          co_await write_and_close(stream, simple_problem(400, "malformed request"), 11);
        break;
      }
      auto& head = parser.get();
      unsigned version = head.version();
      std::string method(head.method_string());
      std::string target(head.target());
      Request req;
      if (!parse_target(target, req.path, req.query)) {
        co_await write_and_close(stream, simple_problem(400, "malformed request target"), version);
        break;
      }
      size_t limit = body_limit(method, req.path);
      parser.body_limit(limit);
      if (auto cl = parser.content_length(); cl && *cl > limit) {
        co_await write_and_close(stream, simple_problem(413, "request body too large"), version);
        break;
      }
      inflight.fetch_add(1);
      stream.expires_after(std::chrono::milliseconds(opts.body_timeout_ms));
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        inflight.fetch_sub(1);
        if (ec == bhttp::error::body_limit)
          co_await write_and_close(stream, simple_problem(413, "request body too large"), version);
        else if (ec != beast::error::timeout && ec != asio::error::eof &&
                 ec != bhttp::error::end_of_stream && ec != asio::error::connection_reset)
          co_await write_and_close(stream, simple_problem(400, "malformed request body"), version);
        break;
      }
      auto msg = parser.release();
      req.method = std::move(method);
      req.target = std::move(target);
      req.remote_ip = remote;
      req.headers.reserve(16);
      for (auto& f : msg) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers.emplace_back(std::move(name), std::string(f.value()));
      }
      req.body = std::move(msg.body());
      bool keep_alive = msg.keep_alive() && !stopping.load();
      bool head_only = req.method == "HEAD";
      Response res;
      stream.expires_never();
      if (!try_inline || !try_inline(req, res))
        co_await async_handle(pool, handler, req, res, use_awaitable);
      auto out = to_beast(res, version, keep_alive && !stopping.load(), head_only);
      stream.expires_after(std::chrono::seconds(30));
      co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
      inflight.fetch_sub(1);
      if (ec || !out.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
  }

  awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket sock = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) co_return;
        continue;  // EMFILE and friends: keep serving the connections we have
      }
      sock.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(io, session(std::move(sock)), asio::detached);
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    asio::post(io, [this] {
      beast::error_code ec;
      acceptor.close(ec);
      asio::co_spawn(io, drain(), asio::detached);
    });
  }

  awaitable<void> drain() {
    asio::steady_timer t(io);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(opts.drain_timeout_ms);
    while (inflight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      t.expires_after(std::chrono::milliseconds(20));
      beast::error_code ec;
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    io.stop();
  }
};

Server::Server(ServerOptions opts, RequestHandler handler, BodyLimit limit,
               InlineHandler try_inline)
    : impl_(std::make_unique<Impl>(std::move(opts), std::move(handler), std::move(limit),
                                   std::move(try_inline))) {}

Server::~Server() { impl_->pool.join(); }

uint16_t Server::listen() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + impl_->opts.host);
  tcp::endpoint ep(addr, impl_->opts.port);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + impl_->opts.host + ":" +
                             std::to_string(impl_->opts.port) + ": " + ec.message());
  return a.local_endpoint().port();
}

void Server::run(bool handle_signals) {
  auto& io = impl_->io;
  asio::signal_set signals(io);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](const beast::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received: draining in-flight requests", sig);
      impl_->begin_stop();
    });
  }
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->opts.network_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

void Server::stop() { impl_->begin_stop(); }

int64_t Server::in_flight() const { return impl_->inflight.load(); }

}  // namespace painel::http
