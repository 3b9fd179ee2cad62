#pragma once
// GoogleTest fixtures for store tests that run the same scenario on both backends: a
// migrated SQLite store in a fresh temporary file, and a migrated PostgreSQL store in a
// fresh database of the test cluster (see pg_test_cluster_url_or_skip; suites deriving from
// PgStoreTest must be named PgServer* so that ctest runs them in pg.unit, against its cluster).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/postgres/pg_test_cluster.hpp"
#include "store/store.hpp"

namespace painel::store {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-store-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = Store::open("sqlite:" + (dir_ / "t.db").string());
    if (migrates()) store_->migrate("");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A suite testing an upgrade starts from an empty store instead.
  virtual bool migrates() const { return true; }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = pg_test_cluster_url_or_skip();
    if (base.empty()) return;
    db_ = std::make_unique<PgTestDatabase>(base, "pgstore");
    store_ = Store::open(db_->url());
    if (migrates()) store_->migrate("");
  }
  void TearDown() override { store_.reset(); }  // closes its connections before the drop
  virtual bool migrates() const { return true; }
  std::unique_ptr<PgTestDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace painel::store
