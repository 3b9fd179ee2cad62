#pragma once
// For PostgreSQL unit tests: the throwaway cluster started by ctest's pg_cluster fixture
// (scripts/pg-test-cluster.sh), named by PAINEL_TEST_PG_URL or the file in
// PAINEL_TEST_PG_URL_FILE.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "store/postgres/pg_conn.hpp"

namespace painel::store {

// The cluster's URL; "" when neither variable is set, or when the file cannot be read or
// is empty (then `why` says so).
inline std::string pg_test_cluster_url(std::string& why) {
  if (const char* u = std::getenv("PAINEL_TEST_PG_URL"); u && *u) return u;
  if (const char* f = std::getenv("PAINEL_TEST_PG_URL_FILE"); f && *f) {
    std::ifstream in(f);
    std::string u;
    std::getline(in, u);
    if (u.empty()) why = std::string("PAINEL_TEST_PG_URL_FILE=") + f + " is missing or empty";
    return u;
  }
  return "";
}

// For a fixture's SetUp: the cluster's URL, or "" after marking the test — skipped when
// nothing asked for PostgreSQL (a developer running the unit binary by hand), failed (a
// fatal failure, so the body does not run) when a cluster was asked for and is not there:
// PAINEL_TEST_PG_REQUIRED=1 (ctest's pg.unit sets it) or a PAINEL_TEST_PG_URL_FILE that
// cannot be read. The caller returns on "".
inline std::string pg_test_cluster_url_or_skip() {
  std::string why;
  std::string url = pg_test_cluster_url(why);
  if (!url.empty()) return url;
  const char* required = std::getenv("PAINEL_TEST_PG_REQUIRED");
  if (required && std::string(required) == "1" && why.empty())
    why =
        "PAINEL_TEST_PG_REQUIRED=1 but neither PAINEL_TEST_PG_URL nor PAINEL_TEST_PG_URL_FILE is "
        "set";
  if (!why.empty())  // fatal, so the test body does not run after SetUp returns
    [&] { GTEST_FAIL() << "no PostgreSQL test cluster: " << why; }();
  else
    [] { GTEST_SKIP() << "PAINEL_TEST_PG_URL not set"; }();
  return "";
}

// A fresh database in the test cluster for one test (named prefix_pid_n), dropped with its
// connections when this goes. admin() is a connection to the cluster's own database.
class PgTestDatabase {
 public:
  PgTestDatabase(const std::string& cluster_url, const std::string& prefix)
      : name_(prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(next_number()++)),
        url_(cluster_url.substr(0, cluster_url.rfind('/') + 1) + name_),
        admin_(PgConnOptions{cluster_url}) {
    admin_.exec("DROP DATABASE IF EXISTS " + name_, {});
    admin_.exec("CREATE DATABASE " + name_, {});
  }
  ~PgTestDatabase() {
    try {
      admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", {});
    } catch (...) {
    }
  }
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  PgConn& admin() { return admin_; }

 private:
  static int& next_number() {
    static int n = 0;
    return n;
  }
  std::string name_, url_;
  PgConn admin_;
};

}  // namespace painel::store
