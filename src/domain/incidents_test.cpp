#include "domain/incidents.hpp"

#include <gtest/gtest.h>

namespace painel::domain {

TEST(IncidentWords, TheApiVocabularyOnly) {
  for (auto s : {"info", "warning", "error", "critical"}) EXPECT_TRUE(is_incident_severity(s)) << s;
  for (auto s : {"low", "medium", "high", "", "INFO"}) EXPECT_FALSE(is_incident_severity(s)) << s;
  EXPECT_TRUE(is_incident_status("open"));
  EXPECT_TRUE(is_incident_status("resolved"));
  EXPECT_FALSE(is_incident_status("closed"));
  for (auto s : {"manual", "health_check", "alert"}) EXPECT_TRUE(is_incident_source(s)) << s;
  for (auto s : {"staff", "alarm"}) EXPECT_FALSE(is_incident_source(s)) << s;
}

TEST(IncidentWords, StatusMoves) {
  EXPECT_EQ(incident_status_move("open", "resolved"), IncidentStatusMove::Resolve);
  EXPECT_EQ(incident_status_move("resolved", "open"), IncidentStatusMove::Reopen);
  EXPECT_EQ(incident_status_move("open", "open"), IncidentStatusMove::None);
  EXPECT_EQ(incident_status_move("resolved", "resolved"), IncidentStatusMove::None);
}

}  // namespace painel::domain
