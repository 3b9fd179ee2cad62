#include "core/text.hpp"

#include <gtest/gtest.h>

namespace painel {

TEST(Text, FoldsAccentsForSearch) {
  EXPECT_EQ(fold_for_search("Clínica São João"), "clinica sao joao");
  EXPECT_EQ(fold_for_search("AÇÚCAR"), "acucar");
}

}  // namespace painel
