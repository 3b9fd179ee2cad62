#include "auth/token_cache.hpp"

#include <algorithm>
#include <cstring>

namespace painel::auth {

std::size_t VerifiedTokenCache::PrefixHash::operator()(std::string_view sha256) const {
  std::size_t h = 0;
  std::memcpy(&h, sha256.data(), std::min(sizeof h, sha256.size()));
  return h;
}

VerifiedTokenCache::VerifiedTokenCache(std::size_t capacity)
    : shard_capacity_(capacity == 0 ? 0 : std::max<std::size_t>(1, capacity / kShards)) {}

VerifiedTokenCache::Shard& VerifiedTokenCache::shard_for(std::string_view token_hash) const {
  // A byte the map's hash (the first 8) does not use, so shards stay evenly loaded.
  const auto byte = token_hash.size() > 8 ? static_cast<unsigned char>(token_hash[8]) : 0;
  return shards_[byte % kShards];
}

std::shared_ptr<const Claims> VerifiedTokenCache::find(std::string_view token_hash,
                                                       uint64_t generation) const {
  Shard& shard = shard_for(token_hash);
  std::lock_guard lock(shard.mu);
  auto it = shard.map.find(token_hash);
  if (it == shard.map.end() || it->second.generation != generation) return nullptr;
  return it->second.claims;
}

void VerifiedTokenCache::insert(std::string_view token_hash, Claims claims, uint64_t generation,
                                int64_t expired_before) {
  if (shard_capacity_ == 0) return;
  auto value = std::make_shared<const Claims>(std::move(claims));  // allocate unlocked
  std::string key(token_hash);
  Shard& shard = shard_for(token_hash);
  std::lock_guard lock(shard.mu);
  // Checked under the shard lock: reset() bumps the generation before it takes the shard
  // locks to clear them, so a stale insert either sees the new generation here or is
  // cleared right after.
  if (generation != generation_.load(std::memory_order_acquire)) return;
  if (shard.map.size() >= shard_capacity_ && !shard.map.contains(key)) {
    // now ~ expired_before; sweeping is O(shard) so it is rate-limited.
    if (expired_before >= shard.next_sweep_s) {
      shard.next_sweep_s = expired_before + 1;
      std::erase_if(shard.map,
                    [&](const auto& kv) { return kv.second.claims->exp < expired_before; });
    }
    if (shard.map.size() >= shard_capacity_) evict_one(shard, PrefixHash{}(key));
  }
  shard.map.insert_or_assign(std::move(key), Entry{std::move(value), generation});
}

void VerifiedTokenCache::evict_one(Shard& shard, std::size_t seed) {
  // Start at a bucket picked by the (uniform) new key rather than at begin(): libstdc++'s
  // begin() tends to be a recently inserted, i.e. likely hot, entry.
  const std::size_t buckets = shard.map.bucket_count();
  for (std::size_t i = 0; i < buckets; ++i) {
    const std::size_t b = (seed + i) % buckets;
    if (shard.map.bucket_size(b) > 0) {
      const std::string victim = shard.map.begin(b)->first;
      shard.map.erase(victim);
      return;
    }
  }
}

void VerifiedTokenCache::reset(uint64_t generation) {
  generation_.store(generation, std::memory_order_release);
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    shard.map.clear();
  }
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.map.size();
  }
  return n;
}

}  // namespace painel::auth
