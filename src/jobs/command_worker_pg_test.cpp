// CommandWorker on PostgreSQL beside a long transaction that holds the global write lock:
// the worker claims a command (FOR UPDATE SKIP LOCKED, off the global lock) and its
// heartbeat keeps renewing the lease while the command's effect waits for that lock, so
// no other worker's recovery takes the command meanwhile. Needs a server: skipped unless
// PAINEL_TEST_PG_URL(_FILE) is set (ctest's pg.unit).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "jobs/command_worker.hpp"
#include "jobs/job_test_support.hpp"
#include "obs/metrics.hpp"
#include "store/commands.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::jobs {
namespace {

using SteadyClock = std::chrono::steady_clock;

class PgServerCommandWorker : public store::PgStoreTest {};

// Another connection holds the global write lock for 2 s (a long transaction of another
// writer). The worker, started meanwhile with a 300 ms lease (a heartbeat every 100 ms),
// claims the command at once; its effect waits for the lock; 1.5 s in, the command is
// RUNNING with a lease renewed within the last lease period. Fails (the lease is the
// claim's, long expired) when the heartbeat's renewal uses Store::write's default lock.
TEST_F(PgServerCommandWorker, TheLeaseIsRenewedWhileAnotherWriterHoldsTheGlobalLock) {
  if (!store_) return;
  store_->set_audit_key(std::string(32, 'k'));
  SystemClock clock;
  std::string tenant = store_->write(
      [&](store::Conn& c) { return store::create_tenant(c, {"Acme"}, clock.now_ms()); });
  std::string id = store_->write([&](store::Conn& c) {
    return store::create_command(c, {"FLUSH_TENANT_CACHE", tenant, "{}", "u1", "INTERNAL_ADMIN"},
                                 clock.now_ms())
        .id;
  });
  testing::RecordingCache cache;
  obs::Metrics metrics;
  CommandSignal signal;
  CommandWorker worker(*store_, cache, metrics, clock, signal, nullptr,
                       {.worker_id = "w-pg", .poll_ms = 50, .lease_ms = 300});

  store::PgConn holder({db_->url()});
  holder.begin(true);  // the global write lock, until the commit below
  const auto start = SteadyClock::now();
  worker.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto during = store::get_command(store_->conn(), id);
  const int64_t now = clock.now_ms();
  holder.commit();
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(during->status, "RUNNING") << "the claim waited for the global write lock";
  ASSERT_TRUE(during->lease_until_ms.has_value());
  EXPECT_GT(*during->lease_until_ms, now)
      << "the lease ran out while the effect waited: its renewal waited for the global lock";
  auto deadline = SteadyClock::now() + std::chrono::seconds(20);
  while (store::get_command(store_->conn(), id)->status == "RUNNING" &&
         SteadyClock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  worker.stop();
  EXPECT_EQ(store::get_command(store_->conn(), id)->status, "SUCCESS");
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace painel::jobs
