#include "core/json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace painel {
namespace {

int status_of(std::string body, const JsonLimits& limits = {}) {
  try {
    parse_json_object(body, limits);
  } catch (const ApiError& e) {
    return e.status;
  }
  try {
    parse_json_object_in_place(body, limits);
  } catch (const ApiError& e) {
    ADD_FAILURE() << "in-place parse disagrees: " << e.detail;
    return e.status;
  }
  return 200;
}

TEST(JsonParse, AcceptsObjects) {
  EXPECT_EQ(status_of(R"({"a":[1,2,{"b":"São"}],"c":null})"), 200);
  EXPECT_EQ(status_of(" {} \n"), 200);
  auto d = parse_json_object(R"({"n":"x\u00e9"})");
  EXPECT_STREQ(d["n"].GetString(), "x\xc3\xa9");
}

// 150 000 `[` overflowed the stack of the recursive parser (a crash, issue 13 item 1).
TEST(JsonParse, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep = "{\"events\":" + std::string(150000, '[');
  EXPECT_EQ(status_of(deep), 400);
  std::string closed = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(status_of(closed), 400);
  std::string ok = "{\"a\":" + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_EQ(status_of(ok), 200);
  std::string over = "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_EQ(status_of(over), 400);
}

TEST(JsonParse, ValueBudget) {
  std::string many = "{\"a\":[";
  for (int i = 0; i < 1000; ++i) many += "0,";
  many += "0]}";
  EXPECT_EQ(status_of(many, {64, 100}), 400);
  EXPECT_EQ(status_of(many, {64, 2000}), 200);
}

TEST(JsonParse, InvalidUtf8AndNulAreRefused) {
  EXPECT_EQ(status_of("{\"email\":\"\xff@x.com\"}"), 400);
  EXPECT_EQ(status_of("{\"email\":\"\xc3\"}"), 400);
  EXPECT_EQ(status_of("{\"\xff\":1}"), 400);
  EXPECT_EQ(status_of(R"({"a":"\u0000"})"), 400);
  EXPECT_EQ(status_of(R"({"a":"\ud800"})"), 400);  // lone surrogate escape
  EXPECT_EQ(status_of(std::string("{}\0junk", 7)), 400);
  // found by fuzz_json: a lone low-surrogate escape decoded to ED B0 80
  EXPECT_EQ(status_of(R"({"email":"\udc00@example.com"})"), 400);
  EXPECT_EQ(status_of(R"({"a":"\ud83d\ude00"})"), 200);  // a proper pair: U+1F600
  // found by fuzz_ingest_batch: a body ending inside a sequence was read past its end in place
  EXPECT_EQ(status_of("{\"a\":\"\xF0\x9F"), 400);
  EXPECT_EQ(status_of("{\"a\":\xE2"), 400);
}

// found by fuzz_json: digits past DBL_MAX read as infinity, which the Writer cannot write
TEST(JsonParse, NonFiniteNumbersAreRefused) {
  EXPECT_EQ(status_of(R"({"a":-9348623157e308})"), 400);
  EXPECT_EQ(status_of(R"({"a":1e309})"), 400);
  EXPECT_EQ(status_of(R"({"a":1.5e308})"), 200);
}

TEST(JsonParse, TrailingDataAndNonObjects) {
  EXPECT_EQ(status_of("{} {}"), 400);
  EXPECT_EQ(status_of("[]"), 400);
  EXPECT_EQ(status_of(""), 400);
  EXPECT_EQ(status_of("{"), 400);
}

}  // namespace
}  // namespace painel
