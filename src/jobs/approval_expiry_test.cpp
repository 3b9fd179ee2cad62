// Four-eyes approval (serve --require-approval): the worker cancels AWAITING_APPROVAL
// commands not decided within 24 h, driven by a manual clock; decided ones are left alone.
#include <gtest/gtest.h>

#include "jobs/command_worker.hpp"
#include "jobs/job_test_support.hpp"
#include "obs/metrics.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"
#include "store/tenants.hpp"

namespace painel::jobs {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kHour = 3600000;

class ApprovalExpiry : public testing::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    tenant_ = store_->write([](store::Conn& c) { return store::create_tenant(c, {"Acme"}, kT0); });
    worker_ = std::make_unique<CommandWorker>(*store_, cache_, metrics_, clock_, signal_, nullptr,
                                              CommandWorkerOptions{.worker_id = "w-test"});
  }
  std::string awaiting(int64_t at) {
    return store_->write([&](store::Conn& c) {
      return store::create_command(c,
                                   {"SUSPEND_TENANT", tenant_, "{}", "admin-1", "INTERNAL_ADMIN",
                                    "AWAITING_APPROVAL"},
                                   at)
          .id;
    });
  }
  store::Command get(const std::string& id) { return *store::get_command(store_->conn(), id); }

  testing::ManualClock clock_{kT0};
  testing::RecordingCache cache_;
  obs::Metrics metrics_;
  CommandSignal signal_;
  std::unique_ptr<CommandWorker> worker_;
  std::string tenant_;
};

TEST_F(ApprovalExpiry, UndecidedCommandsAreCancelledAfter24Hours) {
  auto old = awaiting(kT0);
  auto young = awaiting(kT0 + kHour);
  clock_.set(kT0 + 24 * kHour);  // `old` is exactly 24 h old: not yet
  EXPECT_EQ(worker_->expire_approvals(), 0);
  clock_.advance(1);
  EXPECT_EQ(worker_->expire_approvals(), 1);
  auto c = get(old);
  EXPECT_EQ(c.status, "CANCELLED");
  EXPECT_EQ(c.decision_reason, "approval expired");
  EXPECT_TRUE(c.completed_at);
  EXPECT_FALSE(c.approved_by);
  EXPECT_EQ(get(young).status, "AWAITING_APPROVAL");
  EXPECT_EQ(cache_.tenants(), std::vector<std::string>{tenant_});
  EXPECT_EQ(metrics_.counter("painel_commands_approval_total", "decision=\"expired\""), 1u);
  store::AuditFilter f;
  f.action = "command.expire";
  int64_t total = 0;
  auto rows = store::audit_list(store_->conn(), f, total);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(rows[0].target, old);
  EXPECT_EQ(rows[0].actor, "system");
  EXPECT_NE(rows[0].metadata.find("approval expired"), std::string::npos);
}

TEST_F(ApprovalExpiry, ApprovedOrRejectedCommandsNeverExpireAndTheWorkerRunsTheSweep) {
  auto approved = awaiting(kT0);
  auto rejected = awaiting(kT0);
  auto left = awaiting(kT0);
  store_->write([&](store::Conn& c) {
    EXPECT_TRUE(store::approve_command(c, approved, "admin-2", kT0 + kHour));
    EXPECT_TRUE(store::reject_command(c, rejected, "not today", kT0 + kHour));
    EXPECT_FALSE(store::approve_command(c, rejected, "admin-2", kT0 + kHour));  // decided
  });
  EXPECT_EQ(get(approved).status, "PENDING");
  EXPECT_EQ(get(approved).approved_by, "admin-2");
  EXPECT_EQ(get(rejected).decision_reason, "not today");
  // Left PENDING by the approval, the worker would run `approved`: take it out of the way.
  store_->write([&](store::Conn& c) { store::cancel_command(c, approved, kT0 + kHour); });
  clock_.set(kT0 + 25 * kHour);
  worker_->run_once();  // the sweep is part of the worker's pass
  EXPECT_EQ(get(left).status, "CANCELLED");
  EXPECT_EQ(get(left).decision_reason, "approval expired");
  EXPECT_EQ(get(rejected).decision_reason, "not today");
  EXPECT_FALSE(get(approved).decision_reason);
}

TEST_F(ApprovalExpiry, AwaitingCommandsAreNeverClaimed) {
  awaiting(kT0);
  EXPECT_FALSE(store::any_pending_command(store_->conn()));
  EXPECT_EQ(worker_->run_once(), 0);
}

}  // namespace
}  // namespace painel::jobs
