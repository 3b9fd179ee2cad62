#include "redis/cache.hpp"

#include <charconv>
#include <utility>

#include "redis/client.hpp"

namespace painel::redis {
namespace {

constexpr const char* kGenAll = "painel:gen:all";
constexpr size_t kMaxPendingTenants = 10000;  // beyond this, replay as invalidate_all

std::string gen_key(std::string_view tag) { return "painel:gen:t:" + std::string(tag); }
std::string entry_key(std::string_view key) { return "painel:c:" + std::string(key); }

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// MGET reply → both generations; a missing counter is generation 0.
std::optional<std::pair<int64_t, int64_t>> parse_gens(const RedisValue& v) {
  if (v.type != RedisValue::Type::Array || v.elements.size() != 2) return std::nullopt;
  int64_t g[2] = {0, 0};
  for (size_t i = 0; i < 2; ++i) {
    if (v.elements[i].is_nil()) continue;
    auto n = parse_int(v.elements[i].str);
    if (!n) return std::nullopt;
    g[i] = *n;
  }
  return std::pair{g[0], g[1]};
}

bool all_ok(const std::optional<std::vector<RedisValue>>& r) {
  if (!r) return false;
  for (auto& v : *r)
    if (v.is_error()) return false;
  return true;
}

// The generations a miss read on this thread, for the put() that follows it in
// cached_json (same thread, same key): the answer is stored under the generations that
// were current before it was rendered.
struct MissTicket {
  const RedisCache* cache = nullptr;
  std::string key;
  int64_t gen_all = 0, gen_tag = 0;
};
thread_local MissTicket t_ticket;

}  // namespace

std::string encode_stored(const StoredAnswer& s) {
  std::string v = std::to_string(s.gen_all);
  v.append(" ").append(std::to_string(s.gen_tag)).append(" ").append(s.answer.etag).append("\n");
  v.append(s.answer.body);
  return v;
}

std::optional<StoredAnswer> decode_stored(std::string_view v) {
  auto nl = v.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  std::string_view head = v.substr(0, nl);
  auto s1 = head.find(' ');
  auto s2 = s1 == std::string_view::npos ? s1 : head.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return std::nullopt;
  auto ga = parse_int(head.substr(0, s1));
  auto gt = parse_int(head.substr(s1 + 1, s2 - s1 - 1));
  if (!ga || !gt) return std::nullopt;
  StoredAnswer s;
  s.gen_all = *ga;
  s.gen_tag = *gt;
  s.answer.etag = std::string(head.substr(s2 + 1));
  s.answer.body = std::string(v.substr(nl + 1));
  return s;
}

std::optional<cache::CachedAnswer> RedisCache::get(const std::string& key, int64_t) {
  t_ticket.cache = nullptr;
  if (!redis_.up()) return std::nullopt;
  if (pending_.load(std::memory_order_acquire) && !replay_pending()) return std::nullopt;
  auto r =
      redis_.pipeline({{"MGET", kGenAll, gen_key(cache::cache_key_scope(key))}, {"GET", entry_key(key)}});
  if (!r) return std::nullopt;
  auto gens = parse_gens((*r)[0]);
  if (!gens) {
    redis_.note_error("reply");
    return std::nullopt;
  }
  auto& e = (*r)[1];
  if (e.type == RedisValue::Type::String) {
    auto s = decode_stored(e.str);
    if (s && s->gen_all == gens->first && s->gen_tag == gens->second) return std::move(s->answer);
  }
  t_ticket = MissTicket{this, key, gens->first, gens->second};
  return std::nullopt;
}

void RedisCache::put(const std::string& key, const std::string& tenant_tag, cache::CachedAnswer a,
                     int64_t ttl_ms, int64_t) {
  MissTicket miss = std::exchange(t_ticket, MissTicket{});
  if (ttl_ms <= 0 || !redis_.up() || tenant_tag != cache::cache_key_scope(key)) return;
  if (pending_.load(std::memory_order_acquire) && !replay_pending()) return;
  StoredAnswer s{miss.gen_all, miss.gen_tag, std::move(a)};
  if (miss.cache != this ||
      miss.key != key) {  // a put without a preceding miss: read the generations now
    auto r = redis_.command({"MGET", kGenAll, gen_key(tenant_tag)});
    auto gens = r ? parse_gens(*r) : std::nullopt;
    if (!gens) return;
    s.gen_all = gens->first;
    s.gen_tag = gens->second;
  }
  auto r = redis_.command({"SET", entry_key(key), encode_stored(s), "PX", std::to_string(ttl_ms)});
  if (r && r->is_error()) redis_.note_error("reply");
}

void RedisCache::invalidate_tenant(const std::string& tenant_id) {
  if (redis_.up() && (!pending_.load(std::memory_order_acquire) || replay_pending()) &&
      all_ok(redis_.pipeline({{"INCR", gen_key(tenant_id)}, {"INCR", gen_key("*")}})))
    return;
  remember(&tenant_id);
}

void RedisCache::invalidate_all() {
  if (redis_.up() && (!pending_.load(std::memory_order_acquire) || replay_pending()) &&
      all_ok(redis_.pipeline({{"INCR", kGenAll}})))
    return;
  remember(nullptr);
}

void RedisCache::remember(const std::string* tenant) {
  std::lock_guard lk(mu_);
  if (!tenant || pending_tenants_.size() >= kMaxPendingTenants) {
    pending_all_ = true;
    pending_tenants_.clear();
  } else if (!pending_all_) {
    pending_tenants_.insert(*tenant);
  }
  pending_.store(true, std::memory_order_release);
}

bool RedisCache::replay_pending() {
  // One replay at a time: a second caller must not see an empty set and read the cache
  // while the first one's increments are still on the wire.
  std::lock_guard replaying(replay_mu_);
  std::set<std::string> tenants;
  bool all = false;
  {
    std::lock_guard lk(mu_);
    tenants.swap(pending_tenants_);
    std::swap(all, pending_all_);
  }
  std::vector<RedisCommand> cmds;
  if (all)
    cmds.push_back({"INCR", kGenAll});  // supersedes every tenant's
  else {
    for (auto& t : tenants) cmds.push_back({"INCR", gen_key(t)});
    if (!tenants.empty()) cmds.push_back({"INCR", gen_key("*")});
  }
  bool ok = cmds.empty() || all_ok(redis_.pipeline(cmds));
  std::lock_guard lk(mu_);
  if (!ok) {  // keep them for the next attempt
    pending_all_ = pending_all_ || all;
    if (pending_all_)
      pending_tenants_.clear();
    else
      pending_tenants_.merge(tenants);
  }
  if (!pending_all_ && pending_tenants_.empty()) pending_.store(false, std::memory_order_release);
  return ok;
}

}  // namespace painel::redis
