#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

namespace painel::auth {
namespace {

TEST(PasswordPolicyTest, LengthIsCountedInCharactersNotBytes) {
  EXPECT_TRUE(password_policy_violation("short-pw1", "a@b.co"));             // 9
  EXPECT_FALSE(password_policy_violation("long-enough", "a@b.co"));          // 11
  EXPECT_FALSE(password_policy_violation("çãõéíúâêô!", "a@b.co"));           // 10 chars, 20 bytes
  EXPECT_TRUE(password_policy_violation("çãõéíúâêô", "a@b.co"));             // 9 chars, 18 bytes
  EXPECT_FALSE(password_policy_violation(std::string(128, 'x') , "a@b.co"));
  EXPECT_TRUE(password_policy_violation(std::string(129, 'x'), "a@b.co"));
}

TEST(PasswordPolicyTest, RefusesTheEmailAndItsLocalPart) {
  EXPECT_TRUE(password_policy_violation("Maria.Silva@Empresa.com.br", "maria.silva@empresa.com.br"));
  EXPECT_TRUE(password_policy_violation("MARIA.SILVA", "maria.silva@empresa.com.br"));
  EXPECT_FALSE(password_policy_violation("maria.silva!2026", "maria.silva@empresa.com.br"));
}

TEST(PasswordPolicyTest, RefusesCommonPasswordsInAnyCase) {
  EXPECT_TRUE(is_common_password("password123"));
  EXPECT_TRUE(is_common_password("PassWord123"));
  EXPECT_TRUE(is_common_password("123456"));          // rank 1
  EXPECT_TRUE(is_common_password("senha12345"));      // pt-BR supplement
  EXPECT_TRUE(password_policy_violation("1234567890", "a@b.co"));
  EXPECT_FALSE(is_common_password("correct-horse-battery"));
  EXPECT_FALSE(is_common_password(""));
}

TEST(PasswordPolicyTest, RefusesInvalidUtf8AndNul) {
  EXPECT_TRUE(password_policy_violation("\xff\xfe-long-enough", "a@b.co"));
  EXPECT_TRUE(password_policy_violation(std::string("long-enough\0x", 13), "a@b.co"));
}

}  // namespace
}  // namespace painel::auth
