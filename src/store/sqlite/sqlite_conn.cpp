#include "store/sqlite/sqlite_conn.hpp"

namespace painel::store {
namespace {
// Before SQLite initializes (static initialization, ahead of any connection): no memory
// statistics, so its allocator does not take a process-wide mutex on every malloc — with
// one connection per thread, that mutex was the only thing the threads still shared.
const int kSqliteConfigured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}  // namespace

SqliteConn::SqliteConn(const std::string& path, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(DbError::Kind::Unavailable, "cannot open sqlite database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  sqlite3_extended_result_codes(db_, 1);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode loses nothing when
  // the process is killed (the WAL is in the OS page cache); only a power loss can drop
  // the last transactions. foreign_keys enforces the schema's references. A read-only
  // connection (painel copy's source) cannot switch the journal mode: it reads the file as is.
  if (!read_only) exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  exec_script(
      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
      "PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=10000;");
}

SqliteConn::~SqliteConn() {
  for (auto& [_, st] : cache_) sqlite3_finalize(st);
  sqlite3_close_v2(db_);
}

void SqliteConn::fail(int rc, std::string_view what) {
  int base = rc & 0xff;
  auto kind = base == SQLITE_BUSY || base == SQLITE_LOCKED ? DbError::Kind::Busy
              : base == SQLITE_CONSTRAINT                  ? DbError::Kind::Constraint
                                                           : DbError::Kind::Other;
  throw DbError(kind, std::string(what) + ": " + sqlite3_errmsg(db_));
}

sqlite3_stmt* SqliteConn::prepare(std::string_view sql, const Params& params) {
  sqlite3_stmt* st;
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    st = it->second;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  } else {
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) fail(rc, "prepare");
    cache_.emplace(std::string(sql), st);
  }
  int i = 1;
  for (auto& p : params) {
    int rc;
    if (auto v = std::get_if<int64_t>(&p))
      rc = sqlite3_bind_int64(st, i, *v);
    else if (auto d = std::get_if<double>(&p))
      rc = sqlite3_bind_double(st, i, *d);
    else if (auto s = std::get_if<std::string>(&p))
      rc = sqlite3_bind_text(st, i, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
    else
      rc = sqlite3_bind_null(st, i);
    if (rc != SQLITE_OK) fail(rc, "bind");
    ++i;
  }
  return st;
}

namespace {
Row read_row(sqlite3_stmt* st) {
  int n = sqlite3_column_count(st);
  std::vector<Value> cols;
  cols.reserve(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) {
    switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER:
        cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, c)));
        break;
      case SQLITE_FLOAT:
        cols.emplace_back(sqlite3_column_double(st, c));
        break;
      case SQLITE_NULL:
        cols.emplace_back(nullptr);
        break;
      default: {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        cols.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, c))));
      }
    }
  }
  return Row(std::move(cols));
}
}  // namespace

void SqliteConn::each_stmt(std::string_view sql, const Params& params,
                           const std::function<void(sqlite3_stmt*)>& fn) {
  note_statement();
  sqlite3_stmt* st = prepare(sql, params);
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() { sqlite3_reset(s); }
  } reset{st};
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      fn(st);
    else if (rc == SQLITE_DONE)
      break;
    else
      fail(rc, "step");
  }
}

void SqliteConn::each(std::string_view sql, const Params& params,
                      const std::function<void(const Row&)>& fn) {
  each_stmt(sql, params, [&](sqlite3_stmt* st) { fn(read_row(st)); });
}

void SqliteConn::each_view(std::string_view sql, const Params& params,
                           const std::function<void(const RowView&)>& fn) {
  struct View final : RowView {
    sqlite3_stmt* st = nullptr;
    bool is_null(size_t i) const override {
      return sqlite3_column_type(st, static_cast<int>(i)) == SQLITE_NULL;
    }
    int64_t i64(size_t i) const override { return sqlite3_column_int64(st, static_cast<int>(i)); }
    std::string_view text(size_t i) const override {
      auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, static_cast<int>(i)));
      return p ? std::string_view(
                     p, static_cast<size_t>(sqlite3_column_bytes(st, static_cast<int>(i))))
               : std::string_view();
    }
  } view;
  each_stmt(sql, params, [&](sqlite3_stmt* st) {
    view.st = st;
    fn(view);
  });
}

Rows SqliteConn::query(std::string_view sql, const Params& params) {
  Rows out;
  each(sql, params, [&](const Row& r) { out.push_back(r); });
  return out;
}

int64_t SqliteConn::exec(std::string_view sql, const Params& params) {
  note_statement();
  sqlite3_stmt* st = prepare(sql, params);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) fail(rc, "exec");
  return sqlite3_changes64(db_);
}

void SqliteConn::exec_script(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string m = err ? err : "error";
    sqlite3_free(err);
    int base = rc & 0xff;
    throw DbError(base == SQLITE_BUSY ? DbError::Kind::Busy : DbError::Kind::Other, "script: " + m);
  }
}

void SqliteConn::begin(bool immediate) { exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN", {}); }
void SqliteConn::commit() { exec("COMMIT", {}); }
void SqliteConn::rollback() {
  if (in_transaction()) exec("ROLLBACK", {});
}

}  // namespace painel::store
