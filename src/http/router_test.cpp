#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace painel::http;

TEST(Router, MatchesParamsAndMethods) {
  Router r;
  r.add({"GET", "/internal/tenants", Access::User, 1, 1, {}, nullptr});
  r.add({"GET", "/internal/tenants/{id}", Access::User, 1, 1, {}, nullptr});
  r.add({"GET", "/internal/tenants/{id}/agents", Access::User, 1, 1, {}, nullptr});
  Fields p;
  auto m = r.match("GET", "/internal/tenants/abc/agents", p);
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->pattern, "/internal/tenants/{id}/agents");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].second, "abc");
  EXPECT_FALSE(r.match("GET", "/internal/tenants//agents", p).route);
  auto post = r.match("POST", "/internal/tenants", p);
  EXPECT_FALSE(post.route);
  EXPECT_TRUE(post.path_exists);
  EXPECT_EQ(post.allow, "GET, HEAD");  // the Allow header of the 405
  EXPECT_FALSE(r.match("GET", "/internal", p).path_exists);
  EXPECT_TRUE(r.match("HEAD", "/internal/tenants", p).route);
}

TEST(Target, DecodesAndRejectsBadEscapes) {
  std::string path;
  Fields q;
  ASSERT_TRUE(parse_target("/a%20b?x=1&search=S%C3%A3o+Paulo&empty=", path, q));
  EXPECT_EQ(path, "/a b");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[1].second, "São Paulo");
  EXPECT_FALSE(parse_target("/a?x=%zz", path, q));
  EXPECT_FALSE(parse_target("/a?x=%0a", path, q));  // control characters
  EXPECT_FALSE(parse_target("/a%", path, q));
  EXPECT_FALSE(parse_target("noslash", path, q));
}

TEST(Target, RefusesDecodedTextThatIsNotUtf8) {
  std::string path;
  Fields q;
  EXPECT_FALSE(parse_target("/internal/tenants?search=%FF", path, q));
  EXPECT_FALSE(parse_target("/internal/tenants?segment=%C3", path, q));
  EXPECT_FALSE(parse_target("/x%ED%A0%80", path, q));  // an encoded surrogate
  EXPECT_TRUE(parse_target("/internal/tenants?search=S%C3%A3o", path, q));
}
