#include "store/audit.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/crypto.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_test_cluster.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/store.hpp"

namespace painel::store {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

// The pre-HMAC chain value, written out here so the legacy format is pinned by the test:
// length-prefixed (prev, id, created_at, actor, role, action, tenant_id, target,
// request_id, ip, metadata), "-1:" for NULL.
std::string legacy_hash(const std::string& prev, const std::vector<std::optional<std::string>>& f) {
  std::string s = std::to_string(prev.size()) + ":" + prev;
  for (auto& v : f) s += v ? std::to_string(v->size()) + ":" + *v : "-1:";
  return painel::sha256_hex(s);
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("painel-audit-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Store& open(const std::string& key = std::string(32, 'k')) {
    store_ = Store::open("sqlite:" + path_);
    store_->migrate("");
    store_->set_audit_key(key);
    return *store_;
  }
  void append(const std::string& action, int64_t at = kT0) {
    store_->write([&](Conn& c) {
      audit_append(c,
                   {"u1", "INTERNAL_ADMIN", action, std::nullopt, std::nullopt, std::nullopt,
                    std::nullopt, "{}"},
                   at);
    });
  }
  void lift_triggers() {
    store_->conn().exec_script(
        "DROP TRIGGER operational_events_no_update; DROP TRIGGER operational_events_no_delete");
  }
  // What someone with the database but not the key can do: recompute every chain value
  // with the published legacy scheme.
  void rebuild_without_key() {
    lift_triggers();
    auto& c = store_->conn();
    std::string prev(64, '0');
    for (auto& r : c.query("SELECT seq, id, created_at, actor, role, action, tenant_id, target, "
                           "request_id, ip, metadata FROM operational_events ORDER BY seq")) {
      std::vector<std::optional<std::string>> f;
      for (size_t i = 1; i < r.size(); ++i) f.push_back(r.opt_str(i));
      std::string h = legacy_hash(prev, f);
      c.exec("UPDATE operational_events SET prev_hash = ?, hash = ? WHERE seq = ?",
             {prev, h, r.i64(0)});
      prev = h;
    }
  }
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTest, KeyedChainVerifiesAndReportsItsHead) {
  open();
  append("a");
  append("b");
  auto v = audit_verify(store_->conn());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.checked, 2);
  auto head = store_->conn().query("SELECT id, hash FROM operational_events ORDER BY seq DESC");
  EXPECT_EQ(v.head_id, head[0].str(0));
  EXPECT_EQ(v.head_hash, head[0].str(1));
  EXPECT_EQ(v.keyed_after_seq, 0);
}

TEST_F(AuditTest, AppendWithoutKeyRefuses) {
  open("");
  EXPECT_THROW(append("a"), std::logic_error);
}

TEST_F(AuditTest, ChainRebuiltWithoutTheKeyFails) {
  open();
  append("a");
  append("b");
  rebuild_without_key();
  auto v = audit_verify(store_->conn());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.problem, "chain");
}

TEST_F(AuditTest, AnotherKeyDoesNotVerify) {
  open(std::string(32, 'x'));
  append("a");
  store_->set_audit_key(std::string(32, 'y'));
  EXPECT_FALSE(audit_verify(store_->conn()).ok);
}

TEST_F(AuditTest, RowsBeforeTheUpgradeKeepTheLegacyChain) {
  {  // a store at schema 6 whose audit rows were chained with plain SHA-256
    SqliteConn c(path_);
    c.exec_script(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)");
    for (auto& m : sqlite_migrations()) {
      if (m.version > 6) continue;
      c.exec_script(m.sql);
      c.exec("INSERT INTO schema_migrations VALUES (?,?,?)",
             {int64_t{m.version}, m.name, std::string("2026-01-01T00:00:00Z")});
    }
    std::string prev(64, '0');
    for (std::string id :
         {"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"}) {
      std::vector<std::optional<std::string>> f{id,           "2026-01-01T00:00:00.000Z",
                                                "cli",        "system",
                                                "old",        std::nullopt,
                                                std::nullopt, std::nullopt,
                                                std::nullopt, "{}"};
      std::string h = legacy_hash(prev, f);
      c.exec(
          "INSERT INTO operational_events(id, created_at, actor, role, action, prev_hash, hash) "
          "VALUES (?,?,?,?,?,?,?)",
          {*f[0], *f[1], *f[2], *f[3], *f[4], prev, h});
      prev = h;
    }
  }
  open();
  append("new");
  auto v = audit_verify(store_->conn());
  EXPECT_TRUE(v.ok) << v.problem << " at " << v.first_bad_id.value_or("");
  EXPECT_EQ(v.checked, 3);
  EXPECT_EQ(v.keyed_after_seq, 2);
  // Moving the boundary past the keyed rows and rebuilding them as legacy ones: the
  // checkpoint signed the boundary, so the rewrite is caught.
  store_->write([](Conn& c) { audit_checkpoint(c, kT0); });
  ASSERT_TRUE(audit_verify(store_->conn()).ok);
  rebuild_without_key();
  store_->conn().exec("UPDATE audit_chain SET keyed_after_seq = 4");
  auto bad = audit_verify(store_->conn());
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.problem, "checkpoint");
}

TEST_F(AuditTest, CheckpointSignsCountAndHead) {
  open();
  append("a");
  append("b");
  int64_t n = store_->write([](Conn& c) { return audit_checkpoint(c, kT0); });
  EXPECT_EQ(n, 2);
  // Nothing new: no second checkpoint.
  EXPECT_EQ(store_->write([](Conn& c) { return audit_checkpoint(c, kT0); }), 2);
  append("c");
  auto v = audit_verify(store_->conn(), 2);
  ASSERT_TRUE(v.ok) << v.problem;
  ASSERT_TRUE(v.checkpoint);
  EXPECT_EQ(v.checkpoint->count, 2);
  EXPECT_EQ(v.rows_after_checkpoint, 1);
  EXPECT_EQ(v.checked, 4);
}

TEST_F(AuditTest, DeletingTheNewestRowsWithTheCheckpointIsTruncation) {
  open();
  append("a");
  store_->write([](Conn& c) { audit_checkpoint(c, kT0); });
  append("b");
  int64_t seen = store_->write([](Conn& c) { return audit_checkpoint(c, kT0); });
  EXPECT_EQ(seen, 3);
  append("c");
  lift_triggers();
  // Cut back to the first checkpoint: the remaining chain is intact...
  store_->conn().exec("DELETE FROM operational_events WHERE seq > 2");
  auto v = audit_verify(store_->conn(), seen);
  // ...but its newest checkpoint is below the one this process wrote.
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(v.truncated);
  EXPECT_EQ(v.problem, "truncated");
  EXPECT_TRUE(audit_verify(store_->conn(), 1).ok);
}

TEST_F(AuditTest, ForgedCheckpointFails) {
  open();
  append("a");
  store_->write([](Conn& c) { audit_checkpoint(c, kT0); });
  lift_triggers();
  store_->conn().exec(
      "UPDATE operational_events SET metadata = replace(metadata, '\"count\":1', '\"count\":9') "
      "WHERE action = 'audit.checkpoint'");
  EXPECT_FALSE(audit_verify(store_->conn()).ok);
}

// The same chain on PostgreSQL: the key reaches pooled connections, and timestamptz reads
// back exactly as it was hashed.
class PgServerAudit : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = pg_test_cluster_url_or_skip();
    if (base.empty()) return;
    db_ = std::make_unique<PgTestDatabase>(base, "pgaudit");
    store_ = Store::open(db_->url());
    store_->migrate("");
    store_->set_audit_key(std::string(32, 'k'));
  }
  void TearDown() override { store_.reset(); }
  void append(const std::string& action) {
    store_->write([&](Conn& c) {
      audit_append(c,
                   {"u1", "INTERNAL_ADMIN", action, std::nullopt, std::nullopt, std::nullopt,
                    std::nullopt, "{}"},
                   kT0 + 1);
    });
  }
  std::unique_ptr<PgTestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_F(PgServerAudit, KeyedChainCheckpointAndTruncation) {
  append("a");
  int64_t first = store_->write([](Conn& c) { return audit_checkpoint(c, kT0 + 2); });
  append("b");
  int64_t seen = store_->write([](Conn& c) { return audit_checkpoint(c, kT0 + 3); });
  EXPECT_EQ(first, 1);
  EXPECT_EQ(seen, 3);
  auto v = audit_verify(store_->conn(), seen);
  EXPECT_TRUE(v.ok) << v.problem << " at " << v.first_bad_id.value_or("");
  EXPECT_EQ(v.checked, 4);
  store_->conn().exec("ALTER TABLE operational_events DISABLE TRIGGER USER");
  store_->conn().exec("DELETE FROM operational_events WHERE seq > 2");
  auto cut = audit_verify(store_->conn(), seen);
  EXPECT_TRUE(cut.truncated);
  store_->set_audit_key(std::string(32, 'x'));
  EXPECT_EQ(audit_verify(store_->conn()).problem, "chain");
}

}  // namespace
}  // namespace painel::store
