#pragma once
// For PostgreSQL unit tests: the throwaway cluster started by ctest's pg_cluster fixture
// (scripts/pg-test-cluster.sh), named by PAINEL_TEST_PG_URL or the file in
// PAINEL_TEST_PG_URL_FILE; "" when neither is set (the tests then skip).
#include <cstdlib>
#include <fstream>
#include <string>

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

}  // namespace painel::store
