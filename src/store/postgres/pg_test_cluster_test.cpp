// pg_test_cluster_url_or_skip(): skip only when nobody asked for a cluster; fail when one
// was asked for (PAINEL_TEST_PG_REQUIRED=1, or a URL file that is not there).
#include "store/postgres/pg_test_cluster.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>

namespace painel::store {
namespace {

// Sets the three variables for one test and puts back what was there.
class PgTestClusterEnv : public ::testing::Test {
 protected:
  static constexpr const char* kVars[] = {"PAINEL_TEST_PG_URL", "PAINEL_TEST_PG_URL_FILE",
                                          "PAINEL_TEST_PG_REQUIRED"};
  void SetUp() override {
    for (auto* v : kVars) {
      const char* was = std::getenv(v);
      saved_.emplace_back(was ? std::optional<std::string>(was) : std::nullopt);
      unsetenv(v);
    }
  }
  void TearDown() override {
    for (size_t i = 0; i < saved_.size(); ++i)
      if (saved_[i])
        setenv(kVars[i], saved_[i]->c_str(), 1);
      else
        unsetenv(kVars[i]);
  }
  std::vector<std::optional<std::string>> saved_;
};

TEST_F(PgTestClusterEnv, NothingConfiguredSkips) {
  // The skip is recorded on this test: check it, then pass the test on.
  EXPECT_EQ(pg_test_cluster_url_or_skip(), "");
  EXPECT_TRUE(IsSkipped());
}

TEST_F(PgTestClusterEnv, RequiredButMissingFails) {
  setenv("PAINEL_TEST_PG_REQUIRED", "1", 1);
  EXPECT_FATAL_FAILURE(pg_test_cluster_url_or_skip(), "PAINEL_TEST_PG_REQUIRED=1");
  EXPECT_FALSE(IsSkipped());
}

TEST_F(PgTestClusterEnv, AnUnreadableUrlFileFails) {
  setenv("PAINEL_TEST_PG_URL_FILE", "/nonexistent/painel-pg-test/url", 1);
  EXPECT_FATAL_FAILURE(pg_test_cluster_url_or_skip(), "is missing or empty");
}

TEST_F(PgTestClusterEnv, AConfiguredUrlIsReturned) {
  setenv("PAINEL_TEST_PG_URL", "postgresql://x@127.0.0.1:1/db", 1);
  setenv("PAINEL_TEST_PG_REQUIRED", "1", 1);
  EXPECT_EQ(pg_test_cluster_url_or_skip(), "postgresql://x@127.0.0.1:1/db");
  EXPECT_FALSE(IsSkipped());
}

}  // namespace
}  // namespace painel::store
