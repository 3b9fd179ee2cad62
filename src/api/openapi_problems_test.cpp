// docs/openapi.json (embedded in the binary) lists exactly the catalogue of
// http/problem_catalog: the Problem schema's `error` and `type` enums and the codes of
// `errors[]`, so the contract a client generates its types from cannot drift from the server.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

#include "api/openapi_doc.hpp"
#include "http/problem_catalog.hpp"

using namespace painel;

namespace {
std::set<std::string> enum_of(const rapidjson::Value& v) {
  std::set<std::string> out;
  if (!v.IsObject() || !v.HasMember("enum") || !v["enum"].IsArray()) return out;
  for (auto& e : v["enum"].GetArray()) out.insert(e.GetString());
  return out;
}
}  // namespace

TEST(OpenApiProblems, SchemaListsTheCatalogue) {
  rapidjson::Document d;
  auto doc = api::openapi_document();
  d.Parse(doc.data(), doc.size());
  ASSERT_FALSE(d.HasParseError());
  const auto& problem = d["components"]["schemas"]["Problem"]["properties"];
  std::set<std::string> codes, types, fields;
  for (const auto& k : http::problem_kinds()) {
    codes.emplace(k.code);
    types.insert(http::problem_type_uri(k.code));
  }
  for (const auto& f : http::field_error_kinds()) fields.emplace(f.code);
  EXPECT_EQ(enum_of(problem["error"]), codes);
  EXPECT_EQ(enum_of(problem["type"]), types);
  ASSERT_TRUE(problem.HasMember("errors"));
  EXPECT_EQ(enum_of(problem["errors"]["items"]["properties"]["code"]), fields);
}
