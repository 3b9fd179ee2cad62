// `painel worker`: the operational command worker alone (no HTTP), for running workers
// apart from the API instances. It builds the same Services as `serve`, so commands do
// exactly what they do there; caches of other processes (tenant status, in-process
// answers) catch up within their TTLs unless a shared cache is configured.
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "cli/subcommands.hpp"
#include "cli/services.hpp"
#include "jobs/command_worker.hpp"
#include "obs/log.hpp"

namespace painel::cli {

int cmd_worker(Config cfg) {
  obs::setup_logging(cfg.log_format, cfg.log_level);
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait below is the only receiver.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Services svc(cfg);
  svc.start_command_worker();
  std::cerr << "painel: command worker " << svc.command_worker->id() << " running on "
            << svc.store->describe() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {} received: stopping the command worker", sig);
  svc.stop_jobs();
  return 0;
}

}  // namespace painel::cli
