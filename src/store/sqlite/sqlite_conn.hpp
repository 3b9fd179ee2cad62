#pragma once
// SQLite backend connection: one per thread, WAL mode, busy timeout, prepared statements
// cached by SQL text for the life of the connection.
#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/string_map.hpp"
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
  // Like each(), but hands over the cached statement itself (read it with
  // sqlite3_column_*): for hot scans that should not build a Row per row.
  void each_stmt(std::string_view sql, const Params& params,
                 const std::function<void(sqlite3_stmt*)>& fn);
  void each_view(std::string_view sql, const Params& params,
                 const std::function<void(const RowView&)>& fn) override;

 private:
  sqlite3_stmt* prepare(std::string_view sql, const Params& params);
  [[noreturn]] void fail(int rc, std::string_view what);
  sqlite3* db_ = nullptr;
  StringMap<sqlite3_stmt*> cache_;  // looked up by string_view: no string per statement
};

}  // namespace painel::store
