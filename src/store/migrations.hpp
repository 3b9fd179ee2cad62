#pragma once
#include <functional>
#include <string>
#include <vector>

namespace painel::store {
class Conn;

struct Migration {
  int version;
  std::string name;
  std::string sql;
  // A step in C++ run after `sql`, in the same transaction, for data SQL cannot compute
  // (migration 20's folded name keys). The same function in both dialects' twin.
  std::function<void(Conn&)> fill;
};
const std::vector<Migration>& sqlite_migrations();
}  // namespace painel::store
