#pragma once
// JwtVerifier's memory of tokens whose signature, issuer and audience were verified:
// SHA-256(token) -> claims. Internal to the auth module.
//
// Verifying an Ed25519 or RSA signature costs tens of microseconds; a client sends the
// same access token on every request for its lifetime, so remembering the outcome makes
// the common case a hash and a map lookup. Entries are tagged with the key-set
// generation they were verified under, so a key rotation can never resurrect a token
// signed by a removed key, even when a verification races with set_keys.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/jwt.hpp"

namespace painel::auth {

class VerifiedTokenCache {
 public:
  // Holds at most about `capacity` entries (split evenly over the shards).
  explicit VerifiedTokenCache(std::size_t capacity);

  // token_hash is the 32-byte SHA-256 of the token. Entries of another generation miss.
  std::shared_ptr<const Claims> find(std::string_view token_hash, uint64_t generation) const;

  // Dropped if `generation` is no longer current. When the shard is full, entries with
  // exp < expired_before are swept first (at most once a second), then arbitrary ones.
  void insert(std::string_view token_hash, Claims claims, uint64_t generation,
              int64_t expired_before);

  // Makes `generation` current and forgets every entry.
  void reset(uint64_t generation);

  std::size_t size() const;

 private:
  struct PrefixHash {
    using is_transparent = void;  // lets find() look up a string_view without a copy
    std::size_t operator()(std::string_view sha256) const;  // already uniform
  };
  struct Entry {
    std::shared_ptr<const Claims> claims;
    uint64_t generation;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry, PrefixHash, std::equal_to<>> map;
    int64_t next_sweep_s = 0;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_for(std::string_view token_hash) const;
  static void evict_one(Shard& shard, std::size_t seed);

  const std::size_t shard_capacity_;
  std::atomic<uint64_t> generation_{0};
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace painel::auth
