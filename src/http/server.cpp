#include <utility>  // must precede Boost 1.74 asio/awaitable.hpp (std::exchange), see STACK.md
// clang-format off
#include "http/server.hpp"
// clang-format on

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/json.hpp"
#include "core/utf8.hpp"
#include "http/path_prefix.hpp"
#include "http/problem.hpp"
#include "http/tls.hpp"

namespace painel::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

// Runs `fn` on the pool and resumes the coroutine on its own executor (the connection's
// strand). A plain function, not a coroutine (GCC 12 miscompiles lambdas inside co_await):
// callers name their lambda first.
template <class Fn, class Token>
auto async_on_pool(asio::thread_pool& pool, Fn& fn, Token&& token) {
  auto init = [&pool, &fn](auto completion) {
    auto ex = asio::get_associated_executor(completion);
    auto job = [&fn, ex, completion = std::move(completion)]() mutable {
      fn();
      asio::post(ex, std::move(completion));
    };
    asio::post(pool, std::move(job));
  };
  return asio::async_initiate<Token, void()>(init, token);
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

// One year, as browsers' preload lists ask; sent only over TLS (RFC 6797 7.2).
constexpr std::string_view kHsts = "max-age=31536000";

bhttp::response<bhttp::string_body> to_beast(Response& r, unsigned version, bool keep_alive,
                                             bool head, bool hsts) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), version};
  out.set(bhttp::field::server, "painel");
  if (hsts) out.set(bhttp::field::strict_transport_security, kHsts);
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

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Why a request head is refused before routing, or nullptr. A Transfer-Encoding other than
// exactly `chunked` (e.g. "chunked, identity", which Beast reads as no body) is how request
// smuggling starts behind a proxy that reads it differently: refuse it and close.
const char* head_problem(const bhttp::request_parser<bhttp::string_body>& parser,
                         const Fields& headers) {
  auto& h = parser.get();
  size_t te = 0;
  for (auto& f : h) {
    if (f.name() == bhttp::field::transfer_encoding) {
      ++te;
      if (!iequals(f.value(), "chunked")) return "unsupported Transfer-Encoding";
    }
  }
  if (te > 1) return "unsupported Transfer-Encoding";
  if (te == 1 && h.count(bhttp::field::content_length) > 0)
    return "both Content-Length and Transfer-Encoding";
  for (auto& [k, v] : headers)
    if (!valid_utf8(v)) return "header value is not valid UTF-8";
  return nullptr;
}

// A connection as the registry sees it: the eviction of idle connections at the cap posts
// to the connection's strand, where every operation on its socket runs.
struct ConnState {
  asio::any_io_executor ex;
  beast::tcp_stream* stream = nullptr;  // set and cleared on the strand
  std::atomic<bool> idle{true};         // waiting for a request head
  bool listed = true;                   // guarded by the registry's mutex
  std::list<std::shared_ptr<ConnState>>::iterator pos;
};

// A TLS record layer that failed or a peer that left without close_notify: nothing more can
// be said on that connection (a 400 would be written into a broken stream).
bool tls_gone(const beast::error_code& ec) {
  return ec == asio::ssl::error::stream_truncated ||
         ec.category() == asio::error::get_ssl_category();
}

void bump(std::atomic<uint64_t>* c) {
  if (c) c->fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  RequestHandler handler;
  BodyLimit body_limit;
  InlineHandler try_inline;
  HeadCheck head_check;
  ServerCounters counters;
  std::chrono::milliseconds heartbeat_every{0};
  std::function<void()> heartbeat;
  asio::io_context io;
  asio::thread_pool pool;
  tcp::acceptor acceptor{io};
  std::atomic<int64_t> inflight{0};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> body_bytes{0};
  std::mutex conns_mu;
  std::list<std::shared_ptr<ConnState>> conns;  // oldest first

  Impl(ServerOptions o, RequestHandler h, BodyLimit l, InlineHandler i)
      : opts(std::move(o)),
        handler(std::move(h)),
        body_limit(std::move(l)),
        try_inline(std::move(i)),
        pool(static_cast<size_t>(std::max(1, opts.handler_threads))) {}

  // Registers a new connection; false when it must be refused (at the cap, none idle).
  bool admit(const std::shared_ptr<ConnState>& st) {
    std::lock_guard lk(conns_mu);
    if (conns.size() >= static_cast<size_t>(std::max(1, opts.max_connections))) {
      auto victim =
          std::find_if(conns.begin(), conns.end(), [](auto& c) { return c->idle.load(); });
      if (victim == conns.end()) return false;
      auto v = *victim;
      v->listed = false;
      conns.erase(victim);
      bump(counters.evicted);
      asio::post(v->ex, [v] {
        if (!v->stream) return;
        beast::error_code ec;
        v->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
        v->stream->socket().close(ec);
      });
    }
    st->pos = conns.insert(conns.end(), st);
    return true;
  }

  void release(const std::shared_ptr<ConnState>& st) {
    std::lock_guard lk(conns_mu);
    if (st->listed) conns.erase(st->pos);
    st->listed = false;
  }

  void log_refusal(const Response& r, std::string_view request_id, std::string_view ip) {
    if (!spdlog::should_log(spdlog::level::info)) return;
    JsonOut j;
    j.begin_object()
        .kv("type", "access")
        .kv("request_id", request_id)
        .kv("route", "")
        .kv("status", r.status)
        .kv("ip", ip)
        .end_object();
    spdlog::info("{}", j.view());
  }

  // Answers an error of the network layer and closes: the same problem+json as the
  // application's, with a request id (the client's when sane).
  template <class Stream>
  awaitable<void> refuse(Stream& stream, int status, const char* detail, unsigned version,
                         const Fields& headers, std::string_view ip,
                         const char* allow_retry_after = nullptr) {
    auto rid = request_id_for(headers);
    Response r = problem(status, reason_phrase(status), detail, rid);
    r.set_header("X-Request-Id", rid);
    if (allow_retry_after) r.set_header("Retry-After", allow_retry_after);
    opts.cors.decorate(headers, r);
    log_refusal(r, rid, ip);
    co_await write_and_close(stream, std::move(r), version);
  }

  template <class Stream>
  awaitable<void> write_and_close(Stream& stream, Response r, unsigned version) {
    auto res = to_beast(r, version, false, false, is_tls<Stream>);
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    // TLS: the close_notify is sent by session_tls once the loop ends.
    if constexpr (!is_tls<Stream>)
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // A streamed answer (Response::body_stream): the head with Transfer-Encoding: chunked,
  // the first piece, then one piece per call of the producer on the pool, each written
  // within the write timeout. The handler thread is free while a piece is on the wire, so
  // a client that stops reading costs a socket until the timeout, never a pool thread.
  // False when the connection cannot go on (write error, timeout, producer failure);
  // `complete`: the whole answer was sent.
  template <class Stream>
  awaitable<bool> write_streamed(Stream& stream, Response& r, unsigned version, bool keep_alive,
                                 bool head_only, bool& complete) {
    auto& lowest = beast::get_lowest_layer(stream);
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(r.status), version};
    head.set(bhttp::field::server, "painel");
    if constexpr (is_tls<Stream>) head.set(bhttp::field::strict_transport_security, kHsts);
    if (!r.content_type.empty()) head.set(bhttp::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) head.insert(k, v);
    // HTTP/1.0 has no chunked encoding: the body then ends when the connection closes.
    bool chunked = version >= 11;
    head.keep_alive(keep_alive && chunked);
    if (chunked) head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    beast::error_code ec;
    lowest.expires_after(std::chrono::seconds(30));
    co_await bhttp::async_write_header(stream, sr, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    complete = head_only;
    if (head_only) co_return chunked;
    std::string piece = std::move(r.body);
    bool more = true, failed = false;
    for (;;) {
      if (!piece.empty()) {
        lowest.expires_after(std::chrono::seconds(30));
        if (chunked)
          co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(piece)),
                                     asio::redirect_error(use_awaitable, ec));
        else
          co_await asio::async_write(stream, asio::buffer(piece),
                                     asio::redirect_error(use_awaitable, ec));
        if (ec) co_return false;
      }
      if (!more) break;
      piece.clear();
      auto produce = [&r, &piece, &more, &failed] {
        try {
          more = r.body_stream(piece);
        } catch (const std::exception& e) {
          failed = true;
          spdlog::error("streamed answer failed mid-body: {}", e.what());
        } catch (...) {
          failed = true;
          spdlog::error("streamed answer failed mid-body");
        }
      };
      lowest.expires_never();
      co_await async_on_pool(pool, produce, use_awaitable);
      if (failed || stopping.load()) co_return false;
    }
    complete = !chunked;
    if (!chunked) co_return false;  // close: that is where the body ends
    lowest.expires_after(std::chrono::seconds(30));
    co_await asio::async_write(stream, bhttp::make_chunk_last(),
                               asio::redirect_error(use_awaitable, ec));
    complete = !ec;
    co_return !ec;
  }

  // Every operation on this connection's socket and timer runs on its strand (the
  // coroutine's executor): the idle timeout can no longer close a socket that the request
  // path is using on the other network thread.
  awaitable<void> session(tcp::socket socket, std::shared_ptr<ConnState> st) {
    beast::error_code ec;
    std::string peer;
    {
      auto ep = socket.remote_endpoint(ec);
      if (!ec) peer = canonical_ip(ep.address().to_string()).value_or(ep.address().to_string());
    }
    if (opts.tls) {
      co_await session_tls(std::move(socket), st, peer);
    } else {
      beast::tcp_stream stream(std::move(socket));
      st->stream = &stream;
      co_await serve_requests(stream, *st, peer);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream.socket().close(ec);
    }
    st->stream = nullptr;
    release(st);
  }

  // The handshake counts as waiting for a request head: bounded by header_timeout_ms (a
  // client that stalls it is dropped) and evictable at the connection cap.
  awaitable<void> session_tls(tcp::socket socket, std::shared_ptr<ConnState> st,
                              const std::string& peer) {
    auto ctx = opts.tls->current();  // kept for the connection's life; a reload swaps it
    tls_stream stream(std::move(socket), *ctx);
    st->stream = &stream.next_layer();
    beast::error_code ec;
    stream.next_layer().expires_after(std::chrono::milliseconds(opts.header_timeout_ms));
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      co_await serve_requests(stream, *st, peer);
      // close_notify, bounded: a client that never answers it does not keep the slot.
      stream.next_layer().expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
    } else {
      bump(counters.tls_handshake_failed);
      spdlog::debug("TLS handshake with {} failed: {}", peer, ec.message());
    }
    stream.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.next_layer().socket().close(ec);
  }

  // The request loop of one connection, the same code for plain TCP and TLS (a template:
  // the plain path pays nothing for TLS).
  template <class Stream>
  awaitable<void> serve_requests(Stream& stream, ConnState& cs, const std::string& peer) {
    ConnState* st = &cs;
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    beast::error_code ec;
    bool first = true;
    for (;;) {
      st->idle.store(true);
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
      parser.body_limit(
          (std::numeric_limits<std::uint64_t>::max)());  // real limit set per route below
      lowest.expires_after(std::chrono::milliseconds(
          first || buffer.size() > 0 ? opts.header_timeout_ms : opts.idle_timeout_ms));
      first = false;
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        asio::redirect_error(use_awaitable, ec));
      st->idle.store(false);
      if (ec) {
        if (ec == bhttp::error::header_limit)
          co_await refuse(stream, 431, "request header too large", 11, {}, peer);
        else if (!tls_gone(ec) && ec != bhttp::error::end_of_stream &&
                 ec != beast::error::timeout && ec != asio::error::operation_aborted &&
                 ec != asio::error::connection_reset && ec != asio::error::eof &&
                 ec != asio::error::bad_descriptor)
          co_await refuse(stream, 400, "malformed request", 11, {}, peer);
        break;
      }
      auto& head = parser.get();
      unsigned version = head.version();
      Request req;
      req.headers.reserve(16);
      for (auto& f : head) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers.emplace_back(std::move(name), std::string(f.value()));
      }
      req.remote_ip = opts.trusted_proxies.client_ip(peer, req.headers);
      if (auto why = head_problem(parser, req.headers)) {
        co_await refuse(stream, 400, why, version, req.headers, req.remote_ip);
        break;
      }
      req.method = std::string(head.method_string());
      req.target = std::string(head.target());
      if (!parse_target(req.target, req.path, req.query)) {
        co_await refuse(stream, 400, "malformed request target", version, req.headers,
                        req.remote_ip);
        break;
      }
      req.outside_prefix = strip_path_prefix(opts.path_prefix, req.path) == PrefixMatch::Outside;
      inflight.fetch_add(1);
      size_t reserved = 0;
      if (!parser.is_done()) {  // a body follows
        // Route, credentials and permission from the head, before the body costs memory.
        if (head_check) {
          std::optional<Response> early;
          auto check = [this, &req, &early] { early = head_check(req); };
          lowest.expires_never();
          co_await async_on_pool(pool, check, use_awaitable);
          if (early) {
            inflight.fetch_sub(1);
            co_await write_and_close(stream, std::move(*early), version);
            break;
          }
        }
        size_t limit = body_limit(req.method, req.path);
        auto cl = parser.content_length();
        if (cl && *cl > limit) {
          inflight.fetch_sub(1);
          co_await refuse(stream, 413, "request body too large", version, req.headers,
                          req.remote_ip);
          break;
        }
        reserved = cl ? static_cast<size_t>(*cl) : limit;
        if (body_bytes.fetch_add(reserved) + reserved > opts.body_memory_budget) {
          body_bytes.fetch_sub(reserved);
          inflight.fetch_sub(1);
          bump(counters.body_budget_rejected);
          co_await refuse(stream, 503, "too many request bodies in flight; retry shortly", version,
                          req.headers, req.remote_ip, "1");
          break;
        }
        parser.body_limit(limit);
        if (auto expect = req.header("expect"); expect && iequals(*expect, "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
          lowest.expires_after(std::chrono::seconds(5));
          co_await bhttp::async_write(stream, cont, asio::redirect_error(use_awaitable, ec));
        }
        lowest.expires_after(std::chrono::milliseconds(opts.body_timeout_ms));
        if (!ec)
          co_await bhttp::async_read(stream, buffer, parser,
                                     asio::redirect_error(use_awaitable, ec));
        if (ec) {
          body_bytes.fetch_sub(reserved);
          inflight.fetch_sub(1);
          if (ec == bhttp::error::body_limit)
            co_await refuse(stream, 413, "request body too large", version, req.headers,
                            req.remote_ip);
          else if (!tls_gone(ec) && ec != beast::error::timeout && ec != asio::error::eof &&
                   ec != bhttp::error::end_of_stream && ec != asio::error::connection_reset &&
                   ec != asio::error::operation_aborted)
            co_await refuse(stream, 400, "malformed request body", version, req.headers,
                            req.remote_ip);
          break;
        }
        req.body = std::move(parser.get().body());
      }
      bool keep_alive = parser.get().keep_alive() && !stopping.load();
      bool head_only = req.method == "HEAD";
      Response res;
      lowest.expires_never();
      if (!try_inline || !try_inline(req, res)) {
        auto handle = [this, &req, &res] { res = handler(req); };
        co_await async_on_pool(pool, handle, use_awaitable);
      }
      req.body = {};
      req.body.shrink_to_fit();
      body_bytes.fetch_sub(reserved);
      if (res.body_stream) {
        bool complete = false;
        bool go_on = co_await write_streamed(stream, res, version, keep_alive && !stopping.load(),
                                             head_only, complete);
        bump(complete ? counters.streams_complete : counters.streams_cut);
        res.body_stream = nullptr;  // the producer's state (filters, cursor) goes now
        inflight.fetch_sub(1);
        if (!go_on || !keep_alive || stopping.load()) break;
        continue;
      }
      auto out = to_beast(res, version, keep_alive && !stopping.load(), head_only, is_tls<Stream>);
      lowest.expires_after(std::chrono::seconds(30));
      co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
      inflight.fetch_sub(1);
      if (ec || !out.keep_alive()) break;
    }
  }

  awaitable<void> accept_loop() {
    asio::steady_timer backoff(io);
    for (;;) {
      beast::error_code ec;
      auto strand = asio::make_strand(io);
      tcp::socket sock =
          co_await acceptor.async_accept(strand, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) co_return;
        // EMFILE and friends: keep serving the connections we have, without spinning.
        spdlog::warn("accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      auto st = std::make_shared<ConnState>();
      st->ex = strand;
      if (!admit(st)) {
        bump(counters.refused);
        sock.close(ec);
        continue;
      }
      bump(counters.accepted);
      sock.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(strand, session(std::move(sock), std::move(st)), asio::detached);
    }
  }
  awaitable<void> heartbeat_loop() {
    asio::steady_timer t(io);
    while (!stopping.load()) {
      heartbeat();
      t.expires_after(heartbeat_every);
      beast::error_code ec;
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }

  void reload_tls() {
    if (!opts.tls) {
      spdlog::info("SIGHUP: nothing to reload (no --tls-cert)");
      return;
    }
    if (auto err = opts.tls->reload(); err.empty()) {
      bump(counters.tls_reloaded);
      spdlog::info("SIGHUP: TLS certificate {} and key {} reloaded", opts.tls->cert_file(),
                   opts.tls->key_file());
    } else {
      bump(counters.tls_reload_failed);
      spdlog::error("SIGHUP: TLS reload failed, still serving the previous certificate: {}", err);
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

void Server::set_head_check(HeadCheck check) { impl_->head_check = std::move(check); }

void Server::set_counters(ServerCounters counters) { impl_->counters = counters; }

void Server::set_heartbeat(std::chrono::milliseconds every, std::function<void()> beat) {
  impl_->heartbeat_every = every;
  impl_->heartbeat = std::move(beat);
}

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
  // SIGHUP re-reads --tls-cert/--tls-key: new handshakes use the new pair, open
  // connections keep theirs; a bad pair is logged and the current one stays. Handled
  // without TLS too, so a SIGHUP meant for a reload never kills a plain server.
  asio::signal_set hup(io);
  std::function<void()> wait_hup = [this, &hup, &wait_hup] {
    hup.async_wait([this, &wait_hup](const beast::error_code& ec, int) {
      if (ec) return;
      impl_->reload_tls();
      wait_hup();
    });
  };
  if (handle_signals) {
    hup.add(SIGHUP);
    wait_hup();
  }
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
  if (impl_->heartbeat) asio::co_spawn(io, impl_->heartbeat_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->opts.network_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

void Server::stop() { impl_->begin_stop(); }

int64_t Server::in_flight() const { return impl_->inflight.load(); }

}  // namespace painel::http
