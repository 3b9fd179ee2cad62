#include "http/cors.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "http/problem.hpp"

using namespace painel::http;

namespace {
std::string header(const Response& r, std::string_view name) {
  for (auto& [k, v] : r.headers)
    if (k == name) return v;
  return "<none>";
}
}  // namespace

TEST(Cors, ParsesExactOrigins) {
  auto c = Cors::parse(" https://App.Example.com , http://localhost:3000,http://[::1]:8080,,");
  ASSERT_TRUE(c.enabled());
  EXPECT_TRUE(c.allowed_origin({{"origin", "https://app.example.com"}}));
  EXPECT_TRUE(c.allowed_origin({{"origin", "http://localhost:3000"}}));
  EXPECT_TRUE(c.allowed_origin({{"origin", "http://[::1]:8080"}}));
  EXPECT_FALSE(c.allowed_origin({{"origin", "http://localhost:3001"}}));
  EXPECT_FALSE(c.allowed_origin({{"origin", "http://app.example.com"}}));
  EXPECT_FALSE(c.allowed_origin({{"origin", "null"}}));
  EXPECT_FALSE(c.allowed_origin({}));
  EXPECT_FALSE(Cors::parse("").enabled());
}

TEST(Cors, RefusesWhatIsNotAnOrigin) {
  for (const char* bad :
       {"*", "https://*.example.com", "https://a.com/", "https://a.com/x", "ftp://a.com", "a.com",
        "https://", "https://a.com:0", "https://a.com:65536", "https://a.com:80x",
        "https://u@a.com", "https://a.com?q", "https://a.com#f", "https://[zz]", "null",
        "https://.a.com"})
    EXPECT_THROW(Cors::parse(bad), std::invalid_argument) << bad;
}

TEST(Cors, HeadersOnlyForAllowedOrigins) {
  auto c = Cors::parse("https://app.example.com");
  Response ok;
  c.decorate({{"origin", "https://app.example.com"}}, ok);
  EXPECT_EQ(header(ok, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(ok, "Access-Control-Expose-Headers"), "ETag, Retry-After, Location");
  EXPECT_EQ(header(ok, "Vary"), "Origin");
  EXPECT_EQ(header(ok, "Access-Control-Allow-Credentials"), "<none>");
  Response other;
  c.decorate({{"origin", "https://evil.example.net"}}, other);
  EXPECT_EQ(other.headers.size(), 1u);  // Vary: Origin only
  EXPECT_EQ(header(other, "Vary"), "Origin");
  Response off;
  Cors::parse("").decorate({{"origin", "https://app.example.com"}}, off);
  EXPECT_TRUE(off.headers.empty());
}

TEST(Cors, Preflight) {
  auto c = Cors::parse("https://app.example.com");
  Request req;
  req.method = "OPTIONS";
  req.headers = {{"origin", "https://app.example.com"}, {"access-control-request-method", "POST"}};
  EXPECT_TRUE(c.is_preflight(req));
  auto r = c.preflight("GET, HEAD, POST");
  c.decorate(req.headers, r);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET, HEAD, POST");
  EXPECT_EQ(header(r, "Access-Control-Allow-Headers"),
            "Authorization, Content-Type, Idempotency-Key, If-Match");
  EXPECT_EQ(header(r, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(r, "Access-Control-Expose-Headers"), "<none>");
  req.headers = {{"origin", "https://app.example.com"}};
  EXPECT_FALSE(c.is_preflight(req));
  req.headers = {{"origin", "https://evil.example.net"}, {"access-control-request-method", "GET"}};
  EXPECT_FALSE(c.is_preflight(req));
}

TEST(Problem, MessageAndErrorBesideDetail) {
  auto r = problem(404, "Not Found", "no such route", "rid-1");
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(
      r.body,
      R"({"type":"https://painel.alquimista.ai/problems/not-found","title":"Not Found","status":404,"detail":"no such route",)"
      R"("message":"no such route","error":"not-found","request_id":"rid-1"})");
  auto coded = problem(429, "Too Many Requests", "locked", "r", "account-locked");
  EXPECT_NE(coded.body.find(R"("error":"account-locked")"), std::string::npos);
  EXPECT_EQ(error_code_for(422), "unprocessable");
  EXPECT_EQ(error_code_for(418), "error");
  EXPECT_EQ(error_code_for(502), "internal-error");
}
