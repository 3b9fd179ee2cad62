#include "core/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace painel {

TEST(Text, FoldsAccentsForSearch) {
  EXPECT_EQ(fold_for_search("Clínica São João"), "clinica sao joao");
  EXPECT_EQ(fold_for_search("AÇÚCAR"), "acucar");
}

TEST(Text, NameSortKeysOrderNamesAsPtBr) {
  // Byte order puts every accented capital after "Z" and every capital before "a".
  std::vector<std::string> names = {"Zeta",  "universo", "Ótica Rio Claro",    "Ética",
                                    "avião", "Água",     "Universo Tecnologia"};
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return name_sort_key(a) < name_sort_key(b);
  });
  EXPECT_EQ(names, (std::vector<std::string>{"Água", "avião", "Ética", "Ótica Rio Claro",
                                             "universo", "Universo Tecnologia", "Zeta"}));
}

TEST(Text, NameSortKeyFoldsCaseAndEveryPortugueseAccent) {
  EXPECT_EQ(name_sort_key("ÁÀÂÃÄáàâãä"), "aaaaaaaaaa");
  EXPECT_EQ(name_sort_key("ÉÊÈéêè"), "eeeeee");
  EXPECT_EQ(name_sort_key("ÍÌíì"), "iiii");
  EXPECT_EQ(name_sort_key("ÓÔÕÒóôõò"), "oooooooo");
  EXPECT_EQ(name_sort_key("ÚÜÙúüù"), "uuuuuu");
  EXPECT_EQ(name_sort_key("Çç"), "cc");
  // Names that differ only in accents or case share a key (the name then breaks the tie).
  EXPECT_EQ(name_sort_key("Ética"), name_sort_key("etica"));
  // A space sorts before any letter, as in ICU's pt-BR collation.
  EXPECT_LT(name_sort_key("Lo ja"), name_sort_key("Loja"));
  EXPECT_EQ(name_sort_key(""), "");
}

}  // namespace painel
