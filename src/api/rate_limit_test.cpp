#include "api/rate_limit.hpp"

#include <gtest/gtest.h>

using namespace painel::api;

TEST(RateLimit, BurstThenRefill) {
  LocalRateLimiter l;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(l.take("u", 60, 5, 1000).allowed) << i;
  auto d = l.take("u", 60, 5, 1000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);
  EXPECT_TRUE(l.take("u", 60, 5, 2000).allowed);  // one token per second
  EXPECT_FALSE(l.take("u", 60, 5, 2000).allowed);
  EXPECT_TRUE(l.take("other", 60, 5, 2000).allowed);  // buckets are per key
}

TEST(RateLimit, HeadersArithmetic) {
  double tokens = 10;
  int64_t last = 0;
  auto d = bucket_take(tokens, last, 600, 10, 0);
  EXPECT_EQ(d.limit, 10);
  EXPECT_EQ(d.remaining, 9);
  EXPECT_EQ(d.reset_s, 1);  // 1 token at 10/s
}
