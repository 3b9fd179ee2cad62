#include "auth/revocations.hpp"

#include <gtest/gtest.h>

#include "store/sessions.hpp"

namespace painel::auth {
namespace {

TEST(RevocationSet, UserEpochKillsOlderTokensOnly) {
  RevocationSet s;
  s.add("user:u1", 1000, 5);
  EXPECT_TRUE(s.revoked("u1", "", 999));
  EXPECT_TRUE(s.revoked("u1", "f1", 999));
  EXPECT_FALSE(s.revoked("u1", "f1", 1000));  // issued at or after the epoch
  EXPECT_FALSE(s.revoked("u2", "", 10));
}

TEST(RevocationSet, SessionRevocationKillsEveryTokenOfTheSession) {
  RevocationSet s;
  s.add("session:f1", store::kRevokedForever, 5);
  EXPECT_TRUE(s.revoked("u1", "f1", 4'000'000'000));
  EXPECT_FALSE(s.revoked("u1", "f2", 1));
  EXPECT_FALSE(s.revoked("u1", "", 1));
}

TEST(RevocationSet, LatestEpochWinsAndPruneForgets) {
  RevocationSet s;
  s.add("user:u1", 2000, 10);
  s.add("user:u1", 1000, 20);  // an older epoch read again by a poll
  EXPECT_TRUE(s.revoked("u1", "", 1500));
  s.add("bogus", 1, 1);
  EXPECT_EQ(s.size(), 1u);
  s.prune(21);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.revoked("u1", "", 1500));
}

}  // namespace
}  // namespace painel::auth
