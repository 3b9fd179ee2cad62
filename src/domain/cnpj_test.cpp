#include "domain/cnpj.hpp"

#include <gtest/gtest.h>

using namespace painel::domain;

TEST(Cnpj, ValidatesCheckDigits) {
  EXPECT_TRUE(cnpj_valid("11.222.333/0001-81"));
  EXPECT_TRUE(cnpj_valid("11222333000181"));
  EXPECT_FALSE(cnpj_valid("11.222.333/0001-82"));
  EXPECT_FALSE(cnpj_valid("00000000000000"));
  EXPECT_FALSE(cnpj_valid("1122233300018"));
  EXPECT_FALSE(cnpj_valid("11a22233300018"));
  EXPECT_EQ(cnpj_with_check_digits("112223330001"), "11222333000181");
  EXPECT_EQ(cnpj_format("11222333000181"), "11.222.333/0001-81");
}
