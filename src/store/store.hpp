#pragma once
// The store: one per process, shared by every handler and job. It hands each thread its
// own connection (SQLite: one connection per handler thread; PostgreSQL: from a pool) and
// owns schema migrations, readiness and backups. Repositories take a Conn&.
#include <atomic>
#include <memory>
#include <string>

#include "store/db.hpp"

namespace painel::store {

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
  virtual int migrate(const std::string& backup_path) = 0;
  virtual void backup(const std::string& path) = 0;
  virtual void restore(const std::string& path) = 0;
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
    for (int attempt = 0;; ++attempt) {
      try {
        Conn& c = conn();
        Tx tx(c, true);
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
