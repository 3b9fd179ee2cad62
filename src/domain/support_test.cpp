#include "domain/support.hpp"

#include <gtest/gtest.h>

namespace painel::domain {
namespace {

TEST(SupportRules, CategoriesAndStatuses) {
  for (auto c : {"billing", "technical", "agent", "integration", "other"})
    EXPECT_TRUE(valid_support_category(c)) << c;
  EXPECT_FALSE(valid_support_category("Billing"));
  EXPECT_FALSE(valid_support_category(""));
  for (auto s : {"open", "answered", "closed"}) EXPECT_TRUE(valid_support_status(s)) << s;
  EXPECT_FALSE(valid_support_status("all"));
}

TEST(SupportRules, AMessageMovesTheStatus) {
  EXPECT_EQ(status_after_message("open", SupportSide::Staff), "answered");
  EXPECT_EQ(status_after_message("answered", SupportSide::Staff), "answered");
  EXPECT_EQ(status_after_message("answered", SupportSide::Tenant), "open");
  EXPECT_EQ(status_after_message("open", SupportSide::Tenant), "open");
  EXPECT_EQ(status_after_message("closed", SupportSide::Tenant), std::nullopt);
  EXPECT_EQ(status_after_message("closed", SupportSide::Staff), std::nullopt);
}

TEST(SupportRules, MultilineTextKeepsNewlinesOnly) {
  auto ok = check_multiline_text("  linha 1\r\nlinha 2\rção\n\n", 100);
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.text, "linha 1\nlinha 2\nção");
  EXPECT_NE(check_multiline_text("tab\there", 100).error, "");
  EXPECT_NE(check_multiline_text(std::string("nul\0x", 5), 100).error, "");
  EXPECT_NE(check_multiline_text("del\x7f", 100).error, "");
  EXPECT_NE(check_multiline_text("\xc3\x28", 100).error, "");  // invalid UTF-8
  EXPECT_EQ(check_multiline_text(" \n \r\n", 100).error, "must not be empty");
  EXPECT_EQ(check_multiline_text(std::string(10, 'a'), 10).error, "");
  EXPECT_NE(check_multiline_text(std::string(11, 'a'), 10).error, "");
  // the limit applies after CR LF became LF
  EXPECT_EQ(check_multiline_text("a\r\nb\r\nc", 5).text, "a\nb\nc");
}

}  // namespace
}  // namespace painel::domain
