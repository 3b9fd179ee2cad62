#pragma once
// Scheduled backups (issue #18): every check, when the newest verified backup in the
// backup directory is older than `period_ms`, one instance (by lease) writes a snapshot of
// the store under a temporary name, verifies it (store::Store::backup_verified), renames it
// to painel-<UTC time>.db (SQLite) or .dump (PostgreSQL, pg_dump -Fc) and writes a JSON
// manifest beside it (time, version, schema version, row counts, master-key fingerprint —
// never the key). Then backups older than `keep_days` are pruned; the newest always stays.
// Progress and failures: painel_backup_* metrics and a log line per run.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

struct BackupOptions {
  std::string dir;
  int keep_days = 30;
  int64_t period_ms = 86400000;  // one backup a day
  std::string key_fingerprint;   // backup_key_fingerprint(master key)
  // Tests: how far the job's clock moves on at each tick (0: the clock as given).
  int64_t clock_step_ms = 0;
  // Tests: runs on the written file before it is verified (to damage it).
  std::function<void(const std::string& path)> before_verify;
};

// One backup as its manifest describes it.
struct BackupEntry {
  std::string file;  // the snapshot's file name, in the backup directory
  std::string manifest;
  int64_t created_at_ms = 0;
};

// "sha256:" + 16 hex digits of a hash of a key derived from the master key: tells which key
// a backup needs without revealing anything that opens it.
std::string backup_key_fingerprint(const std::string& master_key32);

// The verified backups in `dir` (those with a readable manifest), oldest first.
std::vector<BackupEntry> list_backups(const std::string& dir);

class BackupJob {
 public:
  BackupJob(store::Store& s, obs::Metrics& m, const Clock& clock, BackupOptions o);
  // One check: a backup when one is due. The entry written, if any.
  std::optional<BackupEntry> tick();

 private:
  BackupEntry write_backup(int64_t now);
  void prune(int64_t now);

  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  BackupOptions o_;
  std::string holder_;
  int64_t ticks_ = 0;
};

}  // namespace painel::jobs
