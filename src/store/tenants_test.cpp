// The API's tenant reads and the page helper, on SQLite (a real file) and PostgreSQL
// (PgServer*: skipped unless PAINEL_TEST_PG_URL(_FILE) is set; ctest's pg.unit).
#include "store/tenants.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "store/agents.hpp"
#include "store/billing.hpp"
#include "store/incidents.hpp"
#include "store/page.hpp"
#include "store/test_stores.hpp"
#include "store/users.hpp"

namespace painel::store {
namespace {

constexpr int64_t kNow = 1773100800000;  // 2026-03-10T00:00:00Z

// Filters are ANDed and bound, the count ignores the page, the page keeps the order.
void paged_query(Store& s) {
  Conn& c = s.conn();
  c.exec_script("CREATE TABLE page_items (n INTEGER NOT NULL, kind TEXT NOT NULL)");
  for (int n = 1; n <= 7; ++n)
    c.exec("INSERT INTO page_items(n, kind) VALUES (?, ?)", {int64_t{n}, n % 2 ? "odd" : "even"});
  PagedQuery all("FROM page_items");
  EXPECT_EQ(all.where_sql(), "");
  EXPECT_EQ(all.count(c), 7);
  auto ns = [&](const PagedQuery& q, PageRequest p) {
    std::vector<int64_t> out;
    for (auto& r : q.rows(c, "n", "n DESC", p)) out.push_back(r.i64(0));
    return out;
  };
  EXPECT_EQ(ns(all, {3, 2}), (std::vector<int64_t>{5, 4, 3}));
  PagedQuery odd("FROM page_items");
  odd.where("kind = ?", "odd").where("n > ? AND n < ?", Params{int64_t{1}, int64_t{7}});
  EXPECT_EQ(odd.where_sql(), " WHERE kind = ? AND n > ? AND n < ?");
  EXPECT_EQ(odd.count(c), 2);
  EXPECT_EQ(ns(odd, {10, 0}), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(ns(odd, {10, 5}), (std::vector<int64_t>{}));
  // A value is data, never SQL.
  PagedQuery hostile("FROM page_items");
  hostile.where("kind = ?", "odd' OR 1=1 --");
  EXPECT_EQ(hostile.count(c), 0);
  // Column placeholders come before the filters'.
  std::vector<int64_t> seen;
  odd.each_view(c, "n + ?", {int64_t{100}}, "n", {1, 1},
                [&](const RowView& r) { seen.push_back(r.i64(0)); });
  EXPECT_EQ(seen, (std::vector<int64_t>{105}));
}

struct World {
  std::string t1, t2, u1, u2, u3;
};

World make_world(Conn& c) {
  World w;
  w.t1 = create_tenant(c, {"Padaria Pão", std::nullopt, "varejo", "starter", "active"}, kNow);
  w.t2 = create_tenant(c, {"Oficina Óleo", "11222333000181", "servicos", "professional", "trial"},
                       kNow + 1000);
  auto user = [&](const char* email, const std::string& t) {
    return create_user(c, {email, "U", std::nullopt, std::nullopt, {"TENANT_USER"}, t}, kNow);
  };
  w.u1 = user("u1@x.com", w.t1);
  w.u2 = user("u2@x.com", w.t1);
  w.u3 = user("u3@x.com", w.t2);
  return w;
}

int64_t active_users(Conn& c, const std::string& t) {
  return tenant_overview(c, make_tenant_scope(t, true))->active_users;
}

// active_users (migration 10) counts the users that are not disabled, through every writer.
void active_users_follow_users(Store& s) {
  Conn& c = s.conn();
  World w = make_world(c);
  EXPECT_EQ(active_users(c, w.t1), 2);
  c.exec("UPDATE users SET disabled = 1 WHERE id = ?", {w.u1});
  EXPECT_EQ(active_users(c, w.t1), 1);
  c.exec("UPDATE users SET disabled = 2 WHERE id = ?", {w.u1});  // still disabled
  c.exec("UPDATE users SET full_name = 'V' WHERE id = ?", {w.u1});
  EXPECT_EQ(active_users(c, w.t1), 1);
  c.exec("UPDATE users SET disabled = 0 WHERE id = ?", {w.u1});
  EXPECT_EQ(active_users(c, w.t1), 2);
  c.exec("UPDATE users SET disabled = 1 WHERE id = ?", {w.u2});
  c.exec("DELETE FROM users WHERE id = ?", {w.u2});  // disabled: no change
  EXPECT_EQ(active_users(c, w.t1), 1);
  c.exec("UPDATE tenant_users SET tenant_id = ? WHERE user_id = ?", {w.t1, w.u3});  // moved
  EXPECT_EQ(active_users(c, w.t1), 2);
  EXPECT_EQ(active_users(c, w.t2), 0);
  c.exec("DELETE FROM users WHERE id = ?", {w.u1});  // active, cascades to tenant_users
  EXPECT_EQ(active_users(c, w.t1), 1);
  c.exec("UPDATE tenants SET active_users = 9");
  recount_tenant_children(c);
  EXPECT_EQ(active_users(c, w.t1), 1);
  EXPECT_EQ(active_users(c, w.t2), 0);
}

std::vector<std::string> listed(Conn& c, const TenantListQuery& q, int64_t* total = nullptr) {
  std::vector<std::string> names;
  int64_t n = list_tenants(c, q, day_of_ms(kNow),
                           [&](const TenantListItem& t) { names.emplace_back(t.name); });
  if (total) *total = n;
  return names;
}

void tenant_list_filters(Store& s) {
  Conn& c = s.conn();
  World w = make_world(c);
  c.exec("UPDATE users SET disabled = 1 WHERE id = ?", {w.u2});
  TenantListQuery q;
  int64_t total = 0;
  EXPECT_EQ(listed(c, q, &total), (std::vector<std::string>{"Oficina Óleo", "Padaria Pão"}));
  EXPECT_EQ(total, 2);
  q.status = "trial";
  EXPECT_EQ(listed(c, q, &total), (std::vector<std::string>{"Oficina Óleo"}));
  EXPECT_EQ(total, 1);
  q.status.reset();
  q.search = "PAO";  // folded
  EXPECT_EQ(listed(c, q), (std::vector<std::string>{"Padaria Pão"}));
  q.search = "11.222";  // CNPJ digits
  EXPECT_EQ(listed(c, q), (std::vector<std::string>{"Oficina Óleo"}));
  q.search = "%";  // a LIKE wildcard is a literal
  EXPECT_EQ(listed(c, q), (std::vector<std::string>{}));
  q.search.reset();
  q.sort_by = TenantListQuery::SortBy::CreatedAt;
  q.ascending = false;
  q.page = {1, 0};
  EXPECT_EQ(listed(c, q, &total), (std::vector<std::string>{"Oficina Óleo"}));
  EXPECT_EQ(total, 2);
  q.page = {1, 1};
  q.plan = "starter";
  EXPECT_EQ(listed(c, q, &total), (std::vector<std::string>{}));
  EXPECT_EQ(total, 1);
  // The list and /tenant/me agree on active_users.
  int64_t shown = -1;
  list_tenants(c, {.status = "active"}, day_of_ms(kNow),
               [&](const TenantListItem& t) { shown = t.active_users; });
  EXPECT_EQ(shown, 1);
  EXPECT_EQ(active_users(c, w.t1), 1);
}

// One statement: contracts by name with their usage over the days asked for.
void contracted_agents_with_usage(Store& s) {
  Conn& c = s.conn();
  World w = make_world(c);
  auto a1 = create_agent(c, {"beta", "Beta", "varejo", "hermes", "", 100}, kNow);
  auto a2 = create_agent(c, {"alfa", "Alfa", "varejo", "hermes", "", 200}, kNow);
  contract_agent(c, w.t1, a1, kNow);
  contract_agent(c, w.t1, a2, kNow);
  c.exec("UPDATE tenant_agents SET status = 'inactive' WHERE agent_id = ?", {a2});
  int64_t today = day_of_ms(kNow);
  auto day = [&](int64_t d, const std::string& a, int64_t total, const char* last) {
    c.exec(
        "INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, "
        "successful_requests, failed_requests, sum_response_time_ms, total_tokens, cost_cents, "
        "last_request_at, aggregated_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0, 0, ?, ?)",
        {w.t1, a, format_day(d), total, total - 1, total * 10, last, last});
  };
  day(today, a1, 4, "2026-03-10T10:00:00Z");
  day(today - 1, a1, 6, "2026-03-09T10:00:00Z");
  day(today - 30, a1, 100, "2026-02-08T10:00:00Z");  // outside the 30 days
  auto scope = make_tenant_scope(w.t1, false);
  auto all = contracted_agents(c, scope, "all", today - 29, today);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Alfa");
  EXPECT_EQ(all[0].status, "inactive");
  EXPECT_EQ(all[0].usage.total, 0);
  EXPECT_FALSE(all[0].last_request_at);
  EXPECT_EQ(all[1].usage.total, 10);
  EXPECT_EQ(all[1].usage.successful, 8);
  EXPECT_EQ(all[1].usage.sum_response_ms, 100);
  ASSERT_TRUE(all[1].last_request_at);  // PostgreSQL writes it back with milliseconds
  EXPECT_EQ(parse_rfc3339(*all[1].last_request_at), parse_rfc3339("2026-03-10T10:00:00Z"));
  EXPECT_EQ(all[1].monthly_price_cents, 100);
  auto active = contracted_agents(c, scope, "active", today - 29, today);
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].id, a1);
  EXPECT_TRUE(tenant_has_agent(c, scope, a2));
  EXPECT_FALSE(tenant_has_agent(c, make_tenant_scope(w.t2, false), a2));
}

// Migration 24: a tenant's zone is stored, defaults to São Paulo, and is edited with the
// rest of its settings; every tenant read carries it.
void time_zone_round_trip(Store& s) {
  Conn& c = s.conn();
  auto sp = create_tenant(c, {"Fuso Padrão", std::nullopt, "varejo", "starter", "active"}, kNow);
  NewTenant ny_t{"Fuso Nova York", std::nullopt, "varejo", "starter", "active"};
  ny_t.time_zone = "America/New_York";
  auto ny = create_tenant(c, ny_t, kNow);
  EXPECT_EQ(tenant_record(c, make_tenant_scope(sp, false))->time_zone, "America/Sao_Paulo");
  EXPECT_EQ(tenant_overview(c, make_tenant_scope(ny, false))->tenant.time_zone, "America/New_York");
  auto settings = *tenant_settings(c, ny);
  EXPECT_EQ(settings.time_zone, "America/New_York");
  settings.time_zone = "Asia/Tokyo";
  ASSERT_TRUE(update_tenant(c, ny, settings, kNow + 1000));
  EXPECT_EQ(tenant_settings(c, ny)->time_zone, "Asia/Tokyo");
  EXPECT_EQ(tenant_record(c, make_tenant_scope(ny, false))->time_zone, "Asia/Tokyo");
  EXPECT_EQ(tenant_settings(c, sp)->time_zone, "America/Sao_Paulo");  // the other one stays
  EXPECT_EQ(tenant_time_zone(c, make_tenant_scope(ny, false)).name(), "Asia/Tokyo");
  EXPECT_EQ(
      tenant_time_zone(c, make_tenant_scope("0b1c5a5e-0000-4000-8000-0000000000ff", false)).name(),
      "America/Sao_Paulo");  // gone: the default

  // The billing's status changes are dated in the zone asked for: created at 00:00 UTC on
  // the 10th is the 9th in São Paulo.
  for (auto& [zone, day] : {std::pair{"America/Sao_Paulo", "2026-03-09"}, {"UTC", "2026-03-10"}})
    for (auto& ch : status_changes(c, *TimeZone::find(zone)))
      EXPECT_EQ(format_day(ch.day), day) << zone;
}

using TenantReads = SqliteStoreTest;
using PgServerTenantReads = PgStoreTest;

TEST_F(TenantReads, PagedQuery) { paged_query(*store_); }
TEST_F(TenantReads, ActiveUsersFollowUsers) { active_users_follow_users(*store_); }
TEST_F(TenantReads, TenantListFilters) { tenant_list_filters(*store_); }
TEST_F(TenantReads, ContractedAgentsWithUsage) { contracted_agents_with_usage(*store_); }
TEST_F(TenantReads, TimeZoneRoundTrip) { time_zone_round_trip(*store_); }

TEST_F(PgServerTenantReads, PagedQuery) { paged_query(*store_); }
TEST_F(PgServerTenantReads, ActiveUsersFollowUsers) { active_users_follow_users(*store_); }
TEST_F(PgServerTenantReads, TenantListFilters) { tenant_list_filters(*store_); }
TEST_F(PgServerTenantReads, ContractedAgentsWithUsage) { contracted_agents_with_usage(*store_); }
TEST_F(PgServerTenantReads, TimeZoneRoundTrip) { time_zone_round_trip(*store_); }

}  // namespace
}  // namespace painel::store
