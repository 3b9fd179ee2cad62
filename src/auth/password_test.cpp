#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace painel::auth {
namespace {

TEST(PasswordTest, HashVerifiesOnlyTheRightPassword) {
  const std::string hash = hash_password("correct horse", PasswordCost::Fast);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse"));
  EXPECT_FALSE(verify_password(hash, "correct horsE"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_FALSE(verify_password(hash, std::string_view("correct horse\0", 14)));
}

TEST(PasswordTest, SaltsEveryHash) {
  EXPECT_NE(hash_password("pw", PasswordCost::Fast), hash_password("pw", PasswordCost::Fast));
}

TEST(PasswordTest, InteractiveCostVerifies) {
  const std::string hash = hash_password("pw");
  EXPECT_TRUE(verify_password(hash, "pw"));
  EXPECT_FALSE(password_needs_rehash(hash));
  EXPECT_TRUE(password_needs_rehash(hash_password("pw", PasswordCost::Fast)));
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  const std::string good = hash_password("pw", PasswordCost::Fast);
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("pw", "pw"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$", "pw"));
  EXPECT_FALSE(verify_password("$2b$10$abcdefghijklmnopqrstuu", "pw"));  // bcrypt
  EXPECT_FALSE(verify_password(good.substr(0, good.size() - 4), "pw"));
  EXPECT_FALSE(verify_password(good + std::string(200, 'A'), "pw"));  // over STRBYTES
  std::string with_nul = good;
  with_nul[with_nul.size() - 3] = '\0';
  EXPECT_FALSE(verify_password(with_nul, "pw"));
  EXPECT_TRUE(password_needs_rehash("garbage"));
}

TEST(PasswordTest, DummyVerifyCostsAboutAsMuchAsARealOne) {
  burn_dummy_verify();  // first call also builds the dummy hash
  const std::string hash = hash_password("pw");
  using Clock = std::chrono::steady_clock;
  // Best of three damps scheduling noise from other work on shared cores.
  auto fastest = [](auto&& fn) {
    Clock::duration best = Clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto t0 = Clock::now();
      fn();
      best = std::min(best, Clock::now() - t0);
    }
    return best;
  };
  const auto real = fastest([&] { (void)verify_password(hash, "wrong"); });
  const auto dummy = fastest([] { burn_dummy_verify(); });
  // Loose bound (shared CI cores): same order of magnitude, not a precise timing oracle.
  EXPECT_GT(dummy * 4, real);
  EXPECT_GT(real * 4, dummy);
}

}  // namespace
}  // namespace painel::auth
