#include "api/denial_audit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <random>

#include "store/audit.hpp"

namespace painel::api {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z, a minute boundary

class DenialAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-denials-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = store::Store::open("sqlite:" + (dir_ / "t.db").string());
    store_->migrate("");
    store_->set_audit_key(std::string(32, 'k'));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Denial bad_token(std::string_view ip) {
    return Denial{"bad_token",  401, "GET", "/internal/tenants", std::nullopt, std::nullopt,
                  std::nullopt, ip,  "rid"};
  }
  // The auth.denied rows (actor = `actor` if given), oldest first, and their number.
  std::vector<store::AuditRow> denials(std::optional<std::string> actor = std::nullopt) {
    store::AuditFilter f;
    f.action = "auth.denied";
    f.actor = std::move(actor);
    f.limit = 1000;
    int64_t total = 0;
    auto out = store::audit_list(store_->conn(), f, total);
    std::reverse(out.begin(), out.end());  // audit_list is newest first
    return out;
  }
  int64_t rows() { return static_cast<int64_t>(denials().size()); }
  obs::Metrics metrics_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DenialAuditTest, OneRowPerSourceReasonRouteAndMinute) {
  DenialAudit d(metrics_);
  for (int i = 0; i < 1000; ++i) d.record(bad_token("10.0.0.1"), kT0 + i);
  d.record(bad_token("10.0.0.2"), kT0);
  d.record(bad_token("10.0.0.1"), kT0 + 60000);  // the next minute
  EXPECT_EQ(d.flush(*store_, kT0 + 61000), 3u);
  EXPECT_EQ(rows(), 3);
  auto m = denials();
  EXPECT_NE(m[0].metadata.find("\"count\":1000"), std::string::npos) << m[0].metadata;
  EXPECT_EQ(m[0].ip, "10.0.0.1");
  EXPECT_EQ(d.flush(*store_, kT0 + 62000), 0u);  // nothing left
  EXPECT_TRUE(store::audit_verify(store_->conn()).ok);
}

TEST_F(DenialAuditTest, DistinctSourcesAreBounded) {
  DenialAudit d(metrics_, 10);
  for (int i = 0; i < 500; ++i) d.record(bad_token("10.0.1." + std::to_string(i)), kT0);
  EXPECT_EQ(d.pending(), 11u);  // 10 keys + one overflow key for the reason and minute
  d.flush(*store_, kT0);
  auto over = denials("*");
  ASSERT_EQ(over.size(), 1u);
  EXPECT_NE(over[0].metadata.find("\"count\":490"), std::string::npos) << over[0].metadata;
}

}  // namespace
}  // namespace painel::api
