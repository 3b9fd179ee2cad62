#include "redis/cache.hpp"

#include <gtest/gtest.h>

using namespace painel::redis;

TEST(RedisCache, StoredAnswerRoundTrips) {
  StoredAnswer s{12, 3, {"{\"a\":\"x\\ny\"}\n", "\"00ff00ff00ff00ff\""}};
  auto d = decode_stored(encode_stored(s));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gen_all, 12);
  EXPECT_EQ(d->gen_tag, 3);
  EXPECT_EQ(d->answer.etag, s.answer.etag);
  EXPECT_EQ(d->answer.body, s.answer.body);  // newlines in the body survive
  auto empty = decode_stored(encode_stored(StoredAnswer{}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->answer.body, "");
}

TEST(RedisCache, DamagedValuesAreMisses) {
  for (const char* bad : {"", "1 2 \"e\"", "x 2 \"e\"\n{}", "1\n{}", "1 y \"e\"\n{}", " 1 2\n"})
    EXPECT_FALSE(decode_stored(bad)) << bad;
}
