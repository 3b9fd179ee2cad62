#pragma once
// The store: one per process, shared by every handler and job. It hands each thread its
// own connection (SQLite: one connection per handler thread; PostgreSQL: from a pool) and
// owns schema migrations, readiness and backups. Repositories take a Conn&.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// What a verified backup holds: its schema version and the row counts of the main tables
// (main_backup_tables()), as the snapshot itself has them.
struct BackupInfo {
  int schema_version = 0;
  std::vector<std::pair<std::string, int64_t>> counts;
};
// The tables whose row counts a backup records: what an operator recognises.
const std::vector<std::string>& main_backup_tables();

// Held by every process that uses the store (serve, worker) shared, by restore exclusive:
// SQLite an flock on PATH.lock beside the file, PostgreSQL a session advisory lock on a
// connection of its own. Released when destroyed (or when the process dies).
class InstanceLock {
 public:
  virtual ~InstanceLock() = default;
};

// One applied migration (schema_migrations).
struct AppliedMigration {
  int version = 0;
  std::string name, applied_at;
};

// Tuning for backends that have it (PostgreSQL); SQLite ignores it.
struct StoreOptions {
  int pool_size = 0;                // connections; 0 = 12 (the default handler threads + 4)
  int statement_timeout_ms = 5000;  // PostgreSQL statement_timeout; 0 = none
};

class Store {
 public:
  // url: "sqlite:PATH" (or a bare path) | "postgresql://..." / "postgres://...".
  static std::unique_ptr<Store> open(const std::string& url, const StoreOptions& opts = {});
  virtual ~Store() = default;

  virtual Conn& conn() = 0;  // this thread's connection
  virtual Dialect dialect() const = 0;
  virtual std::string describe() const = 0;  // safe for logs (no password)

  virtual int schema_version() = 0;
  virtual int latest_version() const = 0;
  // Applies pending migrations, each in its own transaction. If backup_path is non-empty
  // and something is pending, a snapshot is written there first. Returns count applied.
  int migrate(const std::string& backup_path) { return migrate_to(backup_path, 0); }
  // Applies pending migrations up to `target` only (0: all). The same contract as migrate.
  virtual int migrate_to(const std::string& backup_path, int target) = 0;
  virtual std::vector<AppliedMigration> applied_migrations() = 0;
  virtual void backup(const std::string& path) = 0;
  // Writes a backup to `path` and verifies it (SQLite: it opens, PRAGMA integrity_check is
  // ok, the main tables are counted in the file; PostgreSQL: pg_dump of an exported
  // snapshot whose main tables were counted in the same snapshot, then `pg_restore --list`
  // of the archive lists their data). Throws DbError when the written file fails a check.
  virtual BackupInfo backup_verified(const std::string& path) = 0;
  // Checks an existing backup file the same way; the counts are empty on PostgreSQL (an
  // archive is not counted without restoring it). Throws DbError when it is unusable.
  virtual BackupInfo verify_backup(const std::string& path) = 0;
  // The row counts of the main tables of the live store.
  virtual BackupInfo live_counts() = 0;
  virtual void restore(const std::string& path) = 0;
  // nullptr when another process holds the lock in a conflicting mode.
  virtual std::unique_ptr<InstanceLock> try_lock_instance(bool exclusive) = 0;
  // Store reachable and schema current; `why` says what is wrong otherwise.
  bool ready(std::string& why);

  // The audit chain's HMAC key (32 bytes derived from the master key, painel::derive_audit_key).
  // Set once at start, before any thread appends; every connection of this store sees it.
  void set_audit_key(std::string key32) { audit_key_ = std::move(key32); }
  // The highest audit checkpoint count this process wrote or saw (store/audit.hpp): verify
  // reports the store truncated when its last checkpoint falls below it.
  std::atomic<int64_t> audit_checkpoint_seen{0};

  // Runs fn in a write transaction on this thread's connection, retrying on lock
  // contention. fn may run more than once: keep side effects inside the store.
  template <class F>
  auto write(F&& fn) {
    return write(WriteLock::Global, std::forward<F>(fn));
  }
  // The same with an explicit lock mode: WriteLock::RowLevel only for paths audited to be
  // safe beside other writers on PostgreSQL (db.hpp, docs/architecture.md).
  template <class F>
  auto write(WriteLock lock, F&& fn) {
    for (int attempt = 0;; ++attempt) {
      try {
        Conn& c = conn();
        Tx tx(c, lock);
        if constexpr (std::is_void_v<decltype(fn(c))>) {
          fn(c);
          tx.commit();
          return;
        } else {
          auto r = fn(c);
          tx.commit();
          return r;
        }
      } catch (const DbError& e) {
        if (e.kind != DbError::Kind::Busy || attempt >= 5) throw;
      }
    }
  }

 protected:
  std::string audit_key_;  // backends: conn->use_audit_key(&audit_key_) on each new connection
};

}  // namespace painel::store
