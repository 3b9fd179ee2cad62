#pragma once
// A small thread-safe Redis client over hiredis's synchronous API: a pool of connections
// with short connect and command timeouts, and a pipelining call. An I/O error or timeout
// marks Redis DOWN: every call then fails at once (callers fall back to in-process
// behaviour) while one background thread retries once per probe interval, so a dead Redis
// costs one fast failure per second, not a timeout per request. The same thread PINGs
// while Redis is up, so an idle instance notices a loss too. `painel_redis_up` (gauge) and
// `painel_redis_errors_total{kind}` show the state; one log line per transition.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/redis_url.hpp"

struct redisContext;

namespace painel::obs {
class Metrics;
}

namespace painel::redis {

// One reply, copied out of hiredis so no hiredis type leaks into callers.
struct RedisValue {
  enum class Type { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  int64_t integer = 0;
  std::string str;  // String, Status and Error
  std::vector<RedisValue> elements;
  bool is_error() const { return type == Type::Error; }
  bool is_nil() const { return type == Type::Nil; }
};

using RedisCommand = std::vector<std::string>;

struct RedisOptions {
  int pool_size = 8;
  int connect_timeout_ms = 100;
  int command_timeout_ms = 150;
  int probe_interval_ms = 1000;
};

class RedisClient {
 public:
  // Connects once synchronously (a failure is logged, not thrown: the process starts without
  // Redis and picks it up when it appears) and starts the probe thread.
  RedisClient(RedisUrl url, RedisOptions opts, obs::Metrics& metrics);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  bool up() const { return up_.load(std::memory_order_acquire); }
  const RedisUrl& url() const { return url_; }

  // Sends every command in one write and reads the replies in order. nullopt when Redis is
  // down, no pooled connection frees up within the command timeout, or the connection broke
  // (Redis is then marked down). An error reply (NOSCRIPT, WRONGTYPE…) is a value of type
  // Error, not a failure.
  std::optional<std::vector<RedisValue>> pipeline(const std::vector<RedisCommand>& cmds);
  std::optional<RedisValue> command(const RedisCommand& cmd);
  // Counts an error a caller found in a reply (painel_redis_errors_total{kind}); the
  // connection is fine, so Redis stays up.
  void note_error(const char* kind);

 private:
  struct Conn {
    redisContext* ctx = nullptr;
    uint64_t epoch = 0;  // connections from before a DOWN are not returned to the pool
  };
  redisContext* connect(std::string& why) const;
  Conn acquire();
  void release(Conn c, bool healthy);
  void mark_down(const char* kind, const std::string& why);
  void mark_up();
  void probe_loop();
  void publish_info(const std::string& memory, const std::string& cpu);

  const RedisUrl url_;
  const RedisOptions opts_;
  obs::Metrics& metrics_;
  std::atomic<bool> up_{false};
  int64_t last_cpu_ms_ = -1;  // Redis's CPU time at the last probe (probe thread only)

  std::mutex mu_;  // the pool
  std::condition_variable returned_;
  std::vector<Conn> idle_;
  int open_ = 0;  // connections idle or lent out
  uint64_t epoch_ = 0;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread probe_;
};

}  // namespace painel::redis
