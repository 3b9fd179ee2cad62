#include "store/commands.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "store/idempotency.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::store {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

class CommandQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-commands-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = Store::open("sqlite:" + (dir_ / "t.db").string());
    store_->migrate("");
    tenant_ = store_->write([](Conn& c) { return create_tenant(c, {"Acme"}, kT0); });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Command add(int64_t at, const std::string& type = "FLUSH_TENANT_CACHE") {
    return store_->write([&](Conn& c) {
      return create_command(c, {type, tenant_, "{}", "u1", "INTERNAL_ADMIN"}, at);
    });
  }
  std::optional<Command> claim(const std::string& worker, int64_t now, int64_t lease = 1000) {
    return store_->write([&](Conn& c) { return claim_next(c, worker, lease, now); });
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::string tenant_;
};

TEST(CommandStamp, AlwaysCarriesMillisecondsSoTextSortsAsTime) {
  EXPECT_EQ(command_stamp(kT0), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(command_stamp(kT0 + 5), "2026-01-01T00:00:00.005Z");
  EXPECT_LT(command_stamp(kT0), command_stamp(kT0 + 5));
}

TEST_F(CommandQueueTest, ClaimsOldestFirstAndOnlyOnce) {
  auto b = add(kT0 + 2000);
  auto a = add(kT0 + 1000);
  auto first = claim("w1", kT0 + 3000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a.id);
  EXPECT_EQ(first->status, "RUNNING");
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(*first->worker_id, "w1");
  EXPECT_EQ(*first->lease_until_ms, kT0 + 4000);
  EXPECT_EQ(claim("w2", kT0 + 3000)->id, b.id);
  EXPECT_FALSE(claim("w3", kT0 + 3000));
}

TEST_F(CommandQueueTest, ConcurrentClaimersNeverShareACommand) {
  for (int i = 0; i < 200; ++i) add(kT0 + i);
  std::mutex mu;
  std::vector<std::string> got;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      while (auto c = claim("w" + std::to_string(w), kT0 + 10000)) {
        std::lock_guard lk(mu);
        got.push_back(c->id);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(got.size(), 200u);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 200u);
}

TEST_F(CommandQueueTest, FinishOnlyByTheHolder) {
  add(kT0);
  auto c = claim("w1", kT0);
  EXPECT_FALSE(store_->write([&](Conn& x) {
    return finish_command(x, c->id, "w2", "SUCCESS", "{}", std::nullopt, kT0 + 1);
  }));
  EXPECT_TRUE(store_->write([&](Conn& x) {
    return finish_command(x, c->id, "w1", "SUCCESS", "{\"ok\":true}", std::nullopt, kT0 + 1);
  }));
  auto done = get_command(store_->conn(), c->id);
  EXPECT_EQ(done->status, "SUCCESS");
  EXPECT_EQ(*done->output, "{\"ok\":true}");
  EXPECT_FALSE(done->lease_until_ms);
}

TEST_F(CommandQueueTest, LeaseRenewalAndRecovery) {
  add(kT0);
  auto c = claim("w1", kT0, 1000);
  EXPECT_TRUE(expired_leases(store_->conn(), kT0 + 500).empty());
  EXPECT_TRUE(store_->write([&](Conn& x) { return renew_lease(x, c->id, "w1", kT0 + 5000); }));
  EXPECT_TRUE(expired_leases(store_->conn(), kT0 + 2000).empty());
  ASSERT_EQ(expired_leases(store_->conn(), kT0 + 6000).size(), 1u);
  EXPECT_TRUE(store_->write([&](Conn& x) { return requeue_expired(x, c->id, kT0 + 6000); }));
  auto again = claim("w2", kT0 + 6000);
  EXPECT_EQ(again->id, c->id);
  EXPECT_EQ(again->attempts, 2);
  // The old holder can no longer finish it; a failed recovery leaves ERROR with the reason.
  EXPECT_FALSE(store_->write([&](Conn& x) {
    return finish_command(x, c->id, "w1", "SUCCESS", "{}", std::nullopt, kT0 + 6001);
  }));
  EXPECT_TRUE(store_->write([&](Conn& x) { return fail_expired(x, c->id, "gone", kT0 + 99999); }));
  auto failed = get_command(store_->conn(), c->id);
  EXPECT_EQ(failed->status, "ERROR");
  EXPECT_EQ(*failed->error_message, "gone");
}

TEST_F(CommandQueueTest, CancelOnlyWhilePending) {
  auto a = add(kT0);
  auto b = add(kT0 + 1);
  EXPECT_EQ(store_->write([&](Conn& c) { return cancel_command(c, a.id, kT0 + 2); }),
            CancelResult::Cancelled);
  EXPECT_EQ(store_->write([&](Conn& c) { return cancel_command(c, a.id, kT0 + 2); }),
            CancelResult::NotPending);
  claim("w1", kT0 + 3);
  EXPECT_EQ(store_->write([&](Conn& c) { return cancel_command(c, b.id, kT0 + 4); }),
            CancelResult::NotPending);
  EXPECT_EQ(store_->write([&](Conn& c) {
    return cancel_command(c, "00000000-0000-4000-8000-000000000000", kT0);
  }),
            CancelResult::NotFound);
}

TEST_F(CommandQueueTest, ListFiltersPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) add(kT0 + i * 1000, i % 2 ? "HEALTH_CHECK" : "FLUSH_TENANT_CACHE");
  int64_t total = 0;
  CommandFilter f;
  f.limit = 2;
  auto page = list_commands(store_->conn(), f, total);
  EXPECT_EQ(total, 5);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0].created_at, page[1].created_at);
  EXPECT_EQ(*page[0].tenant_name, "Acme");
  f.command_type = "HEALTH_CHECK";
  f.limit = 50;
  EXPECT_EQ(list_commands(store_->conn(), f, total).size(), 2u);
  EXPECT_EQ(total, 2);
  f.command_type.reset();
  f.status = "RUNNING";
  list_commands(store_->conn(), f, total);
  EXPECT_EQ(total, 0);
}

TEST_F(CommandQueueTest, RetentionDeletesOnlyOldFinishedCommands) {
  auto old_done = add(kT0);
  auto old_pending = add(kT0 + 1);
  auto recent = add(kT0 + 100 * 86400000LL);
  store_->write([&](Conn& c) { cancel_command(c, old_done.id, kT0 + 2); });
  store_->write([&](Conn& c) { cancel_command(c, recent.id, kT0 + 2); });
  EXPECT_EQ(
      store_->write([&](Conn& c) { return delete_commands_before(c, kT0 + 90 * 86400000LL); }), 1);
  EXPECT_FALSE(get_command(store_->conn(), old_done.id));
  EXPECT_TRUE(get_command(store_->conn(), old_pending.id));
  EXPECT_TRUE(get_command(store_->conn(), recent.id));
}

TEST_F(CommandQueueTest, IdempotencyKeyLifecycle) {
  auto claim_key = [&](const std::string& hash, int64_t now) {
    return store_->write([&](Conn& c) { return claim_idempotency_key(c, "u1", "k", hash, now); });
  };
  EXPECT_EQ(claim_key("h1", kT0).state, KeyClaim::Claimed);
  EXPECT_EQ(claim_key("h1", kT0 + 1).state, KeyClaim::InFlight);
  EXPECT_EQ(claim_key("h2", kT0 + 1).state, KeyClaim::Mismatch);
  store_->write([&](Conn& c) { complete_idempotency_key(c, "u1", "k", 202, "{\"x\":1}"); });
  auto r = claim_key("h1", kT0 + 2);
  EXPECT_EQ(r.state, KeyClaim::Replay);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "{\"x\":1}");
  // Another user's key of the same name is independent; a released key can be reused.
  EXPECT_EQ(
      store_->write([&](Conn& c) { return claim_idempotency_key(c, "u2", "k", "h9", kT0); }).state,
      KeyClaim::Claimed);
  store_->write([&](Conn& c) { release_idempotency_key(c, "u2", "k"); });
  EXPECT_EQ(
      store_->write([&](Conn& c) { return claim_idempotency_key(c, "u2", "k", "h8", kT0); }).state,
      KeyClaim::Claimed);
  // A claim abandoned in flight (crashed request) is taken over once stale.
  EXPECT_EQ(
      store_
          ->write([&](Conn& c) { return claim_idempotency_key(c, "u2", "k", "h7", kT0 + 120000); })
          .state,
      KeyClaim::Claimed);
  EXPECT_EQ(store_->write([&](Conn& c) { return delete_idempotency_keys_before(c, kT0 + 60000); }),
            1);
}

// A command list joins each command's creator on CAST(users.id AS TEXT) (created_by is
// free text): migration 25's expression index serves it, instead of reading every user
// for each list (the same join as store/commands.cpp's list query).
TEST_F(CommandQueueTest, CreatorsAreFoundThroughTheirIndex) {
  std::string plan;
  for (auto& r : store_->conn().query(
           "EXPLAIN QUERY PLAN SELECT c.id, u.email FROM operational_commands c LEFT JOIN tenants "
           "t "
           "ON t.id = c.tenant_id LEFT JOIN users u ON CAST(u.id AS TEXT) = CAST(c.created_by AS "
           "TEXT) WHERE c.tenant_id = ? ORDER BY c.created_at DESC LIMIT 25",
           {tenant_}))
    plan += r.str(3) + "\n";
  EXPECT_NE(plan.find("users_id_text"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN u"), std::string::npos) << plan;
}

}  // namespace
}  // namespace painel::store
