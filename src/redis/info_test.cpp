#include "redis/info.hpp"

#include <gtest/gtest.h>

namespace painel::redis {
namespace {

TEST(RedisInfo, ReadsMemoryAndCpuFromInfoReplies) {
  RedisInfo info;
  parse_info(
      "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:4194304\r\n"
      "maxmemory_human:4.00M\r\n",
      info);
  parse_info("# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\n", info);
  EXPECT_EQ(info.used_memory_bytes, 1048576);
  EXPECT_EQ(info.maxmemory_bytes, 4194304);
  ASSERT_TRUE(info.cpu_seconds);
  EXPECT_DOUBLE_EQ(*info.cpu_seconds, 3.75);
}

TEST(RedisInfo, MissingOrMalformedFieldsStayUnknown) {
  RedisInfo info;
  parse_info("# Memory\r\nused_memory:lots\r\nused_cpu_sys:1.0\r\n", info);
  EXPECT_FALSE(info.used_memory_bytes);
  EXPECT_FALSE(info.maxmemory_bytes);
  EXPECT_FALSE(info.cpu_seconds);  // user time missing
  parse_info("", info);
  EXPECT_FALSE(info.cpu_seconds);
}

}  // namespace
}  // namespace painel::redis
