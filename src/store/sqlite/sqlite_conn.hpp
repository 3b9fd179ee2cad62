#pragma once
// SQLite backend connection: one per thread, WAL mode, busy timeout, prepared statements
// cached by SQL text for the life of the connection.
#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/db.hpp"

namespace painel::store {

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(const std::string& path, bool read_only = false);
  ~SqliteConn() override;
  Dialect dialect() const override { return Dialect::Sqlite; }
  Rows query(std::string_view sql, const Params& params) override;
  int64_t exec(std::string_view sql, const Params& params) override;
  void each(std::string_view sql, const Params& params,
            const std::function<void(const Row&)>& fn) override;
  void exec_script(std::string_view sql) override;
  void begin(bool immediate) override;
  void commit() override;
  void rollback() override;
  bool in_transaction() const override { return !sqlite3_get_autocommit(db_); }
  sqlite3* raw() { return db_; }

 private:
  sqlite3_stmt* prepare(std::string_view sql, const Params& params);
  [[noreturn]] void fail(int rc, std::string_view what);
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace painel::store
