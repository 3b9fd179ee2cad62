#pragma once
// For PostgreSQL unit tests: the throwaway cluster started by ctest's pg_cluster fixture
// (scripts/pg-test-cluster.sh), named by PAINEL_TEST_PG_URL or the file in
// PAINEL_TEST_PG_URL_FILE; "" when neither is set (the tests then skip).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "store/postgres/pg_conn.hpp"

namespace painel::store {

inline std::string pg_test_cluster_url() {
  if (const char* u = std::getenv("PAINEL_TEST_PG_URL"); u && *u) return u;
  if (const char* f = std::getenv("PAINEL_TEST_PG_URL_FILE"); f && *f) {
    std::ifstream in(f);
    std::string u;
    std::getline(in, u);
    return u;
  }
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
