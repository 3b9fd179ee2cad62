#include "jobs/runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace painel::jobs {

void JobRunner::every(std::string name, int period_ms, std::function<void()> fn) {
  threads_.emplace_back([this, name = std::move(name), period_ms, fn = std::move(fn)] {
    while (!stop_.load()) {
      try {
        fn();
      } catch (const std::exception& e) {
        spdlog::error("job {} failed: {}", name, e.what());
      }
      for (int waited = 0; waited < period_ms && !stop_.load(); waited += 50)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void JobRunner::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace painel::jobs
