#include "api/session_cookie.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/error.hpp"

namespace painel::api {
namespace {

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.status;
  }
  return 0;
}

http::Request cookie_request(http::Fields extra = {}) {
  http::Request r;
  r.method = "POST";
  r.headers = {{"host", "127.0.0.1:8080"},
               {"content-type", "application/json"},
               {"x-painel-session", "cookie"}};
  for (auto& h : extra) r.headers.push_back(h);
  return r;
}

TEST(SessionCookie, Attributes) {
  EXPECT_EQ(refresh_cookie("abc_-1", 2592000, false),
            "painel-refresh=abc_-1; Max-Age=2592000; Path=/auth; HttpOnly; SameSite=Strict");
  EXPECT_EQ(refresh_cookie("abc", 60, true),
            "painel-refresh=abc; Max-Age=60; Path=/auth; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(cleared_refresh_cookie(false),
            "painel-refresh=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Strict");
  // Under --public-url's path the cookie goes to the prefixed /auth only.
  EXPECT_EQ(refresh_cookie("abc", 60, true, "/painel"),
            "painel-refresh=abc; Max-Age=60; Path=/painel/auth; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(cleared_refresh_cookie(false, "/painel"),
            "painel-refresh=; Max-Age=0; Path=/painel/auth; HttpOnly; SameSite=Strict");
  EXPECT_TRUE(cookie_secure("https://painel.example.com"));
  EXPECT_TRUE(cookie_secure("HTTPS://painel.example.com/x"));
  EXPECT_FALSE(cookie_secure("http://127.0.0.1:8080"));
}

TEST(SessionCookie, ReadsOnlyTheRefreshCookie) {
  http::Request r;
  r.headers = {{"cookie", "a=1; painel-refresh=tok-EN_1; b=2"}};
  EXPECT_EQ(refresh_cookie_value(r), "tok-EN_1");
  r.headers = {{"cookie", "x_painel_refresh=1; other=2"}};
  EXPECT_EQ(refresh_cookie_value(r), std::nullopt);
  r.headers = {{"cookie", "a=1"}, {"cookie", "painel-refresh=second"}};
  EXPECT_EQ(refresh_cookie_value(r), "second");
  r.headers = {{"cookie", "painel-refresh=bad;value"}};  // "bad" alone is a fine token
  EXPECT_EQ(refresh_cookie_value(r), "bad");
  r.headers = {{"cookie", "painel-refresh=has space"}};
  EXPECT_EQ(refresh_cookie_value(r), std::nullopt);
  r.headers = {{"cookie", "painel-refresh=" + std::string(257, 'a')}};
  EXPECT_EQ(refresh_cookie_value(r), std::nullopt);
  r.headers = {{"cookie", "painel-refresh="}};
  EXPECT_EQ(refresh_cookie_value(r), std::nullopt);
}

TEST(SessionCookie, ModeNeedsTheHeader) {
  EXPECT_TRUE(wants_cookie_mode(cookie_request()));
  http::Request r;
  EXPECT_FALSE(wants_cookie_mode(r));
  r.headers = {{"x-painel-session", "body"}};
  EXPECT_FALSE(wants_cookie_mode(r));
}

TEST(SessionCookie, SameOriginRequestsPass) {
  const std::string pub = "https://painel.example.com";
  EXPECT_EQ(status_of([&] { check_cookie_request(cookie_request(), pub); }), 0);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(cookie_request({{"origin", "http://127.0.0.1:8080"},
                                                   {"sec-fetch-site", "same-origin"}}),
                                   pub);
            }),
            0);
  // Behind a proxy that rewrites Host: the public URL's origin.
  EXPECT_EQ(
      status_of([&] {
        check_cookie_request(cookie_request({{"origin", "https://painel.example.com"}}), pub + "/");
      }),
      0);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(
                  cookie_request({{"content-type", "application/json; charset=utf-8"}}), pub);
            }),
            0);
}

TEST(SessionCookie, CrossSiteRequestsAreRefused) {
  const std::string pub = "http://127.0.0.1:8080";
  http::Request no_header = cookie_request();
  no_header.headers.erase(no_header.headers.begin() + 2);
  EXPECT_EQ(status_of([&] { check_cookie_request(no_header, pub); }), 403);
  http::Request form = cookie_request();
  form.headers[1].second = "application/x-www-form-urlencoded";
  EXPECT_EQ(status_of([&] { check_cookie_request(form, pub); }), 415);
  http::Request sneaky = cookie_request();
  sneaky.headers[1].second = "text/plain; x=application/json";
  EXPECT_EQ(status_of([&] { check_cookie_request(sneaky, pub); }), 415);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(cookie_request({{"origin", "https://evil.example"}}), pub);
            }),
            403);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(cookie_request({{"origin", "null"}}), pub);
            }),
            403);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(cookie_request({{"sec-fetch-site", "cross-site"}}), pub);
            }),
            403);
  EXPECT_EQ(status_of([&] {
              check_cookie_request(cookie_request({{"sec-fetch-site", "same-site"}}), pub);
            }),
            403);
}

}  // namespace
}  // namespace painel::api
