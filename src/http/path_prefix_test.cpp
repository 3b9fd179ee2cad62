#include "http/path_prefix.hpp"

#include <gtest/gtest.h>

namespace painel::http {
namespace {

PrefixMatch strip(std::string_view prefix, std::string& path) {
  return strip_path_prefix(prefix, path);
}

TEST(PathPrefix, NoPrefixKeepsEveryPath) {
  std::string p = "/tenant/me";
  EXPECT_EQ(strip("", p), PrefixMatch::Inside);
  EXPECT_EQ(p, "/tenant/me");
}

TEST(PathPrefix, StripsThePrefixOnce) {
  std::string p = "/painel/painel/tenant/me";
  EXPECT_EQ(strip("/painel", p), PrefixMatch::Inside);
  EXPECT_EQ(p, "/painel/tenant/me");
}

TEST(PathPrefix, ThePrefixAloneIsTheRoot) {
  std::string a = "/painel", b = "/painel/";
  EXPECT_EQ(strip("/painel", a), PrefixMatch::Inside);
  EXPECT_EQ(strip("/painel", b), PrefixMatch::Inside);
  EXPECT_EQ(a, "/");
  EXPECT_EQ(b, "/");
}

TEST(PathPrefix, ALongerSegmentIsOutside) {
  std::string p = "/painelx/tenant/me";
  EXPECT_EQ(strip("/painel", p), PrefixMatch::Outside);
  EXPECT_EQ(p, "/painelx/tenant/me");
  std::string q = "/tenant/me";
  EXPECT_EQ(strip("/painel", q), PrefixMatch::Outside);
}

TEST(PathPrefix, ProbesStayAtTheRoot) {
  std::string h = "/healthz", m = "/metrics", r = "/readyz", o = "/openapi.json";
  EXPECT_EQ(strip("/painel", h), PrefixMatch::Root);
  EXPECT_EQ(strip("/painel", m), PrefixMatch::Root);
  EXPECT_EQ(strip("/painel", r), PrefixMatch::Root);
  EXPECT_EQ(strip("/painel", o), PrefixMatch::Outside);
  EXPECT_EQ(h, "/healthz");
}

}  // namespace
}  // namespace painel::http
