// `painel backup [--check]` and `painel restore`: a snapshot written and verified, an
// existing one checked, and a restore that refuses while a server uses the store, shows
// what it replaces, asks, and keeps the replaced store as a backup first.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "auth/master_key.hpp"
#include "cli/subcommands.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "jobs/backup_job.hpp"
#include "store/store.hpp"

namespace painel::cli {
namespace {
namespace fs = std::filesystem;

// What a backup's manifest (FILE.json, written by the backup job) says, when there is one.
struct Manifest {
  std::string created_at, version, fingerprint;
  int schema_version = 0;
  std::map<std::string, int64_t> counts;
};

std::optional<Manifest> read_manifest(const std::string& file) {
  std::ifstream in(file + ".json");
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  rapidjson::Document d;
  if (parse_json(text, d) || !d.IsObject()) return std::nullopt;
  Manifest m;
  auto str = [&](const char* k) {
    return d.HasMember(k) && d[k].IsString() ? std::string(d[k].GetString()) : std::string();
  };
  m.created_at = str("created_at");
  m.version = str("version");
  m.fingerprint = str("master_key_fingerprint");
  if (d.HasMember("schema_version") && d["schema_version"].IsInt())
    m.schema_version = d["schema_version"].GetInt();
  if (d.HasMember("counts") && d["counts"].IsObject())
    for (auto& c : d["counts"].GetObject())
      if (c.value.IsInt64()) m.counts[c.name.GetString()] = c.value.GetInt64();
  return m;
}

// The fingerprint of the master key this store is served with, when it can be known
// without creating one (PAINEL_MASTER_KEY[_FILE], or master.key beside a SQLite store).
std::optional<std::string> current_fingerprint(const std::string& database) {
  Config cfg;
  cfg.database = database;
  if (const char* k = std::getenv("PAINEL_MASTER_KEY")) cfg.master_key = k;
  if (const char* f = std::getenv("PAINEL_MASTER_KEY_FILE")) cfg.master_key_file = f;
  if (cfg.master_key.empty() && cfg.master_key_file.empty()) {
    std::string path = database.rfind("sqlite:", 0) == 0 ? database.substr(7) : database;
    if (database.rfind("postgres", 0) == 0 ||
        !fs::exists(fs::path(path).parent_path() / "master.key"))
      return std::nullopt;
  }
  try {
    return jobs::backup_key_fingerprint(auth::resolve_master_key(cfg));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string stamp_now() {
  std::string s = format_rfc3339(wall_now_ms());
  for (auto& ch : s)
    if (ch == ':' || ch == '.') ch = '-';
  return s;
}

void print_counts(const store::BackupInfo& info) {
  for (auto& [t, n] : info.counts) std::cout << fmt::format("  {:<22} {:>10}\n", t, n);
}

}  // namespace

int cmd_backup(const std::string& database, const std::string& file) {
  auto s = store::Store::open(database);
  auto info = s->backup_verified(file);
  std::cout << "backup written to " << file << " and verified (schema version "
            << info.schema_version << ")\n";
  print_counts(info);
  return 0;
}

int cmd_backup_check(const std::string& database, const std::string& file) {
  auto s = store::Store::open(database);
  auto info = s->verify_backup(file);
  std::cout << file << ": usable";
  if (info.schema_version) std::cout << " (schema version " << info.schema_version << ")";
  std::cout << "\n";
  print_counts(info);
  return 0;
}

int cmd_restore(const std::string& database, const std::string& file, const RestoreArgs& a) {
  auto s = store::Store::open(database);
  auto lock = s->try_lock_instance(true);
  if (!lock && !a.force)
    throw UsageError(
        "a painel serve or worker is using " + s->describe() +
        ": stop it first (systemctl stop painel), or pass --force to restore under it");
  auto backup = s->verify_backup(file);  // throws when the file is not usable
  auto manifest = read_manifest(file);
  auto now = s->live_counts();
  std::cout << "painel restore will replace " << s->describe() << " (schema version "
            << now.schema_version << ")\n  with " << file;
  if (manifest)
    std::cout << " (taken " << manifest->created_at << " by painel " << manifest->version
              << ", schema version " << manifest->schema_version << ")";
  else if (backup.schema_version)
    std::cout << " (schema version " << backup.schema_version << ", no manifest)";
  std::cout << "\n" << fmt::format("  {:<22} {:>10} {:>10}\n", "rows", "now", "backup");
  std::map<std::string, int64_t> in_backup(backup.counts.begin(), backup.counts.end());
  if (manifest && in_backup.empty()) in_backup = manifest->counts;
  for (auto& [t, n] : now.counts) {
    auto it = in_backup.find(t);
    std::cout << fmt::format("  {:<22} {:>10} {:>10}\n", t, n,
                             it == in_backup.end() ? std::string("?") : std::to_string(it->second));
  }
  if (!lock) std::cout << "  WARNING: a server or worker is using the store (--force)\n";
  if (manifest && !manifest->fingerprint.empty()) {
    auto fp = current_fingerprint(database);
    if (fp && *fp != manifest->fingerprint)
      std::cout << "  WARNING: the backup was taken under another master key ("
                << manifest->fingerprint << "; this one is " << *fp
                << "): serve it with that key\n";
  }
  if (!a.yes) {
    if (!isatty(STDIN_FILENO))
      throw UsageError("stdin is not a terminal: pass --yes to confirm the restore");
    std::cerr << "Replace it? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::cout << "nothing changed\n";
      return 1;
    }
  }
  auto started = std::chrono::steady_clock::now();
  fs::path dir = a.keep_dir;
  if (dir.empty()) {
    std::string path = database.rfind("sqlite:", 0) == 0 ? database.substr(7) : database;
    dir = s->dialect() == store::Dialect::Sqlite ? fs::path(path).parent_path() / "backups"
                                                 : fs::path(".");
  }
  std::string kept = (dir / ("painel-pre-restore-" + stamp_now() +
                             (s->dialect() == store::Dialect::Sqlite ? ".db" : ".dump")))
                         .string();
  if (now.schema_version > 0) {
    s->backup_verified(kept);
    std::cout << "kept the replaced store as " << kept << "\n";
  } else {
    std::cout << "the store is empty: nothing to keep\n";
  }
  s->restore(file);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("restored {} from {} in {:.1f}s (schema version {})\n", s->describe(),
                           file, secs, s->schema_version());
  return 0;
}

}  // namespace painel::cli
