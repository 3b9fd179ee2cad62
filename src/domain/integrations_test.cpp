#include "domain/integrations.hpp"

#include <gtest/gtest.h>

namespace painel::domain {
namespace {

TEST(IntegrationRulesTest, TypesAreTheFiveConnectors) {
  EXPECT_EQ(integration_type_list(), "whatsapp, email, crm, erp, webhook");
  EXPECT_TRUE(is_integration_type("crm"));
  EXPECT_FALSE(is_integration_type("CRM"));
  EXPECT_FALSE(is_integration_type(""));
}

TEST(IntegrationRulesTest, AnErrorReportRecordsTheErrorAndWhen) {
  auto s = sync_outcome("error", 5000, std::string("401 token expired"), 1000);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "error");
  EXPECT_EQ(s->last_sync_ms, 5000);
  EXPECT_EQ(s->last_error, "401 token expired");
  EXPECT_EQ(s->last_error_ms, 5000);
  auto bare = sync_outcome("error", 5000, std::nullopt, std::nullopt);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->last_error, "sync failed");
}

TEST(IntegrationRulesTest, AnActiveReportClearsTheError) {
  auto s = sync_outcome("active", 7000, std::nullopt, 5000);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "active");
  EXPECT_FALSE(s->last_error);
  EXPECT_FALSE(s->last_error_ms);
}

TEST(IntegrationRulesTest, AnOlderReportChangesNothing) {
  EXPECT_FALSE(sync_outcome("active", 4999, std::nullopt, 5000));
  EXPECT_TRUE(sync_outcome("active", 5000, std::nullopt, 5000));  // the same instant: applied
}

TEST(IntegrationRulesTest, ReportsRefusedByRule) {
  int64_t now = 1'000'000'000;
  EXPECT_FALSE(sync_report_problem("error", now, true, now));
  EXPECT_FALSE(sync_report_problem("active", now + kSyncClockSkewMs, false, now));
  EXPECT_TRUE(sync_report_problem("active", now, true, now));
  EXPECT_TRUE(sync_report_problem("error", now + kSyncClockSkewMs + 1, false, now));
}

}  // namespace
}  // namespace painel::domain
