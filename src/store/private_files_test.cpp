#include "store/private_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::store {
namespace {

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

// Runs each test under a permissive umask: the modes must not depend on the caller's.
class PrivateFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(022);
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-private-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ::umask(old_umask_);
  }
  std::filesystem::path dir_;
  mode_t old_umask_ = 0;
};

TEST_F(PrivateFiles, CreatesDirectoriesAndFilesForTheOwnerOnly) {
  create_private_dirs((dir_ / "a" / "b").string());
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ / "a" / "b"), 0700u);
  create_private_file((dir_ / "f").string());
  EXPECT_EQ(mode_of(dir_ / "f"), 0600u);
  EXPECT_FALSE(shared_with_others((dir_ / "f").string()));
  std::ofstream(dir_ / "g") << "x";  // 0644 under umask 022: kept as it is
  create_private_file((dir_ / "g").string());
  EXPECT_EQ(mode_of(dir_ / "g"), 0644u);
  EXPECT_TRUE(shared_with_others((dir_ / "g").string()));
}

TEST_F(PrivateFiles, SqliteStoreItsWalAndBackupsArePrivate) {
  auto db = dir_ / "data" / "painel.db";
  auto s = Store::open("sqlite:" + db.string());
  s->migrate("");
  s->write([](Conn& c) { create_tenant(c, {"Acme"}, 0); });
  s->backup((dir_ / "backups" / "b.db").string());
  for (auto p : {dir_ / "data", db, dir_ / "data" / "painel.db-wal",
                 dir_ / "data" / "painel.db-shm", dir_ / "backups", dir_ / "backups" / "b.db"})
    EXPECT_EQ(mode_of(p) & 077, 0u) << p << " is " << std::oct << mode_of(p);
}

}  // namespace
}  // namespace painel::store
