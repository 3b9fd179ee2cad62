// The IP retention job: with its clock moved past the setting, it removes the IPs of
// sessions and beside audit rows older than retention_days (and only those); the chain
// still verifies; a second instance holding the lease does nothing.
#include "jobs/privacy_retention_job.hpp"

#include <gtest/gtest.h>

#include "jobs/job_test_support.hpp"
#include "store/audit.hpp"
#include "store/leases.hpp"
#include "store/sessions.hpp"
#include "store/users.hpp"

namespace painel::jobs {
namespace {

using testing::ManualClock;
using testing::TempStoreTest;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400000;

class PrivacyRetentionJobTest : public TempStoreTest {};

TEST_F(PrivacyRetentionJobTest, RemovesOnlyIpsOlderThanTheSetting) {
  auto& s = *store_;
  s.set_audit_key(std::string(32, 'k'));
  std::string uid;
  s.write([&](store::Conn& c) {
    uid = store::create_user(
        c, {"r@x.com", "R", std::nullopt, std::nullopt, {"INTERNAL_ADMIN"}, std::nullopt}, kT0);
    store::audit_append(c,
                        {uid, "INTERNAL_ADMIN", "a", std::nullopt, uid, std::nullopt,
                         std::string("10.0.0.1"), "{}"},
                        kT0);
    store::audit_append(c,
                        {uid, "INTERNAL_ADMIN", "b", std::nullopt, uid, std::nullopt,
                         std::string("10.0.0.2"), "{}"},
                        kT0 + 20 * kDay);
    store::insert_session(
        c, {"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000f1", uid,
            "h1", kT0, kT0 + kDay, "10.0.0.1", "ua"});
  });
  ManualClock clock(kT0 + 25 * kDay);
  obs::Metrics metrics;
  PrivacyRetentionJob job(s, metrics, clock, 30, 3600000);
  auto r = job.tick();  // nothing is 30 days old yet
  EXPECT_EQ(r.audit + r.sessions, 0);
  clock.set(kT0 + 31 * kDay);
  r = job.tick();
  EXPECT_EQ(r.audit, 1);
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(s.conn().query("SELECT ip FROM audit_personal")[0].str(0), "10.0.0.2");
  EXPECT_TRUE(store::audit_verify(s.conn()).ok);
  // Another instance holds the lease: this one does nothing.
  clock.set(kT0 + 60 * kDay);
  s.write([&](store::Conn& c) {
    return store::acquire_lease(c, "privacy_retention", "other", clock.now_ms(), 60000);
  });
  r = job.tick();
  EXPECT_EQ(r.audit + r.sessions, 0);
  EXPECT_EQ(s.conn().query("SELECT count(*) FROM audit_personal")[0].i64(0), 1);
}

}  // namespace
}  // namespace painel::jobs
