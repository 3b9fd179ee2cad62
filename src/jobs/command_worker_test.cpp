// CommandWorker on a real SQLite store with a manual clock: retention when due, recovery
// of commands whose worker died (retried or failed by type), and the lease renewal the
// heartbeat relies on; one test runs the worker's own threads.
#include "jobs/command_worker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "jobs/job_test_support.hpp"
#include "obs/metrics.hpp"
#include "store/commands.hpp"
#include "store/tenants.hpp"
#include "store/usage_ingest.hpp"

namespace painel::jobs {
namespace {

using testing::ManualClock;
using testing::RecordingCache;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400000;

class CommandWorkerTest : public testing::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    tenant_ = store_->write([](store::Conn& c) { return store::create_tenant(c, {"Acme"}, kT0); });
  }
  CommandWorker& worker(CommandWorkerOptions o = {}) {
    if (o.worker_id.empty()) o.worker_id = "w-test";
    worker_ =
        std::make_unique<CommandWorker>(*store_, cache_, metrics_, clock_, signal_, nullptr, o);
    return *worker_;
  }
  store::Command add(int64_t at, const std::string& type = "FLUSH_TENANT_CACHE",
                     const std::string& params = "{}") {
    return store_->write([&](store::Conn& c) {
      return store::create_command(c, {type, tenant_, params, "u1", "INTERNAL_ADMIN"}, at);
    });
  }
  // A command some worker claimed at `at` and, unless `finish` is empty, finished.
  std::string claimed(int64_t at, const std::string& by, int64_t lease_ms,
                      const std::string& finish = "",
                      const std::string& type = "FLUSH_TENANT_CACHE",
                      const std::string& params = "{}") {
    std::string id = add(at, type, params).id;
    store_->write([&](store::Conn& c) {
      auto cmd = store::claim_next(c, by, lease_ms, at);
      ASSERT_TRUE(cmd && cmd->id == id);
      if (!finish.empty()) store::finish_command(c, id, by, finish, std::nullopt, std::nullopt, at);
    });
    return id;
  }
  std::optional<store::Command> get(const std::string& id) {
    return store::get_command(store_->conn(), id);
  }
  ManualClock clock_{kT0};
  RecordingCache cache_;
  obs::Metrics metrics_;
  CommandSignal signal_;
  std::unique_ptr<CommandWorker> worker_;
  std::string tenant_;
};

TEST_F(CommandWorkerTest, RetentionDeletesOldFinishedCommandsWhenItIsDue) {
  clock_.set(kT0 + 100 * kDay);
  auto old_done = claimed(kT0, "w0", 1000, "SUCCESS");
  auto old_failed = claimed(kT0 + 1, "w0", 1000, "ERROR");
  auto recent = claimed(kT0 + 11 * kDay, "w0", 1000, "SUCCESS");  // 89 days old
  auto& w = worker({.retention_days = 90, .retention_every_ms = 3600000});
  EXPECT_EQ(w.run_once(), 0);
  EXPECT_FALSE(get(old_done));
  EXPECT_FALSE(get(old_failed));
  EXPECT_TRUE(get(recent));

  auto another_old = claimed(kT0 + 2, "w0", 1000, "SUCCESS");
  clock_.advance(3599999);
  w.run_once();
  EXPECT_TRUE(get(another_old)) << "retention ran again before retention_every_ms";
  clock_.advance(1);
  w.run_once();
  EXPECT_FALSE(get(another_old));
  EXPECT_EQ(metrics_.counter("painel_commands_deleted_total"), 3u);
}

TEST_F(CommandWorkerTest, RetentionKeepsUnfinishedCommandsWhateverTheirAge) {
  clock_.set(kT0 + 365 * kDay);
  auto stuck = claimed(kT0, "w0", 400 * kDay);  // RUNNING, lease still valid
  worker({.retention_days = 90}).apply_retention();
  EXPECT_TRUE(get(stuck));
}

TEST_F(CommandWorkerTest, ASafeCommandOfADeadWorkerIsRequeuedWhenItsLeaseExpiresThenRun) {
  auto id = claimed(kT0, "dead", 30000);
  auto& w = worker();
  clock_.set(kT0 + 30000);  // the lease's last instant
  EXPECT_EQ(w.run_once(), 0);
  EXPECT_EQ(get(id)->status, "RUNNING");
  EXPECT_EQ(*get(id)->worker_id, "dead");

  clock_.set(kT0 + 30001);
  EXPECT_EQ(w.run_once(), 1);
  auto c = get(id);
  EXPECT_EQ(c->status, "SUCCESS");
  EXPECT_EQ(c->attempts, 2);
  EXPECT_EQ(*c->worker_id, "w-test");
  EXPECT_EQ(metrics_.counter("painel_commands_recovered_total", "outcome=\"retried\""), 1u);
}

TEST_F(CommandWorkerTest, AnUnsafeCommandOfADeadWorkerEndsInErrorNotRerun) {
  auto id = claimed(kT0, "dead", 30000, "", "RESTART_AGENT",
                    R"({"agent_id":"0b1c5a5e-0000-4000-8000-0000000000a1"})");
  clock_.set(kT0 + 30001);
  EXPECT_EQ(worker().recover_expired(), 1);
  auto c = get(id);
  EXPECT_EQ(c->status, "ERROR");
  EXPECT_EQ(c->attempts, 1);
  EXPECT_NE(c->error_message->find("not safe to run twice"), std::string::npos)
      << *c->error_message;
  EXPECT_EQ(metrics_.counter("painel_commands_recovered_total", "outcome=\"failed\""), 1u);
}

// A clock that moves on at every reading: a long command crosses its deadline mid-run.
class SteppingClock final : public Clock {
 public:
  SteppingClock(int64_t start_ms, int64_t step_ms) : now_(start_ms), step_(step_ms) {}
  int64_t now_ms() const override { return now_.fetch_add(step_); }

 private:
  mutable std::atomic<int64_t> now_;
  int64_t step_;
};

// REPROCESS_QUEUE commits one day per transaction (so a long run never holds the store's
// write lock for more than a day): a timeout part-way leaves the days done re-aggregated
// and says which, instead of rolling everything back ("nothing was changed").
TEST_F(CommandWorkerTest, AReprocessCommitsDayByDaySoATimeoutKeepsTheDaysDone) {
  constexpr int kDays = 100;
  std::vector<std::string> ids;
  for (int d = 0; d < kDays; ++d) ids.push_back("ev-" + std::to_string(d));
  std::vector<store::UsageEvent> events;
  for (int d = 0; d < kDays; ++d)
    events.push_back({ids[d], tenant_, "0b1c5a5e-0000-4000-8000-0000000000a1",
                      kT0 + d * kDay + 3600000, true, 120, 10, 1});
  store_->write([&](store::Conn& c) { store::insert_usage_events(c, events, kT0); });
  auto id =
      add(kT0 + kDays * kDay, "REPROCESS_QUEUE", R"({"from":"2026-01-01","to":"2026-04-10"})").id;

  SteppingClock clock(kT0 + kDays * kDay, 2000);  // 2 s per reading: the 120 s limit is reached
  CommandWorkerOptions o;
  o.worker_id = "w-test";
  CommandWorker w(*store_, cache_, metrics_, clock, signal_, nullptr, o);
  EXPECT_EQ(w.run_once(), 1);
  auto c = get(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "ERROR");
  ASSERT_TRUE(c->error_message);
  const std::string& m = *c->error_message;
  EXPECT_NE(m.find("timed out after 120 s"), std::string::npos) << m;
  auto of = m.find(" of 100 days were re-aggregated (2026-01-01 to ");
  ASSERT_NE(of, std::string::npos) << m;
  int done = std::stoi(m.substr(m.rfind("; ", of) + 2));
  EXPECT_GT(done, 0) << m;
  EXPECT_LT(done, kDays) << m;
  EXPECT_EQ(m.find("nothing was changed"), std::string::npos) << m;
  auto days = store_->conn()
                  .query("SELECT count(DISTINCT day) FROM tenant_usage_daily WHERE tenant_id = ?",
                         {tenant_})[0]
                  .i64(0);
  EXPECT_EQ(days, done) << "the days the message names are the days re-aggregated, no more";
}

// What the heartbeat does while a command runs (renew_lease every lease_ms / 3): a renewed
// lease is not taken by another worker's recovery; one renewed by nobody is.
TEST_F(CommandWorkerTest, ARenewedLeaseIsNotRecoveredUntilTheRenewalRunsOut) {
  auto id = claimed(kT0, "alive", 30000);
  store_->write([&](store::Conn& c) {
    EXPECT_FALSE(store::renew_lease(c, id, "someone-else", kT0 + 50000));
    EXPECT_TRUE(store::renew_lease(c, id, "alive", kT0 + 50000));
  });
  auto& w = worker();
  clock_.set(kT0 + 40000);  // past the first lease, inside the renewed one
  EXPECT_EQ(w.recover_expired(), 0);
  EXPECT_EQ(get(id)->status, "RUNNING");
  clock_.set(kT0 + 50001);
  EXPECT_EQ(w.recover_expired(), 1);
  EXPECT_EQ(get(id)->status, "PENDING");
}

// The worker's own threads: a command created in this process runs on the signal, not at
// the next poll (an hour away), and stop() returns without waiting for the poll either.
TEST_F(CommandWorkerTest, StartedWorkerRunsANewCommandOnTheSignal) {
  auto& w = worker({.poll_ms = 3600000, .lease_ms = 30});  // heartbeat every 10 ms
  w.start();
  auto id = add(kT0).id;
  signal_.notify();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (get(id)->status != "SUCCESS" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a condition
  auto t0 = std::chrono::steady_clock::now();
  w.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  auto c = get(id);
  EXPECT_EQ(c->status, "SUCCESS");
  EXPECT_FALSE(c->lease_until_ms) << "a lease was renewed on a finished command";
  auto dropped = cache_.tenants();  // after its commit, so read once the thread is joined
  EXPECT_FALSE(dropped.empty());
  EXPECT_EQ(std::count(dropped.begin(), dropped.end(), tenant_), std::ssize(dropped));
}

}  // namespace
}  // namespace painel::jobs
