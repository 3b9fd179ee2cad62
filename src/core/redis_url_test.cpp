#include "core/redis_url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using painel::parse_redis_url;

TEST(RedisUrl, HostPortAndDefaults) {
  auto u = parse_redis_url("redis://127.0.0.1:6380");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 0);
  EXPECT_TRUE(u.password.empty());
  auto d = parse_redis_url("redis://cache.internal");
  EXPECT_EQ(d.port, 6379);
  EXPECT_EQ(parse_redis_url("redis://h:1/").db, 0);
}

TEST(RedisUrl, CredentialsAndDatabase) {
  auto u = parse_redis_url("redis://app:p%40ss:w@h.example:7000/3");
  EXPECT_EQ(u.username, "app");
  EXPECT_EQ(u.password, "p@ss:w");
  EXPECT_EQ(u.host, "h.example");
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(u.db, 3);
  auto p = parse_redis_url("redis://:secret@h");
  EXPECT_EQ(p.username, "");
  EXPECT_EQ(p.password, "secret");
  EXPECT_EQ(parse_redis_url("redis://secret@h").password, "secret");
  EXPECT_EQ(u.describe(), "h.example:7000/3");  // never the password
}

TEST(RedisUrl, Ipv6) {
  auto u = parse_redis_url("redis://[::1]:6390");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 6390);
  EXPECT_EQ(u.describe(), "[::1]:6390/0");
}

TEST(RedisUrl, RejectsWhatItCannotUse) {
  for (const char* bad :
       {"", "localhost:6379", "http://h:1", "rediss://h:6379", "redis://", "redis://:1",
        "redis://h:", "redis://h:0", "redis://h:65536", "redis://h:x", "redis://h/x",
        "redis://h/-1", "redis://h?timeout=1", "redis://[::1", "redis://u:%zz@h"})
    EXPECT_THROW(parse_redis_url(bad), std::invalid_argument) << bad;
}
