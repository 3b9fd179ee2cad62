#include "obs/log.hpp"

#include <gtest/gtest.h>

namespace painel::obs {
namespace {

TEST(LogLevel, AcceptsTheNamesLinesPrintAndPeopleWrite) {
  using L = spdlog::level::level_enum;
  EXPECT_EQ(parse_log_level("warn"), L::warn);
  EXPECT_EQ(parse_log_level("warning"), L::warn);  // what a line prints ("level":"warning")
  EXPECT_EQ(parse_log_level("WARNING"), L::warn);
  EXPECT_EQ(parse_log_level("Info"), L::info);
  EXPECT_EQ(parse_log_level("error"), L::err);
  EXPECT_EQ(parse_log_level("err"), L::err);
  EXPECT_EQ(parse_log_level("critical"), L::critical);
  EXPECT_EQ(parse_log_level("off"), L::off);
  EXPECT_EQ(parse_log_level("verbose"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
  // Every level's printed name is accepted back.
  for (int l = L::trace; l <= L::off; ++l) {
    auto name = spdlog::level::to_string_view(static_cast<L>(l));
    EXPECT_EQ(parse_log_level(std::string_view(name.data(), name.size())), static_cast<L>(l));
  }
}

TEST(LogText, FieldsCannotForgeAnotherFieldOrLine) {
  EXPECT_EQ(text_field("/tenant/agents"), "/tenant/agents");
  EXPECT_EQ(text_field(""), "\"\"");
  EXPECT_EQ(text_field("a b"), "\"a b\"");
  EXPECT_EQ(text_field("x status=500"), "\"x status=500\"");
  EXPECT_EQ(text_field("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(text_field("a\nb"), "\"a\\x0ab\"");
}

}  // namespace
}  // namespace painel::obs
