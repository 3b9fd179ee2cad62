#include "redis/client.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>

#include "core/blocking.hpp"
#include "obs/metrics.hpp"
#include "redis/info.hpp"

namespace painel::redis {
namespace {

constexpr const char* kErrors = "painel_redis_errors_total";
constexpr const char* kUp = "painel_redis_up";
constexpr const char* kMemoryUsed = "painel_redis_memory_used_bytes";
constexpr const char* kMemoryMax = "painel_redis_memory_max_bytes";
constexpr const char* kCpu = "painel_redis_cpu_seconds_total";

timeval to_timeval(int ms) {
  return timeval{ms / 1000, static_cast<suseconds_t>((ms % 1000) * 1000)};
}

RedisValue convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      v.type = RedisValue::Type::String;
      v.str.assign(r->str, static_cast<size_t>(r->len));
      break;
    case REDIS_REPLY_STATUS:
      v.type = RedisValue::Type::Status;
      v.str.assign(r->str, static_cast<size_t>(r->len));
      break;
    case REDIS_REPLY_ERROR:
      v.type = RedisValue::Type::Error;
      v.str.assign(r->str, static_cast<size_t>(r->len));
      break;
    case REDIS_REPLY_INTEGER:
      v.type = RedisValue::Type::Integer;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      v.type = RedisValue::Type::Array;
      v.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return v;
}

// Writes all commands, then reads one reply per command. false when the connection broke or
// timed out (c->err says why); the context is then unusable.
bool exchange(redisContext* c, const std::vector<RedisCommand>& cmds,
              std::vector<RedisValue>& out) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (auto& cmd : cmds) {
    argv.clear();
    lens.clear();
    for (auto& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK)
      return false;
  }
  out.reserve(cmds.size());
  for (size_t i = 0; i < cmds.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) return false;
    out.push_back(convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return true;
}

std::string context_error(const redisContext* c) {
  return c && c->err ? std::string(c->errstr) : std::string("no reply");
}

}  // namespace

RedisClient::RedisClient(RedisUrl url, RedisOptions opts, obs::Metrics& metrics)
    : url_(std::move(url)), opts_(opts), metrics_(metrics) {
  // hiredis writes with write(2): a peer that went away must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::string why;
  if (redisContext* c = connect(why)) {
    idle_.push_back(Conn{c, epoch_});
    open_ = 1;
    up_.store(true, std::memory_order_release);
    metrics_.set_gauge(kUp, 1);
    spdlog::info("using redis at {} for the response cache and rate limits", url_.describe());
  } else {
    metrics_.set_gauge(kUp, 0);
    metrics_.inc(kErrors, "kind=\"connect\"");
    spdlog::warn(
        "redis at {} is unreachable ({}): cache bypassed and rate limits in-process until it "
        "answers (retrying every {} ms)",
        url_.describe(), why, opts_.probe_interval_ms);
  }
  probe_ = std::thread([this] { probe_loop(); });
}

RedisClient::~RedisClient() {
  {
    std::lock_guard lk(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (probe_.joinable()) probe_.join();
  std::lock_guard lk(mu_);
  for (auto& c : idle_) redisFree(c.ctx);
  idle_.clear();
}

redisContext* RedisClient::connect(std::string& why) const {
  redisContext* c =
      redisConnectWithTimeout(url_.host.c_str(), url_.port, to_timeval(opts_.connect_timeout_ms));
  if (!c) {
    why = "cannot allocate a connection";
    return nullptr;
  }
  if (c->err) {
    why = c->errstr;
    redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, to_timeval(opts_.command_timeout_ms));
  redisEnableKeepAlive(c);
  std::vector<RedisCommand> hello;
  if (!url_.password.empty())
    hello.push_back(url_.username.empty() ? RedisCommand{"AUTH", url_.password}
                                          : RedisCommand{"AUTH", url_.username, url_.password});
  if (url_.db != 0) hello.push_back({"SELECT", std::to_string(url_.db)});
  if (hello.empty()) return c;
  std::vector<RedisValue> out;
  if (!exchange(c, hello, out)) {
    why = context_error(c);
    redisFree(c);
    return nullptr;
  }
  for (auto& v : out)
    if (v.is_error()) {
      why = v.str;  // a wrong password or database: Redis answers, but we cannot use it
      redisFree(c);
      return nullptr;
    }
  return c;
}

RedisClient::Conn RedisClient::acquire() {
  if (!up()) return {};
  std::unique_lock lk(mu_);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.command_timeout_ms);
  while (idle_.empty() && open_ >= opts_.pool_size) {
    if (returned_.wait_until(lk, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= opts_.pool_size) {
      lk.unlock();
      metrics_.inc(kErrors, "kind=\"pool_exhausted\"");
      return {};
    }
    if (!up()) return {};
  }
  if (!idle_.empty()) {
    Conn c = idle_.back();
    idle_.pop_back();
    return c;
  }
  ++open_;
  uint64_t epoch = epoch_;
  lk.unlock();
  std::string why;
  redisContext* ctx = connect(why);
  if (!ctx) {
    {
      std::lock_guard g(mu_);
      --open_;
    }
    returned_.notify_one();
    mark_down("connect", why);
    return {};
  }
  return Conn{ctx, epoch};
}

void RedisClient::release(Conn c, bool healthy) {
  {
    std::lock_guard lk(mu_);
    if (healthy && c.epoch == epoch_) {
      idle_.push_back(c);
      c.ctx = nullptr;
    } else {
      --open_;
    }
  }
  returned_.notify_one();
  if (c.ctx) redisFree(c.ctx);
}

std::optional<std::vector<RedisValue>> RedisClient::pipeline(
    const std::vector<RedisCommand>& cmds) {
  may_block();  // network I/O: never on a network thread (core/blocking.hpp)
  Conn c = acquire();
  if (!c.ctx) return std::nullopt;
  std::vector<RedisValue> out;
  if (!exchange(c.ctx, cmds, out)) {
    std::string why = context_error(c.ctx);
    release(c, false);
    mark_down("io", why);
    return std::nullopt;
  }
  release(c, true);
  return out;
}

std::optional<RedisValue> RedisClient::command(const RedisCommand& cmd) {
  auto r = pipeline({cmd});
  if (!r) return std::nullopt;
  return std::move(r->front());
}

void RedisClient::note_error(const char* kind) {
  metrics_.inc(kErrors, fmt::format("kind=\"{}\"", kind));
}

void RedisClient::mark_down(const char* kind, const std::string& why) {
  metrics_.inc(kErrors, fmt::format("kind=\"{}\"", kind));
  std::vector<Conn> drop;
  {
    std::lock_guard lk(mu_);
    ++epoch_;  // connections lent out now are closed when they come back
    drop.swap(idle_);
    open_ -= static_cast<int>(drop.size());
  }
  returned_.notify_all();
  for (auto& c : drop) redisFree(c.ctx);
  if (up_.exchange(false, std::memory_order_acq_rel)) {
    metrics_.set_gauge(kUp, 0);
    spdlog::warn(
        "redis at {} is down ({}): cache bypassed and rate limits in-process until it answers",
        url_.describe(), why);
  }
}

void RedisClient::mark_up() {
  if (!up_.exchange(true, std::memory_order_acq_rel)) {
    metrics_.set_gauge(kUp, 1);
    spdlog::info("redis at {} is up again: shared cache and rate limits resumed", url_.describe());
  }
}

// painel_redis_memory_* as INFO says; painel_redis_cpu_seconds_total grows by what Redis's
// CPU time grew since the last probe (a Redis restart starts it over: only growth counts).
void RedisClient::publish_info(const std::string& memory, const std::string& cpu) {
  RedisInfo info;
  parse_info(memory, info);
  parse_info(cpu, info);
  if (info.used_memory_bytes) metrics_.set_gauge(kMemoryUsed, *info.used_memory_bytes);
  if (info.maxmemory_bytes) metrics_.set_gauge(kMemoryMax, *info.maxmemory_bytes);
  if (!info.cpu_seconds) return;
  auto& cpu_ms = metrics_.counter_ref(kCpu);  // milliseconds, shown in seconds
  auto now_ms = static_cast<int64_t>(*info.cpu_seconds * 1000);
  if (last_cpu_ms_ >= 0 && now_ms >= last_cpu_ms_)
    cpu_ms.fetch_add(static_cast<uint64_t>(now_ms - last_cpu_ms_), std::memory_order_relaxed);
  last_cpu_ms_ = now_ms;
}

void RedisClient::probe_loop() {
  redisContext* own = nullptr;  // the probe's own connection: never blocks on a busy pool
  std::unique_lock lk(stop_mu_);
  while (!stop_cv_.wait_for(lk, std::chrono::milliseconds(opts_.probe_interval_ms),
                            [this] { return stopping_; })) {
    lk.unlock();
    std::string why;
    if (!own) own = connect(why);
    bool ok = false;
    if (own) {
      std::vector<RedisValue> out;
      ok = exchange(own, {{"PING"}, {"INFO", "memory"}, {"INFO", "cpu"}}, out) &&
           !out.front().is_error();
      if (ok) {
        publish_info(out[1].str, out[2].str);
      } else {
        why = out.empty() ? context_error(own) : out.front().str;
        redisFree(own);
        own = nullptr;
      }
    }
    if (ok) {
      mark_up();
    } else if (up()) {
      mark_down("probe", why);
    } else {
      metrics_.inc(kErrors, "kind=\"connect\"");  // still down: one failed attempt per interval
    }
    lk.lock();
  }
  if (own) redisFree(own);
}

}  // namespace painel::redis
