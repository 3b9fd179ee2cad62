#include "jobs/backup_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/build_info.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "store/leases.hpp"
#include "store/private_files.hpp"

namespace painel::jobs {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLease = "backup";
constexpr const char* kPrefix = "painel-";
constexpr const char* kPartial = ".partial-";

// 2026-11-28T12-00-00-000Z: the RFC 3339 time with no ':' or '.', sorting as text.
std::string file_stamp(int64_t ms) {
  std::string s = format_rfc3339(ms);
  for (auto& ch : s)
    if (ch == ':' || ch == '.') ch = '-';
  return s;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_private(const fs::path& p, const std::string& text) {
  store::create_private_file(p.string());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

int64_t newest_ms(const std::vector<BackupEntry>& all) {
  return all.empty() ? 0 : all.back().created_at_ms;
}

}  // namespace

std::string backup_key_fingerprint(const std::string& master_key32) {
  // A derived subkey, hashed: the fingerprint neither is nor leads to the key.
  return "sha256:" +
         sha256_hex("painel-backup-fingerprint:" + derive_credentials_key(master_key32, 0x7e57))
             .substr(0, 16);
}

std::vector<BackupEntry> list_backups(const std::string& dir) {
  std::vector<BackupEntry> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || e.path().extension() != ".json") continue;
    rapidjson::Document d;
    std::string text = read_file(e.path());
    if (parse_json(text, d) || !d.IsObject() || !d.HasMember("file") || !d["file"].IsString() ||
        !d.HasMember("created_at_ms") || !d["created_at_ms"].IsInt64())
      continue;
    BackupEntry b{d["file"].GetString(), name, d["created_at_ms"].GetInt64()};
    if (b.file.find('/') != std::string::npos || !fs::exists(fs::path(dir) / b.file, ec)) continue;
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(), [](const BackupEntry& a, const BackupEntry& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  return out;
}

BackupJob::BackupJob(store::Store& s, obs::Metrics& m, const Clock& clock, BackupOptions o)
    : store_(s), metrics_(m), clock_(clock), o_(std::move(o)), holder_(new_uuid()) {
  store::create_private_dirs(o_.dir);
  metrics_.set_gauge("painel_backup_enabled", 1);
  // Known from the directory at start: a restart does not look like a missed backup.
  metrics_.set_gauge("painel_backup_last_success_timestamp_seconds",
                     static_cast<double>(newest_ms(list_backups(o_.dir))) / 1000.0);
}

std::optional<BackupEntry> BackupJob::tick() {
  int64_t now = clock_.now_ms() + ticks_++ * o_.clock_step_ms;
  auto due = [&] {
    int64_t last = newest_ms(list_backups(o_.dir));
    metrics_.set_gauge("painel_backup_last_success_timestamp_seconds",
                       static_cast<double>(last) / 1000.0);
    return last == 0 || now - last >= o_.period_ms;
  };
  std::optional<BackupEntry> written;
  try {
    if (!due()) return std::nullopt;
    auto run = [&] {
      if (due()) {  // another instance sharing the directory may have just written one
        written = write_backup(now);
        prune(now);
      }
    };
    // Long enough for the largest dump; PostgreSQL releases it at once if this process dies.
    constexpr int64_t kTtl = 6 * 3600 * 1000;
    if (store_.dialect() == store::Dialect::Postgres) {
      // The lease is a session advisory lock there: pin one pooled session from acquire to
      // release (a transaction does; the dump has its own connection), or the release
      // could land on another session and leave the lock held.
      auto& c = store_.conn();
      store::Tx tx(c, false);
      if (!store::acquire_lease(c, kLease, holder_, now, kTtl)) return std::nullopt;
      try {
        run();
      } catch (...) {
        store::release_lease(c, kLease, holder_);
        tx.commit();
        throw;
      }
      store::release_lease(c, kLease, holder_);
      tx.commit();
    } else {
      bool leased = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
        return store::acquire_lease(c, kLease, holder_, now, kTtl);
      });
      if (!leased) return std::nullopt;
      try {
        run();
      } catch (...) {
        store_.write(store::WriteLock::RowLevel,
                     [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
        throw;
      }
      store_.write(store::WriteLock::RowLevel,
                   [&](store::Conn& c) { store::release_lease(c, kLease, holder_); });
    }
  } catch (const std::exception& e) {
    metrics_.inc("painel_backup_runs_total", "result=\"failed\"");
    spdlog::error("backup: failed (the previous backups stay): {}", e.what());
    return std::nullopt;
  }
  return written;
}

BackupEntry BackupJob::write_backup(int64_t now) {
  auto started = std::chrono::steady_clock::now();
  std::string ext = store_.dialect() == store::Dialect::Sqlite ? ".db" : ".dump";
  std::string name = kPrefix + file_stamp(now) + ext;
  fs::path dir(o_.dir), partial = dir / (kPartial + name), final_path = dir / name;
  store::BackupInfo info;
  try {
    info = store_.backup_verified(partial.string());
    if (o_.before_verify) {
      o_.before_verify(partial.string());
      store_.verify_backup(partial.string());
    }
  } catch (...) {
    std::error_code ec;
    fs::remove(partial, ec);
    throw;
  }
  auto size = static_cast<int64_t>(fs::file_size(partial));
  fs::rename(partial, final_path);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto& bi = build_info();
  JsonOut j;
  j.begin_object();
  j.key("format").str("painel-backup/1");
  j.key("file").str(name);
  j.key("created_at").str(format_rfc3339(now));
  j.key("created_at_ms").num(now);
  j.key("database").str(store_.dialect() == store::Dialect::Sqlite ? "sqlite" : "postgresql");
  j.key("version").str(bi.version);
  j.key("commit").str(bi.commit);
  j.key("schema_version").num(info.schema_version);
  j.key("size_bytes").num(size);
  j.key("verified").boolean(true);
  j.key("seconds").dbl(secs);
  j.key("master_key_fingerprint").str(o_.key_fingerprint);
  j.key("counts").begin_object();
  for (auto& [t, n] : info.counts) j.key(t).num(n);
  j.end_object();
  j.end_object();
  std::string manifest = kPrefix + file_stamp(now) + ext + ".json";
  fs::path tmp = dir / (kPartial + manifest);
  write_private(tmp, j.take() + "\n");
  fs::rename(tmp, dir / manifest);
  metrics_.inc("painel_backup_runs_total", "result=\"ok\"");
  metrics_.set_gauge("painel_backup_last_success_timestamp_seconds",
                     static_cast<double>(now) / 1000.0);
  metrics_.set_gauge("painel_backup_last_size_bytes", static_cast<double>(size));
  metrics_.set_gauge("painel_backup_last_duration_seconds", secs);
  spdlog::info("backup: wrote and verified {} ({} bytes, schema version {}, {:.1f}s)",
               final_path.string(), size, info.schema_version, secs);
  return {name, manifest, now};
}

void BackupJob::prune(int64_t now) {
  auto all = list_backups(o_.dir);
  int64_t cutoff = now - int64_t{o_.keep_days} * 86400000;
  for (size_t i = 0; i + 1 < all.size(); ++i) {  // the newest always stays
    if (all[i].created_at_ms > cutoff) continue;
    std::error_code ec;
    fs::remove(fs::path(o_.dir) / all[i].file, ec);
    fs::remove(fs::path(o_.dir) / all[i].manifest, ec);
    metrics_.inc("painel_backup_pruned_total");
    spdlog::info("backup: pruned {} (older than {} days)", all[i].file, o_.keep_days);
  }
}

}  // namespace painel::jobs
