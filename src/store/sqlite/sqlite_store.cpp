#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "core/blocking.hpp"
#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/private_files.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/store.hpp"

namespace painel::store {
namespace {

std::atomic<uint64_t> g_store_ids{1};

void copy_db(sqlite3* from, sqlite3* to) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) throw DbError(DbError::Kind::Other, std::string("backup: ") + sqlite3_errmsg(to));
  int rc;
  while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY ||
         rc == SQLITE_LOCKED)
    sqlite3_sleep(5);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw DbError(DbError::Kind::Other, "backup failed");
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)), id_(g_store_ids++) {
    // A new store is created 0600 in a 0700 directory; SQLite gives its -wal and -shm
    // files the database file's mode.
    create_private_dirs(std::filesystem::path(path_).parent_path().string());
    if (path_ != ":memory:") create_private_file(path_);
    conn();  // fail at start-up, not at the first request
  }

  Conn& conn() override {
    may_block();  // never on a network thread (core/blocking.hpp)
    // One connection per (thread, store); dropped when the thread exits.
    thread_local std::unordered_map<uint64_t, std::unique_ptr<SqliteConn>> conns;
    auto& c = conns[id_];
    if (!c) {
      c = std::make_unique<SqliteConn>(path_);
      c->use_audit_key(&audit_key_);
    }
    return *c;
  }
  Dialect dialect() const override { return Dialect::Sqlite; }
  std::string describe() const override { return "sqlite:" + path_; }

  int schema_version() override {
    auto& c = conn();
    auto t = c.query(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'");
    if (t.empty() || t[0].i64(0) == 0) return 0;
    auto r = c.query("SELECT coalesce(max(version),0) FROM schema_migrations");
    return static_cast<int>(r[0].i64(0));
  }
  int latest_version() const override { return sqlite_migrations().back().version; }

  int migrate(const std::string& backup_path) override {
    auto& c = conn();
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
        "NOT NULL, applied_at TEXT NOT NULL)");
    int current = schema_version();
    if (current > latest_version())
      throw DbError(DbError::Kind::Other,
                    "database schema is newer than this binary (v" + std::to_string(current) + ")");
    if (current == latest_version()) return 0;
    if (!backup_path.empty() && current > 0) backup(backup_path);
    int applied = 0;
    for (auto& m : sqlite_migrations()) {
      if (m.version <= current) continue;
      Tx tx(c, true);
      c.exec_script(m.sql);
      if (m.fill) m.fill(c);
      c.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)",
             {int64_t{m.version}, m.name, format_rfc3339(wall_now_ms())});
      tx.commit();
      ++applied;
    }
    return applied;
  }

  void backup(const std::string& path) override {
    create_private_dirs(std::filesystem::path(path).parent_path().string());
    std::filesystem::remove(path);
    create_private_file(path);
    sqlite3* dst = nullptr;
    if (sqlite3_open(path.c_str(), &dst) != SQLITE_OK) {
      sqlite3_close(dst);
      throw DbError(DbError::Kind::Other, "cannot create backup file " + path);
    }
    try {
      copy_db(static_cast<SqliteConn&>(conn()).raw(), dst);
    } catch (...) {
      sqlite3_close(dst);
      throw;
    }
    sqlite3_close(dst);
  }

  void restore(const std::string& path) override {
    if (!std::filesystem::exists(path))
      throw DbError(DbError::Kind::Other, "no such backup: " + path);
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(src);
      throw DbError(DbError::Kind::Other, "cannot open backup file " + path);
    }
    char* err = nullptr;
    sqlite3_exec(src, "SELECT count(*) FROM schema_migrations", nullptr, nullptr, &err);
    if (err) {
      sqlite3_free(err);
      sqlite3_close(src);
      throw DbError(DbError::Kind::Other, path + " is not a Painel backup");
    }
    try {
      copy_db(src, static_cast<SqliteConn&>(conn()).raw());
    } catch (...) {
      sqlite3_close(src);
      throw;
    }
    sqlite3_close(src);
  }

 private:
  std::string path_;
  uint64_t id_;
};

}  // namespace

bool Store::ready(std::string& why) {
  try {
    int v = schema_version();
    if (v != latest_version()) {
      why =
          "schema version " + std::to_string(v) + ", expected " + std::to_string(latest_version());
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    why = std::string("store unreachable: ") + e.what();
    return false;
  }
}

std::unique_ptr<Store> Store::open(const std::string& url, const StoreOptions& opts) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return open_postgres(url, opts);
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  if (path.empty()) throw DbError(DbError::Kind::Other, "empty sqlite path");
  return std::make_unique<SqliteStore>(path);
}

}  // namespace painel::store
