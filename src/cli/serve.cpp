// `painel serve`: open and migrate the store, build the application, start the jobs and
// the HTTP server, and drain on SIGTERM/SIGINT.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "api/app.hpp"
#include "api/routes.hpp"
#include "api/static_files.hpp"
#include "cli/commands.hpp"
#include "cli/services.hpp"
#include "http/server.hpp"
#include "obs/log.hpp"

namespace painel::cli {

int cmd_serve(Config cfg) {
  obs::setup_logging(cfg.log_format, cfg.log_level);
  Services svc(cfg);
  svc.start_jobs();

  http::ServerOptions so;
  so.host = cfg.host();
  so.port = cfg.port();
  so.network_threads = cfg.network_threads;
  so.handler_threads = cfg.handler_threads;
  auto& app = *svc.app;
  http::Server server(
      so, [&app](http::Request& r) { return app.handle(r); },
      [&app](std::string_view m, std::string_view p) { return app.body_limit(m, p); },
      [&app](http::Request& r, http::Response& res) { return app.try_inline(r, res); });
  uint16_t port = server.listen();
  spdlog::info("painel listening on http://{}:{} (store {}, {} handler threads)", so.host, port,
               svc.store->describe(), so.handler_threads);
  // A plain line on stderr for people and scripts (tests read the port from it).
  std::cerr << "painel: listening on http://" << so.host << ":" << port << std::endl;
  server.run(true);
  svc.stop_jobs();
  spdlog::info("painel stopped");
  return 0;
}

}  // namespace painel::cli
