#include "cache/response_cache.hpp"

#include <functional>

namespace painel::cache {

namespace {
// What the last miss on this thread saw, for the put() that follows it (same thread,
// same key: CachedReads::json).
struct MissTicket {
  const LocalCache* cache = nullptr;
  std::string key;
  uint64_t epoch = 0;
};
thread_local MissTicket t_ticket;
}  // namespace

std::optional<CachedAnswer> LocalCache::get(const std::string& key, int64_t now_ms) {
  auto& s = shards_[std::hash<std::string>{}(key) % kShards];
  {
    std::lock_guard lk(s.mu);
    auto it = s.map.find(key);
    if (it != s.map.end()) {
      if (it->second.expires_ms > now_ms) return it->second.answer;
      s.map.erase(it);
    }
  }
  t_ticket.cache = this;
  t_ticket.key = key;
  t_ticket.epoch = epoch_.load(std::memory_order_acquire);
  return std::nullopt;
}

void LocalCache::put(const std::string& key, const std::string& tag, CachedAnswer a, int64_t ttl_ms,
                     int64_t now_ms) {
  bool ticketed = t_ticket.cache == this && t_ticket.key == key;
  uint64_t seen = t_ticket.epoch;
  t_ticket.cache = nullptr;
  auto& s = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lk(s.mu);
  // Checked under the shard lock: an invalidation bumps the epoch before it takes this
  // lock to erase, so either this put sees the new epoch or its entry is erased after it.
  if (ticketed && epoch_.load(std::memory_order_acquire) != seen) return;
  if (s.map.size() >= max_per_shard_) {
    for (auto it = s.map.begin(); it != s.map.end();)  // drop expired first, then everything
      it = it->second.expires_ms <= now_ms ? s.map.erase(it) : std::next(it);
    if (s.map.size() >= max_per_shard_) s.map.clear();
  }
  s.map[key] = Entry{std::move(a), tag, now_ms + ttl_ms};
}

void LocalCache::invalidate_tenant(const std::string& tenant_id) {
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    for (auto it = s.map.begin(); it != s.map.end();)
      it = (it->second.tag == tenant_id || it->second.tag == "*") ? s.map.erase(it) : std::next(it);
  }
}

void LocalCache::invalidate_all() {
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    s.map.clear();
  }
}

std::string cache_key(std::string_view route, std::string_view scope, std::string_view role_view,
                      std::string normalized_query) {
  std::string k;
  k.reserve(route.size() + scope.size() + role_view.size() + normalized_query.size() + 4);
  k.append(route).append("|").append(scope).append("|").append(role_view).append("|").append(
      normalized_query);
  return k;
}

std::string_view cache_key_scope(std::string_view key) {
  auto a = key.find('|');  // route patterns never contain '|'
  if (a == std::string_view::npos) return {};
  auto b = key.find('|', a + 1);
  return key.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
}

}  // namespace painel::cache
