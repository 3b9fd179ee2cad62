#include "domain/tenants.hpp"

#include <gtest/gtest.h>

namespace painel::domain {

TEST(TenantRules, EffectiveLimitsFallBackToThePlan) {
  LimitOverrides o;
  o.max_users = 7;
  auto e = effective_limits(o, {3, 5, 10000});
  EXPECT_EQ(e.max_agents, 3);
  EXPECT_EQ(e.max_users, 7);
  EXPECT_EQ(e.max_requests_per_month, 10000);
  o.at(0) = 0;
  EXPECT_EQ(effective_limits(o, {3, 5, 10000}).max_agents, 0);
}

TEST(TenantRules, InitialStatusAndName) {
  EXPECT_TRUE(valid_initial_status("trial"));
  EXPECT_TRUE(valid_initial_status("active"));
  EXPECT_FALSE(valid_initial_status("suspended"));
  EXPECT_TRUE(valid_tenant_name("Acme Ltda"));
  EXPECT_FALSE(valid_tenant_name("   "));
  EXPECT_FALSE(valid_tenant_name(std::string(201, 'a')));
  EXPECT_TRUE(valid_tenant_name(std::string(200, 'a')));
  EXPECT_FALSE(valid_tenant_name("a\nb"));
}

TEST(TenantRules, AgentLimit) {
  EXPECT_FALSE(agent_limit_reached(2, 3));
  EXPECT_TRUE(agent_limit_reached(3, 3));
  EXPECT_TRUE(agent_limit_reached(0, 0));
}

}  // namespace painel::domain
