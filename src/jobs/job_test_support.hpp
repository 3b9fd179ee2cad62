#pragma once
// For the jobs' unit tests: a clock the test moves by hand, a response cache that counts
// what it was asked to drop, and a fresh SQLite store in a temporary file (the worker's
// threads each open their own connection, so not ":memory:").
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "cache/response_cache.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace painel::jobs::testing {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void set(int64_t ms) { now_ = ms; }
  void advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

class RecordingCache final : public cache::ResponseCache {
 public:
  std::optional<cache::CachedAnswer> get(const std::string&, int64_t) override {
    return std::nullopt;
  }
  void put(const std::string&, const std::string&, cache::CachedAnswer, int64_t, int64_t) override {}
  void invalidate_tenant(const std::string& tenant_id) override {
    if (throw_on_invalidate) throw std::runtime_error("cache down");
    std::lock_guard lk(mu_);
    tenants_.push_back(tenant_id);
  }
  void invalidate_all() override { ++all_; }
  std::vector<std::string> tenants() {
    std::lock_guard lk(mu_);
    return tenants_;
  }
  int all() const { return all_; }
  bool throw_on_invalidate = false;

 private:
  std::mutex mu_;
  std::vector<std::string> tenants_;
  std::atomic<int> all_{0};
};

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-jobs-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = store::Store::open("sqlite:" + (dir_ / "t.db").string());
    store_->migrate("");
    store_->set_audit_key(std::string(32, 'k'));  // the worker audits each state change
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace painel::jobs::testing
