// store/leases on SQLite, at the instants that decide it (the manual clock's values are
// passed in, as the jobs pass theirs).
#include "store/leases.hpp"

#include <gtest/gtest.h>

#include "jobs/job_test_support.hpp"

namespace painel::jobs {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

class LeaseTest : public testing::TempStoreTest {
 protected:
  bool acquire(const std::string& holder, int64_t now, int64_t ttl = 1000) {
    return store_->write(
        [&](store::Conn& c) { return store::acquire_lease(c, "job", holder, now, ttl); });
  }
  void release(const std::string& holder) {
    store_->write([&](store::Conn& c) { store::release_lease(c, "job", holder); });
  }
  int64_t until() {
    return store_->conn().query("SELECT until_ms FROM job_leases WHERE name = 'job'")[0].i64(0);
  }
};

TEST_F(LeaseTest, OneHolderAtATimeUntilItExpires) {
  EXPECT_TRUE(acquire("a", kT0));
  EXPECT_EQ(until(), kT0 + 1000);
  EXPECT_FALSE(acquire("b", kT0 + 500));
  EXPECT_FALSE(acquire("b", kT0 + 1000)) << "taken over at the very instant it still held";
  EXPECT_EQ(until(), kT0 + 1000) << "a refused acquire moved the expiry";
  EXPECT_TRUE(acquire("b", kT0 + 1001));
  EXPECT_FALSE(acquire("a", kT0 + 1002)) << "the old holder came back over the new one";
}

TEST_F(LeaseTest, TheHolderRenewsItsOwnLease) {
  EXPECT_TRUE(acquire("a", kT0));
  EXPECT_TRUE(acquire("a", kT0 + 900));
  EXPECT_EQ(until(), kT0 + 1900);
  EXPECT_FALSE(acquire("b", kT0 + 1500));
}

TEST_F(LeaseTest, ReleaseFreesItAtOnceButOnlyForItsHolder) {
  EXPECT_TRUE(acquire("a", kT0));
  release("b");  // not b's to release
  EXPECT_FALSE(acquire("b", kT0 + 1));
  release("a");
  EXPECT_EQ(until(), 0);
  EXPECT_TRUE(acquire("b", kT0 + 1));
}

TEST_F(LeaseTest, LeasesOfDifferentNamesAreIndependent) {
  EXPECT_TRUE(acquire("a", kT0));
  EXPECT_TRUE(store_->write(
      [&](store::Conn& c) { return store::acquire_lease(c, "other-job", "b", kT0, 1000); }));
}

}  // namespace
}  // namespace painel::jobs
