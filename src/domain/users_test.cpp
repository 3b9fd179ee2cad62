#include "domain/users.hpp"

#include <gtest/gtest.h>

namespace painel::domain {

TEST(UserRules, EmailIsTrimmedLowerCasedAndChecked) {
  EXPECT_EQ(normalize_email("  Ana.Silva+x@Example.COM.br "), "ana.silva+x@example.com.br");
  EXPECT_FALSE(normalize_email(""));
  EXPECT_FALSE(normalize_email("ana"));
  EXPECT_FALSE(normalize_email("ana@localhost"));
  EXPECT_FALSE(normalize_email("a@b@c.com"));
  EXPECT_FALSE(normalize_email("@c.com"));
  EXPECT_FALSE(normalize_email("ana silva@c.com"));
  EXPECT_FALSE(normalize_email("ana..s@c.com"));
  EXPECT_FALSE(normalize_email(".ana@c.com"));
  EXPECT_FALSE(normalize_email("ana@c..com"));
  EXPECT_FALSE(normalize_email("ana@-c.com"));
  EXPECT_FALSE(normalize_email("jo\xc3\xa3o@c.com"));
  EXPECT_FALSE(normalize_email("ana@c.com\n"));
  std::string local(64, 'a'), dom(63, 'b');
  std::string e = local + "@" + dom + "." + dom + "." + std::string(61, 'c');
  ASSERT_EQ(e.size(), 254u);
  EXPECT_TRUE(normalize_email(e));
  EXPECT_FALSE(normalize_email(e + "c"));
  EXPECT_FALSE(normalize_email(std::string(65, 'a') + "@c.com"));
}

TEST(UserRules, NameIsOneTo120Characters) {
  EXPECT_EQ(normalize_user_name("  João da Silva "), "João da Silva");
  EXPECT_FALSE(normalize_user_name("   "));
  EXPECT_FALSE(normalize_user_name("a\tb\x01"));
  std::string accents;
  for (int i = 0; i < 120; ++i) accents += "ã";  // 240 bytes, 120 characters
  EXPECT_TRUE(normalize_user_name(accents));
  EXPECT_FALSE(normalize_user_name(accents + "a"));
  EXPECT_FALSE(normalize_user_name("\xff\xfe"));
}

TEST(UserRules, GroupKindsAndWhoMayAssign) {
  EXPECT_TRUE(same_group_kind(kInternalAdmin, kInternalSupport));
  EXPECT_TRUE(same_group_kind(kTenantAdmin, kTenantUser));
  EXPECT_FALSE(same_group_kind(kInternalSupport, kTenantAdmin));
  EXPECT_TRUE(may_assign_group(kInternalAdmin, kInternalAdmin));
  EXPECT_TRUE(may_assign_group(kInternalAdmin, kTenantUser));
  EXPECT_TRUE(may_assign_group(kTenantAdmin, kTenantAdmin));
  EXPECT_FALSE(may_assign_group(kTenantAdmin, kInternalSupport));
  EXPECT_FALSE(may_assign_group(kInternalSupport, kTenantUser));
  EXPECT_FALSE(may_assign_group(kTenantUser, kTenantUser));
}

TEST(UserRules, UserLimit) {
  EXPECT_FALSE(user_limit_reached(2, 3));
  EXPECT_TRUE(user_limit_reached(3, 3));
  EXPECT_TRUE(user_limit_reached(0, 0));
  EXPECT_EQ(std::string(user_status(true)), "disabled");
}

TEST(UserRules, TenantMembersSpeakTheOriginalsRoles) {
  EXPECT_STREQ(original_tenant_role("TENANT_ADMIN"), "admin");
  EXPECT_STREQ(original_tenant_role("TENANT_USER"), "user");
}

}  // namespace painel::domain
