#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

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

// A read-only handle on a backup file; never changes it (no WAL switch, no journal).
struct ReadOnlyDb {
  sqlite3* db = nullptr;
  explicit ReadOnlyDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::string why = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw DbError(DbError::Kind::Other, "cannot open " + path + ": " + why);
    }
  }
  ~ReadOnlyDb() { sqlite3_close(db); }
  // The first column of the first row as text; throws with SQLite's message on error.
  std::string scalar(const std::string& sql) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::string why = sqlite3_errmsg(db);
      sqlite3_finalize(st);
      throw DbError(DbError::Kind::Other, why);
    }
    int rc = sqlite3_step(st);
    std::string out;
    if (rc == SQLITE_ROW) {
      auto* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
    }
    std::string why = sqlite3_errmsg(db);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw DbError(DbError::Kind::Other, why);
    return out;
  }
};

// The checks a backup file must pass: it opens, PRAGMA integrity_check says ok, it has a
// schema_migrations table, and its main tables can be counted.
BackupInfo check_sqlite_file(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw DbError(DbError::Kind::Other, "no such backup: " + path);
  BackupInfo info;
  try {
    ReadOnlyDb f(path);
    std::string ok = f.scalar("PRAGMA integrity_check");
    if (ok != "ok") throw DbError(DbError::Kind::Other, "integrity_check: " + ok);
    info.schema_version =
        std::stoi(f.scalar("SELECT coalesce(max(version),0) FROM schema_migrations"));
    for (auto& t : main_backup_tables())
      info.counts.emplace_back(t, std::stoll(f.scalar("SELECT count(*) FROM " + t)));
  } catch (const DbError& e) {
    throw DbError(DbError::Kind::Other, path + " is not a usable Painel backup (" + e.what() + ")");
  }
  return info;
}

// flock on PATH.lock: shared by servers, exclusive for restore.
class FileLock final : public InstanceLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override { ::close(fd_); }

 private:
  int fd_;
};

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

  int migrate_to(const std::string& backup_path, int target) override {
    auto& c = conn();
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
        "NOT NULL, applied_at TEXT NOT NULL)");
    int current = schema_version();
    if (current > latest_version())
      throw DbError(DbError::Kind::Other,
                    "database schema is newer than this binary (v" + std::to_string(current) + ")");
    if (target <= 0 || target > latest_version()) target = latest_version();
    if (current >= target) return 0;
    if (!backup_path.empty() && current > 0) backup(backup_path);
    int applied = 0;
    for (auto& m : sqlite_migrations()) {
      if (m.version <= current || m.version > target) continue;
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
      // One self-contained file: a WAL-mode copy would grow -wal and -shm files beside it
      // whenever it is opened (even read-only, to verify it). Restore switches back to WAL.
      if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK)
        throw DbError(DbError::Kind::Other, std::string("backup: ") + sqlite3_errmsg(dst));
    } catch (...) {
      sqlite3_close(dst);
      throw;
    }
    sqlite3_close(dst);
  }

  std::vector<AppliedMigration> applied_migrations() override {
    std::vector<AppliedMigration> out;
    if (schema_version() == 0) return out;
    for (auto& r :
         conn().query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version"))
      out.push_back({static_cast<int>(r.i64(0)), std::string(r.text(1)), std::string(r.text(2))});
    return out;
  }

  BackupInfo backup_verified(const std::string& path) override {
    backup(path);
    return check_sqlite_file(path);
  }
  BackupInfo verify_backup(const std::string& path) override { return check_sqlite_file(path); }
  BackupInfo live_counts() override {
    BackupInfo info;
    info.schema_version = schema_version();
    if (info.schema_version == 0) return info;  // an empty store: nothing to count
    auto& c = conn();
    for (auto& t : main_backup_tables())
      info.counts.emplace_back(t, c.query("SELECT count(*) FROM " + t)[0].i64(0));
    return info;
  }

  std::unique_ptr<InstanceLock> try_lock_instance(bool exclusive) override {
    if (path_ == ":memory:") return std::make_unique<InstanceLock>();
    std::string lock_path = path_ + ".lock";
    create_private_file(lock_path);
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) throw DbError(DbError::Kind::Other, "cannot open " + lock_path);
    if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
      ::close(fd);
      return nullptr;
    }
    return std::make_unique<FileLock>(fd);
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

const std::vector<std::string>& main_backup_tables() {
  static const std::vector<std::string> tables = {
      "tenants",       "users",        "tenant_users",       "agents",
      "tenant_agents", "usage_events", "tenant_usage_daily", "operational_commands",
      "incidents",     "api_keys",     "audit_chain"};
  return tables;
}

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
