// The backup job, driven by a hand-moved clock: one verified backup a day with its
// manifest (fingerprint, counts, never the key), exactly keep_days kept, none while the
// newest is fresh, a damaged file caught by the verification (nothing renamed, the
// failure counted), and a second instance holding the lease does nothing.
#include "jobs/backup_job.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json.hpp"
#include "jobs/job_test_support.hpp"
#include "store/leases.hpp"

namespace painel::jobs {
namespace {

using testing::ManualClock;
using testing::TempStoreTest;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400000;

class BackupJobTest : public TempStoreTest {
 protected:
  BackupOptions opts(int keep_days) {
    BackupOptions o;
    o.dir = (dir_ / "backups").string();
    o.keep_days = keep_days;
    o.key_fingerprint = backup_key_fingerprint(std::string(32, 'm'));
    return o;
  }
  size_t files_in(const std::string& dir) {
    size_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
    return n;
  }
  obs::Metrics metrics_;
};

TEST_F(BackupJobTest, KeepsExactlyKeepDaysOfDailyBackups) {
  ManualClock clock(kT0);
  BackupJob job(*store_, metrics_, clock, opts(30));
  for (int day = 0; day < 45; ++day) {
    ASSERT_TRUE(job.tick()) << "day " << day;
    EXPECT_FALSE(job.tick()) << "a second backup the same day";
    clock.advance(kDay);
  }
  auto all = list_backups((dir_ / "backups").string());
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(all.front().created_at_ms, kT0 + 15 * kDay);
  EXPECT_EQ(all.back().created_at_ms, kT0 + 44 * kDay);
  EXPECT_EQ(files_in((dir_ / "backups").string()), 60u);  // each with its manifest, no leftovers
}

TEST_F(BackupJobTest, ManifestRecordsFingerprintAndCountsButNotTheKey) {
  ManualClock clock(kT0);
  BackupJob job(*store_, metrics_, clock, opts(30));
  auto b = job.tick();
  ASSERT_TRUE(b);
  std::ifstream in(dir_ / "backups" / b->manifest);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  rapidjson::Document d;
  ASSERT_EQ(parse_json(text, d), nullptr) << text;
  EXPECT_EQ(std::string(d["master_key_fingerprint"].GetString()),
            backup_key_fingerprint(std::string(32, 'm')));
  EXPECT_NE(backup_key_fingerprint(std::string(32, 'm')),
            backup_key_fingerprint(std::string(32, 'n')));
  EXPECT_EQ(text.find(std::string(32, 'm')), std::string::npos);
  EXPECT_EQ(d["schema_version"].GetInt(), store_->latest_version());
  EXPECT_TRUE(d["counts"].HasMember("tenants"));
  EXPECT_TRUE(d["verified"].GetBool());
  EXPECT_EQ(std::string(d["file"].GetString()), b->file);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "backups" / b->file));
}

TEST_F(BackupJobTest, DamagedFileIsCaughtAndNothingIsRenamed) {
  ManualClock clock(kT0);
  auto o = opts(30);
  o.before_verify = [](const std::string& path) {
    // Overwrite everything after the header page: the b-tree pages are garbage now.
    auto size = std::filesystem::file_size(path);
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    for (auto i = 4096u; i < size; ++i) f.put(static_cast<char>(0xA5));
  };
  BackupJob job(*store_, metrics_, clock, o);
  EXPECT_FALSE(job.tick());
  EXPECT_EQ(files_in((dir_ / "backups").string()), 0u);  // the partial file is gone too
  EXPECT_NE(metrics_.render().find("painel_backup_runs_total{result=\"failed\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics_.render().find("painel_backup_last_success_timestamp_seconds 0"),
            std::string::npos);
}

TEST_F(BackupJobTest, AnotherInstanceHoldingTheLeaseMeansNoBackup) {
  ManualClock clock(kT0);
  store_->write([&](store::Conn& c) {
    return store::acquire_lease(c, "backup", "other-instance", kT0, kDay);
  });
  BackupJob job(*store_, metrics_, clock, opts(30));
  EXPECT_FALSE(job.tick());
  EXPECT_TRUE(list_backups((dir_ / "backups").string()).empty());
}

}  // namespace
}  // namespace painel::jobs
