// Identifiers: v4 shape, and v7 ids that sort in the order they were made, also within one
// millisecond and when the clock steps back.
#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace painel {
namespace {

TEST(Ids, V4Shape) {
  auto a = new_uuid();
  EXPECT_TRUE(is_uuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, new_uuid());
}

TEST(Ids, V7CarriesTheMillisecondsAndVersion) {
  auto a = new_uuid_v7(1773100800000);
  EXPECT_TRUE(is_uuid(a));
  EXPECT_EQ(a[14], '7');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b') << a;
  char want[16];
  std::snprintf(want, sizeof want, "%012llx", 1773100800000ULL);
  EXPECT_EQ(a.substr(0, 8) + a.substr(9, 4), want);
}

TEST(Ids, V7SortsInCreationOrderWithinOneMillisecondAndBackwardClock) {
  std::vector<std::string> made;
  int64_t ms = 1900000000000;
  for (int i = 0; i < 5000; ++i) made.push_back(new_uuid_v7(ms));  // > 4096 in one ms
  made.push_back(new_uuid_v7(ms - 10));                            // clock stepped back
  made.push_back(new_uuid_v7(ms + 100));
  for (size_t i = 1; i < made.size(); ++i) ASSERT_LT(made[i - 1], made[i]) << i;
}

}  // namespace
}  // namespace painel
