// The agent catalog's repository on SQLite and PostgreSQL (PgServer*: skipped unless the
// test cluster is configured).
#include "store/catalog.hpp"

#include <gtest/gtest.h>

#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

constexpr int64_t kNow = 1773100800000;  // 2026-03-10T00:00:00Z

std::vector<std::string> names(const PageOf<CatalogAgent>& p) {
  std::vector<std::string> out;
  for (auto& a : p.items) out.push_back(a.name);
  return out;
}

void list_filters_search_and_counts(Store& s) {
  Conn& c = s.conn();
  auto beta = create_catalog_agent(c, {"Beta Cobrança", "varejo", "hermes", "", 100}, kNow);
  auto alfa = create_catalog_agent(c, {"Alfa", "varejo", "atlas", "d", 200}, kNow);
  create_catalog_agent(c, {"Gama", "saude", "oracle", "", 300}, kNow);
  auto t1 = create_tenant(c, {"T1", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto t2 = create_tenant(c, {"T2", std::nullopt, "varejo", "starter", "active"}, kNow);
  contract_agent(c, t1, beta, kNow);
  contract_agent(c, t2, beta, kNow);
  auto ended = contract_agent(c, t1, alfa, kNow);
  deactivate_contract(c, ended, kNow);

  CatalogQuery all;
  auto p = list_catalog(c, all);
  EXPECT_EQ(p.total, 3);
  EXPECT_EQ(names(p), (std::vector<std::string>{"Alfa", "Beta Cobrança", "Gama"}));
  EXPECT_EQ(p.items[0].deployed_count, 0);  // its only contract ended
  EXPECT_EQ(p.items[1].deployed_count, 2);
  EXPECT_EQ(p.items[0].updated_at, p.items[0].created_at);
  EXPECT_EQ(p.items[0].slug, "alfa");

  CatalogQuery q;
  q.segment = "varejo";
  q.page = {1, 1};
  p = list_catalog(c, q);
  EXPECT_EQ(p.total, 2);
  EXPECT_EQ(names(p), (std::vector<std::string>{"Beta Cobrança"}));

  CatalogQuery search;
  search.search = "COBRANCA";
  p = list_catalog(c, search);
  EXPECT_EQ(p.total, 1);
  EXPECT_EQ(names(p), (std::vector<std::string>{"Beta Cobrança"}));
  search.search = "a";
  search.page = {1, 2};
  p = list_catalog(c, search);
  EXPECT_EQ(p.total, 3);
  EXPECT_EQ(names(p), (std::vector<std::string>{"Gama"}));

  auto retired = *find_catalog_agent(c, alfa);
  retired.status = "retired";
  update_catalog_agent(c, retired, kNow + 5000);
  CatalogQuery active;
  active.status = "active";
  EXPECT_EQ(list_catalog(c, active).total, 2);
  active.status = "retired";
  EXPECT_EQ(names(list_catalog(c, active)), (std::vector<std::string>{"Alfa"}));
  EXPECT_GT(find_catalog_agent(c, alfa)->updated_at, find_catalog_agent(c, alfa)->created_at);
}

void names_slugs_and_retirement(Store& s) {
  Conn& c = s.conn();
  auto a = create_catalog_agent(c, {"Agente de Cobrança", "x", "nigredo", "", 0}, kNow);
  EXPECT_EQ(agent_with_same_name(c, "agente  de COBRANCA"), a);
  EXPECT_FALSE(agent_with_same_name(c, "agente de cobrança", a));  // itself
  EXPECT_FALSE(agent_with_same_name(c, "Agente"));
  auto b = create_catalog_agent(c, {"Agente de Cobrança!", "x", "nigredo", "", 0}, kNow);
  EXPECT_EQ(find_catalog_agent(c, a)->slug, "agente-de-cobranca");
  EXPECT_EQ(find_catalog_agent(c, b)->slug, "agente-de-cobranca-2");

  EXPECT_EQ(agent_is_retired(c, a), false);
  EXPECT_FALSE(agent_is_retired(c, "00000000-0000-4000-8000-000000000000"));
  auto row = *find_catalog_agent(c, a);
  row.status = "retired";
  update_catalog_agent(c, row, kNow);
  EXPECT_EQ(agent_is_retired(c, a), true);
  EXPECT_FALSE(find_catalog_agent(c, "00000000-0000-4000-8000-000000000000"));
}

void price_change_moves_mrr(Store& s) {
  Conn& c = s.conn();
  auto a = create_catalog_agent(c, {"Caro", "x", "sophia", "", 10000}, kNow);
  auto t = create_tenant(c, {"T", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto base = *find_plan(c, "starter");
  contract_agent(c, t, a, kNow);
  EXPECT_EQ(recompute_tenant_mrr(c, t, kNow), base.base_price_cents + 10000);
  auto row = *find_catalog_agent(c, a);
  row.monthly_price_cents = 25000;
  update_catalog_agent(c, row, kNow);
  auto mrr = c.query("SELECT mrr_cents FROM tenants WHERE id = ?", {t})[0].i64(0);
  EXPECT_EQ(mrr, base.base_price_cents + 25000);
}

using CatalogStore = SqliteStoreTest;
using PgServerCatalog = PgStoreTest;

TEST_F(CatalogStore, ListFiltersSearchAndCounts) { list_filters_search_and_counts(*store_); }
TEST_F(CatalogStore, NamesSlugsAndRetirement) { names_slugs_and_retirement(*store_); }
TEST_F(CatalogStore, PriceChangeMovesMrr) { price_change_moves_mrr(*store_); }
TEST_F(PgServerCatalog, ListFiltersSearchAndCounts) {
  list_filters_search_and_counts(*store_);
}
TEST_F(PgServerCatalog, NamesSlugsAndRetirement) {
  names_slugs_and_retirement(*store_);
}
TEST_F(PgServerCatalog, PriceChangeMovesMrr) {
  price_change_moves_mrr(*store_);
}

}  // namespace
}  // namespace painel::store
