#pragma once
// PostgreSQL backend connection over libpq. One PgConn is one server session: statements
// are prepared once per session (cached by SQL text, `?` rewritten to $n), parameters go
// as text with server-inferred types, results come back as text and are converted by
// column type to the Value kinds SQLite yields (integers, doubles, text; timestamptz as
// RFC 3339 UTC text, booleans as 0/1), so repositories see the same rows on both backends.
//
// A lost connection (server restart, pg_terminate_backend) is re-established on the next
// call made outside a transaction, and that call is retried once; inside a transaction
// the loss surfaces as DbError::Unavailable and the transaction is gone.
#include <libpq-fe.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct PgConnOptions {
  std::string url;                  // postgresql://... (any libpq connection string)
  int statement_timeout_ms = 5000;  // 0 = none
  std::string application_name = "painel";
};

// Rewrites `?` placeholders to $1..$n, leaving quoted literals ('..', "..", $tag$..$tag$)
// and comments (-- and /* */) alone. `count` receives the number of placeholders.
std::string rewrite_placeholders(std::string_view sql, int* count = nullptr);

// Converts one result field (text format) of the given type OID to a Value.
Value pg_text_to_value(unsigned oid, std::string_view text);

// A statement's whole result, read before any row is looked at (unlike PgConn::each_view,
// which streams): its rows stay readable after the session has gone back to a pool, and a
// callback may use the connection again. Rows are read in place, as each_view's are.
class PgResultRows {
 public:
  explicit PgResultRows(PGresult* r) : r_(r) {}
  PgResultRows(PgResultRows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResultRows& operator=(PgResultRows&&) = delete;
  ~PgResultRows() { PQclear(r_); }
  void each_view(const std::function<void(const RowView&)>& fn) const;

 private:
  PGresult* r_;
};

class PgConn final : public Conn {
 public:
  explicit PgConn(PgConnOptions opts);  // connects; throws DbError(Unavailable)
  ~PgConn() override;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  Dialect dialect() const override { return Dialect::Postgres; }
  Rows query(std::string_view sql, const Params& params) override;
  int64_t exec(std::string_view sql, const Params& params) override;
  void each(std::string_view sql, const Params& params,
            const std::function<void(const Row&)>& fn) override;
  // Streams in libpq's single-row mode: memory stays flat however many rows (the daily
  // aggregation reads every event of a day). The connection is busy until the last row,
  // so the callback must not use it (each() allows that; each_view's callers don't).
  void each_view(std::string_view sql, const Params& params,
                 const std::function<void(const RowView&)>& fn) override;
  // The whole result (PgResultRows): for a pool that gives the session back before the
  // rows are read (pg_store.cpp's PooledConn::each_view).
  PgResultRows read(std::string_view sql, const Params& params);
  void exec_script(std::string_view sql) override;
  void begin(bool immediate) override;
  void begin_write(WriteLock lock) override;
  void commit() override;
  void rollback() override;
  bool in_transaction() const override { return in_tx_; }

  bool healthy() const;  // connected and not in a failed state
  int backend_pid() const;

 private:
  void begin_with(const char* sql);  // BEGIN (and the global lock's statement, if any)
  struct Result;
  void connect();
  void ensure_connected();
  Result run(std::string_view sql, const Params& params);
  Result run_once(std::string_view sql, const Params& params);
  const std::string& statement_for(std::string_view sql);  // prepares on first use
  struct Bound {
    std::vector<std::string> text;
    std::vector<const char*> values;
  };
  static Bound bind(const Params& params);
  Result simple(const std::string& sql);
  [[noreturn]] void fail(PGresult* res, std::string_view what);

  PgConnOptions opts_;
  PGconn* pg_ = nullptr;
  bool in_tx_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
  uint64_t next_stmt_ = 0;
};

}  // namespace painel::store
