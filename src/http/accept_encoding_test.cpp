#include "http/accept_encoding.hpp"

#include <gtest/gtest.h>

using namespace painel::http;

namespace {
const std::vector<std::string_view> kBoth = {"br", "gzip"};
std::string pick(std::optional<std::string_view> header,
                 const std::vector<std::string_view>& offered = kBoth) {
  auto c = choose_encoding(header, offered);
  return c ? *c : "<refused>";
}
}  // namespace

TEST(AcceptEncoding, ParsesItemsWeightsAndCase) {
  auto v = parse_accept_encoding(" GZip;Q=0.5 , br ,x-gzip;q=1.000, identity; q=0 ,,deflate;foo");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0].coding, "gzip");
  EXPECT_EQ(v[0].q, 500);
  EXPECT_EQ(v[1].coding, "br");
  EXPECT_EQ(v[1].q, 1000);
  EXPECT_EQ(v[2].coding, "gzip");  // x-gzip is gzip
  EXPECT_EQ(v[2].q, 1000);
  EXPECT_EQ(v[3].coding, "identity");
  EXPECT_EQ(v[3].q, 0);
  EXPECT_EQ(v[4].coding, "deflate");  // a parameter that is not q leaves the weight at 1
  EXPECT_EQ(v[4].q, 1000);
}

TEST(AcceptEncoding, DropsMalformedWeights) {
  for (auto bad : {"gzip;q=2", "gzip;q=1.5", "gzip;q=abc", "gzip;q=0.1234", "gzip;q=", "gzip;q=.5",
                   "gzip;q=-0"})
    EXPECT_TRUE(parse_accept_encoding(bad).empty()) << bad;
  EXPECT_EQ(parse_accept_encoding("gzip;q=0.123")[0].q, 123);
  EXPECT_EQ(parse_accept_encoding("gzip;q=0.")[0].q, 0);
  EXPECT_EQ(parse_accept_encoding("gzip;q=1.")[0].q, 1000);
  // A malformed weight is as if the coding were not named: here gzip falls back to identity.
  EXPECT_EQ(pick("gzip;q=7"), "identity");
}

TEST(AcceptEncoding, NoHeaderOrEmptyMeansIdentity) {
  EXPECT_EQ(pick(std::nullopt), "identity");
  EXPECT_EQ(pick(""), "identity");
  EXPECT_EQ(pick("deflate, zstd"), "identity");  // nothing we have
}

TEST(AcceptEncoding, PrefersServerOrderOnTies) {
  EXPECT_EQ(pick("gzip, deflate, br"), "br");
  EXPECT_EQ(pick("gzip, br"), "br");
  EXPECT_EQ(pick("gzip"), "gzip");
  EXPECT_EQ(pick("br"), "br");
  EXPECT_EQ(pick("gzip, br", {"gzip"}), "gzip");  // only gzip available for this file
  EXPECT_EQ(pick("br", {}), "identity");          // nothing precompressed
  EXPECT_EQ(pick("gzip, identity"), "gzip");      // a tie with identity: compress
}

TEST(AcceptEncoding, HigherWeightWins) {
  EXPECT_EQ(pick("br;q=0.5, gzip;q=0.8"), "gzip");
  EXPECT_EQ(pick("br;q=0.5, gzip;q=0.4, identity;q=0.9"), "identity");
  EXPECT_EQ(pick("br;q=0, gzip"), "gzip");
  EXPECT_EQ(pick("br;q=0, gzip;q=0"), "identity");
  EXPECT_EQ(pick("gzip;q=0.001"), "gzip");
  EXPECT_EQ(pick("br;q=0.5"), "br");  // identity not named: only a fallback
  EXPECT_EQ(pick("br;q=0.5, identity"), "identity");
}

TEST(AcceptEncoding, StarCoversUnnamedCodings) {
  EXPECT_EQ(pick("*"), "br");
  EXPECT_EQ(pick("br;q=0.2, *"), "gzip");
  EXPECT_EQ(pick("*;q=0, gzip"), "gzip");
  EXPECT_EQ(pick("*;q=0.5, identity"), "identity");
}

TEST(AcceptEncoding, RefusesWhenIdentityIsExcludedToo) {
  EXPECT_EQ(pick("identity;q=0"), "<refused>");
  EXPECT_EQ(pick("*;q=0"), "<refused>");
  EXPECT_EQ(pick("br;q=0, gzip;q=0, identity;q=0"), "<refused>");
  EXPECT_EQ(pick("identity;q=0, gzip"), "gzip");
  EXPECT_EQ(pick("*;q=0, identity"), "identity");
  EXPECT_EQ(pick("identity;q=0, deflate", {}), "<refused>");
}
