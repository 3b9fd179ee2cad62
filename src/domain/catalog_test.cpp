#include "domain/catalog.hpp"

#include <gtest/gtest.h>

namespace painel::domain {
namespace {

TEST(Catalog, SlugFoldsAccentsAndPunctuation) {
  EXPECT_EQ(agent_slug("Agente de Cobrança"), "agente-de-cobranca");
  EXPECT_EQ(agent_slug("  Resumo & Co!  "), "resumo-e-co");
  EXPECT_EQ(agent_slug("SAC 24h"), "sac-24h");
  EXPECT_EQ(agent_slug("!!!"), "agent");
  EXPECT_EQ(slugify("!!!"), "");
}

TEST(Catalog, NameKeyIgnoresCaseAccentsAndSpaces) {
  EXPECT_EQ(agent_name_key("Agente  de Cobrança "), "agente de cobranca");
  EXPECT_EQ(agent_name_key("AGENTE DE COBRANCA"), agent_name_key("agente de cobrança"));
  EXPECT_NE(agent_name_key("Agente de Cobrança"), agent_name_key("Agente-de-Cobrança"));
}

TEST(Catalog, SubnucleiAreTheTablesCheckValues) {
  for (auto s : {"nigredo", "hermes", "sophia", "atlas", "oracle"}) EXPECT_TRUE(valid_subnucleus(s));
  EXPECT_FALSE(valid_subnucleus("Hermes"));
  EXPECT_FALSE(valid_subnucleus(""));
  EXPECT_EQ(subnucleus_list(), "nigredo, hermes, sophia, atlas, oracle");
}

}  // namespace
}  // namespace painel::domain
