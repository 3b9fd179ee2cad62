#include "http/client_ip.hpp"

#include <gtest/gtest.h>

namespace painel::http {
namespace {

Fields xff(std::string v) { return {{"x-forwarded-for", std::move(v)}}; }

TEST(TrustedProxies, UntrustedPeerIsTheClientWhateverItClaims) {
  auto t = TrustedProxies::parse("10.0.0.0/8");
  EXPECT_EQ(t.client_ip("203.0.113.9", xff("1.2.3.4")), "203.0.113.9");
  TrustedProxies none;
  EXPECT_EQ(none.client_ip("127.0.0.1", xff("1.2.3.4")), "127.0.0.1");
}

TEST(TrustedProxies, RightmostUntrustedHopIsTheClient) {
  auto t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8");
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("198.51.100.7")), "198.51.100.7");
  // A client spoofing a first hop cannot choose its address: the proxy appended the real one.
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("1.1.1.1, 198.51.100.7")), "198.51.100.7");
  // Chains of trusted proxies are walked through.
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("198.51.100.7, 10.1.2.3")), "198.51.100.7");
  // Several headers count as one list, in order.
  Fields two{{"x-forwarded-for", "1.1.1.1"}, {"x-forwarded-for", "198.51.100.8"}};
  EXPECT_EQ(t.client_ip("127.0.0.1", two), "198.51.100.8");
  // Garbage stops the walk at the proxy that wrote it.
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("garbage")), "127.0.0.1");
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("198.51.100.7, unknown, 10.0.0.1")), "10.0.0.1");
  EXPECT_EQ(t.client_ip("127.0.0.1", {}), "127.0.0.1");
}

TEST(TrustedProxies, ForwardedHeaderAndIpv6) {
  auto t = TrustedProxies::parse("::1, 127.0.0.1");
  Fields f{{"forwarded", "for=192.0.2.60;proto=https;by=203.0.113.43"}};
  EXPECT_EQ(t.client_ip("::1", f), "192.0.2.60");
  Fields f6{{"forwarded", "for=\"[2001:db8:cafe::17]:4711\""}};
  EXPECT_EQ(t.client_ip("127.0.0.1", f6), "2001:db8:cafe::17");
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("[2001:db8::1]:80")), "2001:db8::1");
  EXPECT_EQ(t.client_ip("127.0.0.1", xff("192.0.2.1:1234")), "192.0.2.1");
}

TEST(TrustedProxies, ParsesAndMatchesCidrs) {
  auto t = TrustedProxies::parse("192.168.0.0/16,fd00::/8, 172.16.0.1/32");
  EXPECT_TRUE(t.contains("192.168.44.1"));
  EXPECT_FALSE(t.contains("192.169.0.1"));
  EXPECT_TRUE(t.contains("fd12::1"));
  EXPECT_FALSE(t.contains("fe80::1"));
  EXPECT_TRUE(t.contains("172.16.0.1"));
  EXPECT_FALSE(t.contains("172.16.0.2"));
  EXPECT_TRUE(TrustedProxies::parse("0.0.0.0/0").contains("8.8.8.8"));
  EXPECT_THROW(TrustedProxies::parse("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(TrustedProxies::parse("not-an-ip"), std::invalid_argument);
  EXPECT_THROW(TrustedProxies::parse("10.0.0.0/"), std::invalid_argument);
  EXPECT_EQ(canonical_ip("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_FALSE(canonical_ip("10.0.0.256"));
}

}  // namespace
}  // namespace painel::http
