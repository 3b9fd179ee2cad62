#include "http/problem_catalog.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

#include "http/problem.hpp"

using namespace painel::http;

namespace {
bool lower_kebab(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}
}  // namespace

TEST(ProblemCatalog, CodesAreUniqueLowerKebabAndDocumented) {
  std::set<std::string_view> seen;
  for (const auto& k : problem_kinds()) {
    EXPECT_TRUE(seen.insert(k.code).second) << "duplicate problem code " << k.code;
    EXPECT_TRUE(lower_kebab(k.code)) << k.code;
    EXPECT_FALSE(k.title.empty()) << k.code;
    EXPECT_TRUE(k.status == 0 || (k.status >= 400 && k.status <= 599)) << k.code;
  }
  std::set<std::string_view> fields;
  for (const auto& f : field_error_kinds()) {
    EXPECT_TRUE(fields.insert(f.code).second) << "duplicate field-error code " << f.code;
    EXPECT_TRUE(lower_kebab(f.code)) << f.code;
    EXPECT_FALSE(f.meaning.empty()) << f.code;
  }
}

TEST(ProblemCatalog, EveryStatusGenericCodeIsCatalogued) {
  for (int status = 400; status <= 599; ++status) {
    auto code = error_code_for(status);
    const ProblemKind* k = find_problem_kind(code);
    ASSERT_NE(k, nullptr) << status << " " << code;
    EXPECT_TRUE(k->status == status || k->status == 0 || (code == "internal-error"))
        << status << " " << code;
  }
  EXPECT_EQ(find_problem_kind("no-such-code"), nullptr);
  EXPECT_TRUE(is_field_error_code("required"));
  EXPECT_FALSE(is_field_error_code("validation-failed"));
}

TEST(ProblemCatalog, ProblemCarriesTheTypeOfItsCode) {
  rapidjson::Document d;
  auto r = problem(403, "Forbidden", "tenant suspended", "rid", "tenant-suspended");
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["type"].GetString(), "https://painel.alquimista.ai/problems/tenant-suspended");
  EXPECT_STREQ(d["error"].GetString(), "tenant-suspended");
  EXPECT_FALSE(d.HasMember("errors"));  // only validation failures list fields

  // A code missing from the catalogue is answered as its status's generic kind: the
  // `type` is always one the documentation lists.
  r = problem(409, "Conflict", "x", "rid", "made-up-code");
  d.Parse(r.body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "https://painel.alquimista.ai/problems/conflict");
  EXPECT_STREQ(d["error"].GetString(), "conflict");
}

TEST(ProblemCatalog, ValidationFailureListsItsFields) {
  std::vector<painel::FieldError> errs = {{"name", "required", "name is required"},
                                          {"limits.max_agents", "out-of-range", "too \"big\""}};
  auto r = problem(400, "Bad Request", "name is required", "rid", "validation-failed", errs);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_STREQ(d["type"].GetString(), "https://painel.alquimista.ai/problems/validation-failed");
  ASSERT_TRUE(d["errors"].IsArray());
  ASSERT_EQ(d["errors"].Size(), 2u);
  EXPECT_STREQ(d["errors"][0]["field"].GetString(), "name");
  EXPECT_STREQ(d["errors"][0]["code"].GetString(), "required");
  EXPECT_STREQ(d["errors"][1]["field"].GetString(), "limits.max_agents");
  EXPECT_STREQ(d["errors"][1]["message"].GetString(), "too \"big\"");
}
