#include "store/api_keys.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <tuple>

#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::store {
namespace {

class ApiKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-apikeys-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ApiKeys, AreGlobalOrScopedToOneTenant) {
  auto s = Store::open("sqlite:" + (dir_ / "t.db").string());
  s->migrate("");
  auto [global, scoped, tenant] = s->write([](Conn& c) {
    auto t = create_tenant(c, {"Acme"}, 0);
    return std::tuple{create_api_key(c, "g", std::nullopt, 0), create_api_key(c, "s", t, 0), t};
  });
  auto& c = s->conn();
  auto g = check_api_key(c, global.key);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id, global.id);
  EXPECT_FALSE(g->tenant_id);
  auto k = check_api_key(c, scoped.key);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->tenant_id, tenant);
  EXPECT_FALSE(check_api_key(c, scoped.key + "x"));
  s->write([&](Conn& w) { revoke_api_key(w, scoped.id, 1); });
  EXPECT_FALSE(check_api_key(c, scoped.key));
}

}  // namespace
}  // namespace painel::store
