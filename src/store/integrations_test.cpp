// Integrations' writes, sync reports and the staff list, on SQLite (a real file) and
// PostgreSQL (PgServer*: skipped unless PAINEL_TEST_PG_URL(_FILE) is set; ctest's pg.unit).
#include "store/integrations.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"

namespace painel::store {
namespace {

constexpr int64_t kNow = 1773100800000;  // 2026-03-10T00:00:00Z

std::vector<std::string> ids_of(const PageOf<StaffIntegration>& p) {
  std::vector<std::string> out;
  for (auto& i : p.items) out.push_back(i.id);
  return out;
}

void writes_and_staff_list(Store& s) {
  Conn& c = s.conn();
  auto t1 = create_tenant(c, {"Padaria Pão", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto t2 = create_tenant(c, {"Oficina Óleo", std::nullopt, "servicos", "starter", "active"}, kNow);
  auto s1 = make_tenant_scope(t1, false), s2 = make_tenant_scope(t2, false);
  auto a = insert_integration(c, s1, {"crm", "CRM", "active", R"({"x":1})"},
                              SealedCredentials{"sealed-text", 1}, kNow);
  auto b = insert_integration(c, s1, {"email", "SMTP", "active", std::nullopt}, std::nullopt, kNow);
  auto z = insert_integration(c, s2, {"erp", "ERP", "active", std::nullopt}, std::nullopt, kNow);

  auto got = find_integration(c, s1, a);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->has_credentials);
  EXPECT_EQ(got->config, R"({"x":1})");
  EXPECT_EQ(got->created_at, format_rfc3339(kNow));
  EXPECT_FALSE(find_integration(c, s2, a));  // another tenant's: not found
  EXPECT_TRUE(integration_name_taken(c, s1, "CRM"));
  EXPECT_FALSE(integration_name_taken(c, s1, "CRM", a));
  EXPECT_FALSE(integration_name_taken(c, s2, "CRM"));

  update_integration(c, s1, a, {"crm", "CRM 2", "inactive", std::nullopt}, kNow + 1);
  set_integration_credentials(c, s1, a, std::nullopt, kNow + 1);
  got = find_integration(c, s1, a);
  EXPECT_EQ(got->name, "CRM 2");
  EXPECT_EQ(got->status, "inactive");
  EXPECT_FALSE(got->config);
  EXPECT_FALSE(got->has_credentials);
  // a scope never reaches another tenant's row
  update_integration(c, s2, a, {"crm", "hijack", "active", std::nullopt}, kNow + 2);
  EXPECT_EQ(find_integration(c, s1, a)->name, "CRM 2");
  EXPECT_FALSE(delete_integration(c, s2, a));

  // sync reports: b failed at +10 s, z at +20 s; a never failed
  auto t = sync_target(c, b);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tenant_id, t1);
  record_integration_sync(c, b, "error", format_rfc3339(kNow + 10000), "timeout",
                          format_rfc3339(kNow + 10000), kNow);
  record_integration_sync(c, z, "error", format_rfc3339(kNow + 20000), "401",
                          format_rfc3339(kNow + 20000), kNow);
  auto errors = list_integrations(c, {"error", std::nullopt, std::nullopt}, {50, 0});
  EXPECT_EQ(ids_of(errors), (std::vector<std::string>{z, b}));
  EXPECT_EQ(errors.total, 2);
  EXPECT_EQ(errors.items[0].tenant_name, "Oficina Óleo");
  EXPECT_EQ(errors.items[0].last_error, "401");
  EXPECT_EQ(errors.items[0].last_error_at, format_rfc3339(kNow + 20000));
  auto all = list_integrations(c, {}, {50, 0});
  EXPECT_EQ(ids_of(all), (std::vector<std::string>{z, b, a}));  // never failed: last
  EXPECT_EQ(ids_of(list_integrations(c, {}, {1, 1})), (std::vector<std::string>{b}));
  EXPECT_EQ(ids_of(list_integrations(c, {std::nullopt, "email", std::nullopt}, {50, 0})),
            (std::vector<std::string>{b}));
  EXPECT_EQ(ids_of(list_integrations(c, {std::nullopt, std::nullopt, t2}, {50, 0})),
            (std::vector<std::string>{z}));

  // RESET_TOKEN's clearing also forgets the key id and dates the error
  set_integration_credentials(c, s1, b, SealedCredentials{"x", 1}, kNow);
  clear_integration_credential(c, t1, b, kNow + 30000);
  got = find_integration(c, s1, b);
  EXPECT_FALSE(got->has_credentials);
  EXPECT_EQ(got->status, "inactive");
  EXPECT_EQ(got->last_error_at, format_rfc3339(kNow + 30000));
  EXPECT_TRUE(c.query("SELECT 1 FROM tenant_integrations WHERE id = ? AND credentials_key_id IS NULL",
                      {b})
                  .size() == 1);

  EXPECT_TRUE(delete_integration(c, s1, a));
  EXPECT_FALSE(find_integration(c, s1, a));
}

using IntegrationStore = SqliteStoreTest;
using PgServerIntegrationStore = PgStoreTest;

TEST_F(IntegrationStore, WritesAndStaffList) { writes_and_staff_list(*store_); }
TEST_F(PgServerIntegrationStore, WritesAndStaffList) {
  if (store_) writes_and_staff_list(*store_);
}

// The "integrations with error" view reads its index in order: no sort step.
TEST_F(IntegrationStore, ErrorViewUsesItsIndex) {
  std::string plan;
  for (auto& r : store_->conn().query(
           "EXPLAIN QUERY PLAN SELECT i.id FROM tenant_integrations i JOIN tenants t ON t.id = "
           "i.tenant_id WHERE i.status = ? ORDER BY i.last_error_at DESC NULLS LAST, i.id LIMIT 50",
           {"error"}))
    plan += r.str(3) + "\n";
  EXPECT_NE(plan.find("tenant_integrations_errors"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace painel::store
