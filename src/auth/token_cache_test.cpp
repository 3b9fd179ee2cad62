#include "auth/token_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_test_util.hpp"

namespace painel::auth {
namespace {

using namespace painel::auth::testing;

TEST(VerifierCacheTest, HitStillRejectsAnExpiredToken) {
  const SigningKey key = SigningKey::generate();
  JwtVerifier verifier(test_config(), {PublicKey::from_signing_key(key)});
  Claims c = access_claims();
  c.exp = kNow + 60;
  const std::string token = encode_jwt(c, key);
  ASSERT_TRUE(verifier.verify(token, "access", kNow).ok());
  ASSERT_TRUE(verifier.verify(token, "access", kNow + 1).ok());
  EXPECT_EQ(verifier.stats().cache_hits, 1u);
  EXPECT_EQ(verifier.verify(token, "access", kNow + 91).error, VerifyError::Expired);
  EXPECT_EQ(verifier.stats().cache_hits, 2u);
}

TEST(VerifierCacheTest, HitStillChecksTokenUse) {
  const SigningKey key = SigningKey::generate();
  JwtVerifier verifier(test_config(), {PublicKey::from_signing_key(key)});
  const std::string token = encode_jwt(access_claims(), key);
  ASSERT_TRUE(verifier.verify(token, "", kNow).ok());
  EXPECT_EQ(verifier.verify(token, "id", kNow).error, VerifyError::WrongTokenUse);
  EXPECT_EQ(verifier.stats().cache_hits, 1u);
}

TEST(VerifierCacheTest, DisabledCacheVerifiesEveryTime) {
  const SigningKey key = SigningKey::generate();
  JwtVerifier verifier(test_config(/*use_cache=*/false), {PublicKey::from_signing_key(key)});
  const std::string token = encode_jwt(access_claims(), key);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(verifier.verify(token, "access", kNow).ok());
  EXPECT_EQ(verifier.stats().cache_hits, 0u);
  EXPECT_EQ(verifier.stats().cache_misses, 0u);
}

TEST(VerifierCacheTest, FailedVerificationIsNotCached) {
  const SigningKey key = SigningKey::generate();
  JwtVerifier verifier(test_config(), {});
  const std::string token = encode_jwt(access_claims(), key);
  EXPECT_EQ(verifier.verify(token, "access", kNow).error, VerifyError::UnknownKid);
  EXPECT_EQ(verifier.verify(token, "access", kNow).error, VerifyError::UnknownKid);
  EXPECT_EQ(verifier.stats().cache_hits, 0u);
}

TEST(KeyRotationTest, OldKeyVerifiesWhileKeptAndNotAfterRemoval) {
  const SigningKey old_key = SigningKey::generate();
  const SigningKey new_key = SigningKey::generate();
  for (bool use_cache : {true, false}) {
    JwtVerifier verifier(test_config(use_cache), {PublicKey::from_signing_key(old_key)});
    const std::string old_token = encode_jwt(access_claims(), old_key);
    const std::string new_token = encode_jwt(access_claims(), new_key);
    ASSERT_TRUE(verifier.verify(old_token, "access", kNow).ok());  // now cached, if on
    EXPECT_EQ(verifier.verify(new_token, "access", kNow).error, VerifyError::UnknownKid);

    verifier.set_keys({PublicKey::from_signing_key(new_key), PublicKey::from_signing_key(old_key)});
    EXPECT_TRUE(verifier.verify(old_token, "access", kNow).ok());
    EXPECT_TRUE(verifier.verify(new_token, "access", kNow).ok());

    verifier.set_keys({PublicKey::from_signing_key(new_key)});
    EXPECT_EQ(verifier.verify(old_token, "access", kNow).error, VerifyError::UnknownKid)
        << "use_cache=" << use_cache;
    EXPECT_TRUE(verifier.verify(new_token, "access", kNow).ok());
  }
}

TEST(KeyRotationTest, ConcurrentVerifyAndRotateNeverAcceptsARemovedKey) {
  const SigningKey kept = SigningKey::generate();
  const SigningKey removed = SigningKey::generate();
  JwtVerifier verifier(test_config(), {PublicKey::from_signing_key(kept)});
  const std::string kept_token = encode_jwt(access_claims(), kept);
  const std::string removed_token = encode_jwt(access_claims(), removed);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if (!verifier.verify(kept_token, "access", kNow).ok()) ++failures;
        (void)verifier.verify(removed_token, "access", kNow);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    verifier.set_keys({PublicKey::from_signing_key(kept), PublicKey::from_signing_key(removed)});
    verifier.set_keys({PublicKey::from_signing_key(kept)});
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(verifier.verify(removed_token, "access", kNow).error, VerifyError::UnknownKid);
}

Claims claims_expiring_at(int64_t exp) {
  Claims c;
  c.exp = exp;
  return c;
}

TEST(VerifiedTokenCacheTest, StaysWithinCapacity) {
  VerifiedTokenCache cache(64);
  cache.reset(1);
  for (int i = 0; i < 1000; ++i) {
    cache.insert(sha256_raw(std::to_string(i)), claims_expiring_at(kNow + 60), 1, kNow);
  }
  EXPECT_LE(cache.size(), 64u);
  EXPECT_GT(cache.size(), 32u);
  EXPECT_NE(cache.find(sha256_raw("999"), 1), nullptr);  // the newest entry survives
}

// Hashes that land in the same shard as `first` (the shard is picked by byte 8).
std::vector<std::string> same_shard_hashes(const std::string& first, int count) {
  std::vector<std::string> out;
  for (int i = 0; static_cast<int>(out.size()) < count; ++i) {
    std::string h = sha256_raw("candidate-" + std::to_string(i));
    if (static_cast<unsigned char>(h[8]) % 16 == static_cast<unsigned char>(first[8]) % 16)
      out.push_back(std::move(h));
  }
  return out;
}

TEST(VerifiedTokenCacheTest, SweepsExpiredEntriesBeforeEvictingLiveOnes) {
  VerifiedTokenCache cache(32);  // two entries per shard
  cache.reset(1);
  const std::string dead = sha256_raw("dead");
  const std::vector<std::string> live = same_shard_hashes(dead, 2);
  cache.insert(dead, claims_expiring_at(kNow - 100), 1, kNow - 200);
  cache.insert(live[0], claims_expiring_at(kNow + 100), 1, kNow - 200);
  cache.insert(live[1], claims_expiring_at(kNow + 100), 1, kNow);  // shard full: sweep
  EXPECT_EQ(cache.find(dead, 1), nullptr);
  EXPECT_NE(cache.find(live[0], 1), nullptr);
  EXPECT_NE(cache.find(live[1], 1), nullptr);
}

TEST(VerifiedTokenCacheTest, GenerationGuardsFindAndInsert) {
  VerifiedTokenCache cache(100);
  cache.reset(1);
  const std::string h = sha256_raw("token");
  cache.insert(h, claims_expiring_at(kNow), 1, kNow);
  EXPECT_NE(cache.find(h, 1), nullptr);
  EXPECT_EQ(cache.find(h, 2), nullptr);
  cache.reset(2);
  EXPECT_EQ(cache.size(), 0u);
  cache.insert(h, claims_expiring_at(kNow), 1, kNow);  // verified under the old keys
  EXPECT_EQ(cache.size(), 0u);
}

TEST(VerifiedTokenCacheTest, ZeroCapacityStoresNothing) {
  VerifiedTokenCache cache(0);
  cache.insert(sha256_raw("t"), claims_expiring_at(kNow), 0, kNow);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace painel::auth
