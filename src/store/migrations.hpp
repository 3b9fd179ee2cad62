#pragma once
#include <string>
#include <vector>

namespace painel::store {
struct Migration {
  int version;
  std::string name;
  std::string sql;
};
const std::vector<Migration>& sqlite_migrations();
}  // namespace painel::store
