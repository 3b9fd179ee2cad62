#pragma once
// Background jobs inside `painel serve` (command worker, aggregation, retention) run on
// their own threads; JobRunner owns them and stops them before the store closes.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace painel::jobs {

class JobRunner {
 public:
  ~JobRunner() { stop(); }
  // Runs fn every period_ms until stop(); exceptions are logged, never fatal.
  void every(std::string name, int period_ms, std::function<void()> fn);
  void stop();

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace painel::jobs
