#include "domain/command_output.hpp"

#include <gtest/gtest.h>

namespace painel::domain {
namespace {

std::string out(const char* type, const char* stored) {
  return command_output(type, "SUCCESS", std::string(stored)).value_or("<null>");
}

TEST(CommandOutput, NullUntilSucceeded) {
  for (auto s : {"PENDING", "RUNNING", "ERROR", "CANCELLED", "AWAITING_APPROVAL"})
    EXPECT_FALSE(command_output("HEALTH_CHECK", s, std::string("{}"))) << s;
  EXPECT_FALSE(command_result(std::nullopt));
}

TEST(CommandOutput, TextStoredByAnotherVersionIsItsOwnSummary) {
  EXPECT_EQ(out("REPROCESS_QUEUE", "Reprocessed 10 messages from queue leads"),
            "Reprocessed 10 messages from queue leads");
  EXPECT_FALSE(command_result(std::string("plain text")));
  EXPECT_EQ(command_result(std::string("{\"a\":1}")), std::optional<std::string>("{\"a\":1}"));
}

TEST(CommandOutput, OneReadableLinePerType) {
  EXPECT_EQ(out("REPROCESS_QUEUE",
                R"({"mode":"days","scope":"tenant","from":"2026-01-01","to":"2026-01-02",
                    "days_processed":2,"events":30,"rows_written":4,"queue_name":"leads",
                    "not_applied":"max_messages not applied: Painel re-aggregates whole days"})"),
            "Queue 'leads' reprocessed as the tenant's usage: 2 days re-aggregated (2026-01-01 to "
            "2026-01-02), 30 events, 4 rows written; max_messages not applied: Painel "
            "re-aggregates whole days");
  EXPECT_EQ(out("REPROCESS_QUEUE", R"({"scope":"all_tenants","days_processed":0})"),
            "Reprocessed every tenant's usage: no days with events awaiting aggregation");
  EXPECT_EQ(out("FLUSH_TENANT_CACHE", R"({"keys_dropped":12})"),
            "Tenant cache flushed: 12 entries removed");
  EXPECT_EQ(out("SUSPEND_TENANT", R"({"previous_status":"active","status":"suspended"})"),
            "Tenant suspended: status active -> suspended");
  EXPECT_EQ(out("RESTART_AGENT", R"({"agent_id":"k1","name":"SDR","status":"active","restart_count":3})"),
            "Agent SDR (k1) restarted (restart #3), status active");
  EXPECT_EQ(out("HEALTH_CHECK", R"({"healthy":true,"agents":[{},{}],"integrations":[{}]})"),
            "Health check: healthy (2 agents and 1 integration checked)");
  EXPECT_EQ(out("RESOLVE_INCIDENT", R"({"incident_id":"i1","previous_status":"open"})"),
            "Incident i1 resolved");
  for (auto t : {"RESET_TOKEN", "PAUSE_AGENT", "RESUME_AGENT", "REACTIVATE_TENANT", "NEW_TYPE"})
    EXPECT_FALSE(out(t, "{}").empty()) << t;
}

}  // namespace
}  // namespace painel::domain
