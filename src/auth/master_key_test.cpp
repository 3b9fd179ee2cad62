#include "auth/master_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace painel::auth {
namespace {

class MasterKey : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(022);
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-master-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    cfg_.database = "sqlite:" + (dir_ / "painel.db").string();
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ::umask(old_umask_);
  }
  std::string key_file(mode_t mode, const std::string& text = "a-long-secret\n") {
    auto p = dir_ / "given.key";
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p.string();
  }
  // The message resolve_master_key refuses with ("" if it does not).
  std::string refusal() {
    try {
      resolve_master_key(cfg_);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
  Config cfg_;
  mode_t old_umask_ = 0;
};

TEST_F(MasterKey, AFileReadsLikeTheSameKeyGivenInline) {
  cfg_.master_key_file = key_file(0600);
  std::string from_file = resolve_master_key(cfg_);
  Config inline_cfg = cfg_;
  inline_cfg.master_key_file.clear();
  inline_cfg.master_key = "a-long-secret";
  EXPECT_EQ(from_file, resolve_master_key(inline_cfg));
  EXPECT_EQ(from_file.size(), 32u);
  cfg_.master_key_file = key_file(0400);
  EXPECT_EQ(resolve_master_key(cfg_), from_file);
}

TEST_F(MasterKey, AFileOthersMayReadIsRefused) {
  for (mode_t m : {0644, 0640, 0604, 0660, 0610}) {
    cfg_.master_key_file = key_file(m);
    EXPECT_NE(refusal().find("accessible by group or others"), std::string::npos) << std::oct << m;
  }
  cfg_.master_key_file = (dir_ / "missing.key").string();
  EXPECT_NE(refusal().find("cannot read"), std::string::npos);
  cfg_.master_key_file = key_file(0600, "\n");
  EXPECT_NE(refusal().find("is empty"), std::string::npos);
}

TEST_F(MasterKey, InlineAndFileTogetherAreRefused) {
  cfg_.master_key = "x";
  cfg_.master_key_file = key_file(0600);
  EXPECT_NE(refusal().find("not both"), std::string::npos);
}

TEST_F(MasterKey, TheGeneratedKeyIsCreatedPrivateAndReused) {
  std::string first = resolve_master_key(cfg_);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(resolve_master_key(cfg_), first);
  ::chmod((dir_ / "master.key").c_str(), 0644);
  EXPECT_NE(refusal().find("chmod 600"), std::string::npos);
}

TEST_F(MasterKey, PostgresNeedsAKey) {
  cfg_.database = "postgresql://db/painel";
  EXPECT_NE(refusal().find("required with PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace painel::auth
