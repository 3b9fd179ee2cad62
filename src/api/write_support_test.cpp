#include "api/write_support.hpp"

#include <gtest/gtest.h>

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

TEST(BodyFields, UnknownFieldsAreNamed) {
  auto d = parse_json_object(R"({"name":"a","nmae":"b","x":1})");
  try {
    BodyFields b(d, {"name", "segment"});
    FAIL() << "accepted unknown fields";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_NE(e.detail.find("nmae, x"), std::string::npos) << e.detail;
  }
}

TEST(BodyFields, TypedAndBoundedAccess) {
  auto d = parse_json_object(
      R"({"name":"  Loja  ","blank":"  ","ctl":"a\u0001","n":5,"big":99,"s":"active",)"
      R"("price":"199.9","p2":12.5,"p3":"1.234","cfg":{"a":[1,2]},"nul":null})");
  BodyFields b(d, {"name", "blank", "ctl", "n", "big", "s", "price", "p2", "p3", "cfg", "nul"});
  EXPECT_EQ(b.req_text("name"), "Loja");
  EXPECT_EQ(status_of([&] { b.req_text("blank"); }), 400);
  EXPECT_EQ(status_of([&] { b.req_text("ctl"); }), 400);
  EXPECT_EQ(status_of([&] { b.req_text("name", 3); }), 400);
  EXPECT_EQ(status_of([&] { b.req_text("missing"); }), 400);
  EXPECT_FALSE(b.opt_text("nul"));
  EXPECT_TRUE(b.is_null("nul"));
  EXPECT_EQ(b.opt_int("n", 0, 10), 5);
  EXPECT_EQ(status_of([&] { b.opt_int("big", 0, 10); }), 400);
  EXPECT_EQ(status_of([&] { b.opt_int("name", 0, 10); }), 400);
  EXPECT_EQ(b.req_enum("s", {"active", "retired"}), "active");
  EXPECT_EQ(status_of([&] { b.req_enum("s", {"retired"}); }), 400);
  EXPECT_EQ(b.opt_money_cents("price", 1'000'000'00), 19990);
  EXPECT_EQ(b.opt_money_cents("p2", 1'000'000'00), 1250);
  EXPECT_EQ(status_of([&] { b.opt_money_cents("p3", 1'000'000'00); }), 400);
  EXPECT_EQ(b.opt_object_json("cfg"), R"({"a":[1,2]})");
  EXPECT_EQ(status_of([&] { b.opt_object_json("name"); }), 400);
}

TEST(Changes, OnlyChangedFieldsWithBeforeAndAfter) {
  Changes c;
  c.text("name", std::string("A"), std::string("B"));
  c.text("segment", std::string("x"), std::string("x"));
  c.integer("max_agents", 5, std::nullopt);
  c.money("price_monthly", 100, 250);
  EXPECT_EQ(c.metadata({{"agent_id", "\"a1\""}}),
            R"({"changes":{"name":{"from":"A","to":"B"},"max_agents":{"from":5,"to":null},)"
            R"("price_monthly":{"from":"1","to":"2.50"}},"agent_id":"a1"})");
  EXPECT_TRUE(Changes{}.empty());
}

TEST(IfMatch, AbsentStarEqualOrListedPassesElse412) {
  http::Request r;
  require_if_match(r, "\"abc\"");
  r.headers.push_back({"if-match", "*"});
  require_if_match(r, "\"abc\"");
  r.headers.back().second = "\"zzz\", W/\"abc\"";
  require_if_match(r, "\"abc\"");
  r.headers.back().second = "\"zzz\"";
  EXPECT_EQ(status_of([&] { require_if_match(r, "\"abc\""); }), 412);
  // The tag a gzip-compressed read carried names the same object.
  r.headers.back().second = "\"abc-gzip\"";
  require_if_match(r, "\"abc\"");
  r.headers.back().second = "\"zzz-gzip\"";
  EXPECT_EQ(status_of([&] { require_if_match(r, "\"abc\""); }), 412);
}

}  // namespace
}  // namespace painel::api
