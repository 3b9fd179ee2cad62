#pragma once
// What Painel reads from Redis's INFO for the seed's cache alarms (CPU > 80 %, memory > 90 %
// of maxmemory): the health probe asks every few seconds and publishes painel_redis_*.
#include <cstdint>
#include <optional>
#include <string_view>

namespace painel::redis {

struct RedisInfo {
  std::optional<double> used_memory_bytes;
  std::optional<double> maxmemory_bytes;  // 0: no limit configured
  std::optional<double> cpu_seconds;      // used_cpu_sys + used_cpu_user, since Redis started
};

// Reads the fields above from the text of INFO replies (`key:value` lines, '#' sections);
// what is missing stays nullopt. Call once per reply, into the same struct.
void parse_info(std::string_view text, RedisInfo& into);

}  // namespace painel::redis
