// JobRunner has no clock of its own (it sleeps between runs on its thread), so these tests
// wait on conditions the job signals, with a generous bound, never for a fixed time.
#include "jobs/runner.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace painel::jobs {
namespace {

using namespace std::chrono_literals;

// Counts runs; wait_for_runs() returns once n runs happened (false after `bound`).
class RunCounter {
 public:
  void ran() {
    std::lock_guard lk(mu_);
    ++runs_;
    cv_.notify_all();
  }
  bool wait_for_runs(int n, std::chrono::milliseconds bound = 10s) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, bound, [&] { return runs_ >= n; });
  }
  int runs() {
    std::lock_guard lk(mu_);
    return runs_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int runs_ = 0;
};

TEST(JobRunner, RunsTheJobAgainAndAgainUntilStopped) {
  RunCounter c;
  JobRunner r;
  r.every("t", 0, [&] { c.ran(); });
  EXPECT_TRUE(c.wait_for_runs(3));
  r.stop();
  int after_stop = c.runs();
  r.stop();  // idempotent
  EXPECT_EQ(c.runs(), after_stop) << "the job ran after stop() returned";
}

TEST(JobRunner, AFailingRunIsLoggedAndTheJobKeepsRunning) {
  RunCounter c;
  JobRunner r;
  r.every("flaky", 0, [&] {
    c.ran();
    throw std::runtime_error("store busy");
  });
  EXPECT_TRUE(c.wait_for_runs(3)) << "an exception stopped the job";
}

TEST(JobRunner, JobsRunOnTheirOwnThreadsAndOneSlowJobDoesNotHoldAnother) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  RunCounter slow, fast;
  JobRunner r;
  r.every("slow", 0, [&] {
    slow.ran();
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return release; });
  });
  r.every("fast", 0, [&] { fast.ran(); });
  EXPECT_TRUE(slow.wait_for_runs(1));
  EXPECT_TRUE(fast.wait_for_runs(5)) << "the fast job waited for the slow one";
  {
    std::lock_guard lk(mu);
    release = true;
  }
  cv.notify_all();
  r.stop();
}

TEST(JobRunner, StopDoesNotWaitOutALongPeriod) {
  RunCounter c;
  JobRunner r;
  r.every("hourly", 3600 * 1000, [&] { c.ran(); });
  ASSERT_TRUE(c.wait_for_runs(1));
  auto t0 = std::chrono::steady_clock::now();
  r.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "stop() waited for the next period";
  EXPECT_EQ(c.runs(), 1);
}

}  // namespace
}  // namespace painel::jobs
