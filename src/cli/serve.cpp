// `painel serve`: open and migrate the store, build the application, start the jobs and
// the HTTP server, and drain on SIGTERM/SIGINT.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "api/app.hpp"
#include "api/metrics_endpoint.hpp"
#include "api/routes.hpp"
#include "api/static_files.hpp"
#include "cli/services.hpp"
#include "cli/subcommands.hpp"
#include "http/server.hpp"
#include "http/tls.hpp"
#include "obs/log.hpp"
#include "obs/sd_notify.hpp"

namespace painel::cli {
namespace {

// A connection flood must meet the connection cap, not the open-file limit (EMFILE also
// fails the store's and the log's own opens): raise the soft limit to the hard one.
void raise_open_file_limit(int max_connections) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t before = rl.rlim_cur;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = before;
  }
  if (rl.rlim_cur != RLIM_INFINITY && static_cast<rlim_t>(max_connections) + 256 > rl.rlim_cur)
    spdlog::warn(
        "--max-connections {} is close to the open-file limit {}: lower it or raise "
        "the limit (LimitNOFILE=)",
        max_connections, static_cast<unsigned long long>(rl.rlim_cur));
  else
    spdlog::info("open-file limit {} (was {})", static_cast<unsigned long long>(rl.rlim_cur),
                 static_cast<unsigned long long>(before));
}

// --metrics-listen: a small listener of its own serving only /metrics, so the metrics can
// stay on an internal address while --listen faces the users.
std::unique_ptr<http::Server> metrics_server(const Config& cfg, const obs::Metrics& m) {
  if (cfg.metrics_listen.empty()) {
    if (!Config::is_loopback(cfg.listen))
      spdlog::warn(
          "/metrics is public on {} (no --metrics-token or --metrics-listen): anyone who can "
          "reach this address can read it",
          cfg.listen);
    return nullptr;
  }
  http::ServerOptions so;
  so.host = cfg.metrics_listen.substr(0, cfg.metrics_listen.rfind(':'));
  so.port = static_cast<uint16_t>(
      std::stoi(cfg.metrics_listen.substr(cfg.metrics_listen.rfind(':') + 1)));
  so.network_threads = 1;
  so.handler_threads = 1;
  so.max_connections = 64;
  if (cfg.metrics_token.empty() && !Config::is_loopback(cfg.metrics_listen))
    spdlog::warn("/metrics is public on {} (no --metrics-token)", cfg.metrics_listen);
  std::string token = cfg.metrics_token;
  return std::make_unique<http::Server>(
      so, [&m, token](http::Request& r) { return api::metrics_listener_answer(r, m, token); },
      [](std::string_view, std::string_view) -> size_t { return 0; });
}

}  // namespace

int cmd_serve(Config cfg) {
  obs::setup_logging(cfg.log_format, cfg.log_level);
  // An unreadable or mismatched pair: exit 2 before the store is opened.
  std::shared_ptr<http::TlsContext> tls;
  if (!cfg.tls_cert.empty()) {
    try {
      tls = std::make_shared<http::TlsContext>(cfg.tls_cert, cfg.tls_key);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  Services svc(cfg);
  svc.start_jobs();

  http::ServerOptions so;
  so.host = cfg.host();
  so.port = cfg.port();
  so.network_threads = cfg.network_threads;
  so.handler_threads = cfg.handler_threads;
  so.max_connections = cfg.max_connections;
  so.header_timeout_ms = cfg.header_timeout_ms;
  so.body_memory_budget = static_cast<size_t>(cfg.max_body_memory_mb) << 20;
  so.trusted_proxies = http::TrustedProxies::parse(cfg.trusted_proxies);
  so.cors = http::Cors::parse(cfg.cors_origins);
  so.tls = tls;
  so.path_prefix = cfg.path_prefix();
  raise_open_file_limit(so.max_connections);
  auto& app = *svc.app;
  http::Server server(
      so, [&app](http::Request& r) { return app.handle(r); },
      [&app](std::string_view m, std::string_view p) { return app.body_limit(m, p); },
      [&app](http::Request& r, http::Response& res) { return app.try_inline(r, res); });
  server.set_head_check([&app](http::Request& r) { return app.check_head(r); });
  auto& m = svc.metrics;
  server.set_counters({&m.counter_ref("painel_connections_total", "result=\"accepted\""),
                       &m.counter_ref("painel_connections_total", "result=\"refused\""),
                       &m.counter_ref("painel_connections_total", "result=\"evicted\""),
                       &m.counter_ref("painel_body_budget_rejections_total"),
                       &m.counter_ref("painel_tls_handshake_failures_total"),
                       &m.counter_ref("painel_tls_reloads_total", "result=\"ok\""),
                       &m.counter_ref("painel_tls_reloads_total", "result=\"failed\""),
                       &m.counter_ref("painel_streamed_answers_total", "result=\"complete\""),
                       &m.counter_ref("painel_streamed_answers_total", "result=\"cut\"")});
  auto metrics = metrics_server(cfg, svc.metrics);
  uint16_t metrics_port = metrics ? metrics->listen() : 0;
  uint16_t port = server.listen();
  const char* scheme = tls ? "https" : "http";
  spdlog::info("painel listening on {}://{}:{} (store {}, {} handler threads)", scheme, so.host,
               port, svc.store->describe(), so.handler_threads);
  // A plain line on stderr for people and scripts (tests read the port from it).
  std::cerr << "painel: listening on " << scheme << "://" << so.host << ":" << port << std::endl;
  std::thread metrics_thread;
  if (metrics) {
    std::string host = cfg.metrics_listen.substr(0, cfg.metrics_listen.rfind(':'));
    spdlog::info("metrics served on http://{}:{}/metrics only", host, metrics_port);
    std::cerr << "painel: metrics at http://" << host << ":" << metrics_port << "/metrics"
              << std::endl;
    metrics_thread = std::thread([&metrics] { metrics->run(false); });
  }
  // systemd (Type=notify): ready once listening; WatchdogSec= pings from the network loop.
  if (auto every = obs::sd_watchdog_interval())
    server.set_heartbeat(*every, [] { obs::sd_notify("WATCHDOG=1"); });
  obs::sd_notify("READY=1\nSTATUS=listening on " + std::string(scheme) + "://" + so.host + ":" +
                 std::to_string(port));
  server.run(true);
  obs::sd_notify("STOPPING=1");
  if (metrics) {
    metrics->stop();
    metrics_thread.join();
  }
  svc.stop_jobs();
  spdlog::info("painel stopped");
  return 0;
}

}  // namespace painel::cli
