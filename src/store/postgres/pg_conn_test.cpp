// PostgreSQL backend unit tests. The pure parts always run; the rest needs a server and is
// skipped unless PAINEL_TEST_PG_URL (or PAINEL_TEST_PG_URL_FILE, a file holding the URL)
// names one: ctest's pg.unit entry starts a throwaway cluster (scripts/pg-test-cluster.sh).
#include "store/postgres/pg_conn.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/pg_test_cluster.hpp"

namespace painel::store {
namespace {

TEST(PgPlaceholders, RewritesOutsideLiteralsAndComments) {
  int n = 0;
  EXPECT_EQ(rewrite_placeholders("SELECT ? + ?", &n), "SELECT $1 + $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(rewrite_placeholders("SELECT '?', \"a?\", ? -- ?\n, ?", &n),
            "SELECT '?', \"a?\", $1 -- ?\n, $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(rewrite_placeholders("SELECT 'it''s ?', ? /* ? /* ? */ ? */ , ?", &n),
            "SELECT 'it''s ?', $1 /* ? /* ? */ ? */ , $2");
  EXPECT_EQ(rewrite_placeholders("SELECT E'\\'?', ?", &n), "SELECT E'\\'?', $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(rewrite_placeholders("DO $$ BEGIN PERFORM '?'; END $$; SELECT ?", &n),
            "DO $$ BEGIN PERFORM '?'; END $$; SELECT $1");
  EXPECT_EQ(rewrite_placeholders("SELECT $fn$ ? $fn$, $1, ?", &n), "SELECT $fn$ ? $fn$, $1, $1");
  EXPECT_EQ(rewrite_placeholders("WHERE name LIKE ? ESCAPE '\\' AND x = ?", &n),
            "WHERE name LIKE $1 ESCAPE '\\' AND x = $2");
  EXPECT_EQ(n, 2);
}

TEST(PgValues, ConvertByType) {
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(20, "-9007199254740993")), -9007199254740993LL);
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(23, "42")), 42);
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(16, "t")), 1);
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(16, "f")), 0);
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(1700, "123456789012")), 123456789012LL);
  EXPECT_EQ(std::get<int64_t>(pg_text_to_value(1700, "12.000")), 12);
  EXPECT_DOUBLE_EQ(std::get<double>(pg_text_to_value(1700, "12.5000000000000000")), 12.5);
  EXPECT_DOUBLE_EQ(std::get<double>(pg_text_to_value(701, "0.1")), 0.1);
  // Same text as format_rfc3339 writes for that instant.
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(1184, "2026-11-28 12:00:00+00")),
            format_rfc3339(*parse_rfc3339("2026-11-28T12:00:00Z")));
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(1184, "2026-11-28 12:00:00.123456+00")),
            "2026-11-28T12:00:00.123Z");
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(1184, "2026-11-28 12:00:00.05+00")),
            "2026-11-28T12:00:00.050Z");
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(1184, "2026-11-28 01:30:00+02")),
            format_rfc3339(*parse_rfc3339("2026-11-27T23:30:00Z")));
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(1082, "2026-11-28")), "2026-11-28");
  EXPECT_EQ(std::get<std::string>(pg_text_to_value(2950, "0b1c5a5e-0000-4000-8000-000000000000")),
            "0b1c5a5e-0000-4000-8000-000000000000");
}

TEST(PgUrl, RedactsPasswords) {
  EXPECT_EQ(redact_pg_url("postgresql://app:s3cret@db:5432/painel"),
            "postgresql://app:***@db:5432/painel");
  EXPECT_EQ(redact_pg_url("postgresql://app@db/painel"), "postgresql://app@db/painel");
  EXPECT_EQ(redact_pg_url("postgresql://db/painel?password=x&sslmode=require"),
            "postgresql://db/painel?password=***&sslmode=require");
}

TEST(PgMigrations, SameVersionsAsSqlite) {
  std::vector<int> pg, lite;
  for (auto& m : postgres_migrations()) pg.push_back(m.version);
  for (auto& m : sqlite_migrations()) lite.push_back(m.version);
  EXPECT_EQ(pg, lite)
      << "add the PostgreSQL version of every SQLite migration (store/postgres/migrations.cpp)";
}

// A fresh database per test in the named cluster.
class PgServer : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = pg_test_cluster_url_or_skip();
    if (base_.empty()) return;
    db_ = std::make_unique<PgTestDatabase>(base_, "pgconn");
    url_ = db_->url();
    admin_ = &db_->admin();
  }
  std::string base_, url_;
  std::unique_ptr<PgTestDatabase> db_;
  PgConn* admin_ = nullptr;
};

TEST_F(PgServer, TypesRoundTripAsOnSqlite) {
  PgConn c({url_});
  c.exec_script(
      "CREATE TABLE t (id uuid PRIMARY KEY, n bigint, f double precision, at timestamptz, d date, "
      "j jsonb, s text)");
  c.exec("INSERT INTO t VALUES (?,?,?,?,?,?,?)",
         {std::string("0b1c5a5e-0000-4000-8000-000000000001"), int64_t{9007199254740993}, 0.1,
          std::string("2026-11-28T12:00:00.250Z"), std::string("2026-11-28"),
          std::string("{\"a\":1}"), nullptr});
  auto r = c.query("SELECT id, n, f, at, d, j, s, sum(n) OVER (), n > 0 FROM t", {});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].str(0), "0b1c5a5e-0000-4000-8000-000000000001");
  EXPECT_EQ(r[0].i64(1), 9007199254740993LL);
  EXPECT_DOUBLE_EQ(r[0].f64(2), 0.1);
  EXPECT_EQ(r[0].str(3), "2026-11-28T12:00:00.250Z");
  EXPECT_EQ(r[0].str(4), "2026-11-28");
  EXPECT_EQ(r[0].str(5), "{\"a\": 1}");
  EXPECT_TRUE(r[0].is_null(6));
  EXPECT_EQ(r[0].i64(7), 9007199254740993LL);
  EXPECT_EQ(r[0].i64(8), 1);
  EXPECT_EQ(c.exec("UPDATE t SET n = n + ? WHERE at < ?", {int64_t{1}, std::string("2027-01-01")}),
            1);
}

TEST_F(PgServer, ErrorsMapToKinds) {
  PgConn c({url_});
  c.exec_script("CREATE TABLE u (k text PRIMARY KEY)");
  c.exec("INSERT INTO u VALUES (?)", {std::string("a")});
  try {
    c.exec("INSERT INTO u VALUES (?)", {std::string("a")});
    FAIL() << "expected a constraint error";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind, DbError::Kind::Constraint);
  }
  try {
    c.query("SELECT nope FROM u", {});
    FAIL();
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind, DbError::Kind::Other);
  }
  // A failed transaction does not commit silently.
  c.begin(true);
  EXPECT_THROW(c.exec("INSERT INTO u VALUES (?)", {std::string("a")}), DbError);
  EXPECT_THROW(c.commit(), DbError);
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(c.query("SELECT count(*) FROM u", {})[0].i64(0), 1);
}

TEST_F(PgServer, EachViewStreamsRowsAndLeavesTheConnectionUsable) {
  PgConn c({url_});
  int64_t n = 0, sum = 0, trues = 0, nulls = 0;
  std::string last;
  c.each_view(
      "SELECT g, 'id-' || g, g % 2 = 0, CASE WHEN g % 10 = 0 THEN NULL ELSE g END, "
      "(date '2026-01-01' + (g % 3))::date FROM generate_series(1, ?::int) g",
      {int64_t{200000}}, [&](const RowView& r) {
        ++n;
        sum += r.i64(0);
        trues += r.i64(2);
        nulls += r.is_null(3) ? 1 : 0;
        last = std::string(r.text(1)) + " " + std::string(r.text(4));
      });
  EXPECT_EQ(n, 200000);
  EXPECT_EQ(sum, int64_t{200000} * 200001 / 2);
  EXPECT_EQ(trues, 100000);
  EXPECT_EQ(nulls, 20000);
  EXPECT_EQ(last, "id-200000 2026-01-03");  // 200000 % 3 == 2
  // A callback that throws: the rest is drained, the error reaches the caller.
  EXPECT_THROW(c.each_view("SELECT g FROM generate_series(1, 1000) g", {},
                           [](const RowView&) { throw std::runtime_error("stop"); }),
               std::runtime_error);
  // An error after some rows were streamed.
  EXPECT_THROW(c.each_view("SELECT 10 / (500 - g) FROM generate_series(1, 1000) g", {},
                           [](const RowView&) {}),
               DbError);
  EXPECT_EQ(c.query("SELECT 41 + 1", {})[0].i64(0), 42);
}

TEST_F(PgServer, ReconnectsAfterTheBackendIsTerminated) {
  PgConn c({url_});
  c.exec_script("CREATE TABLE v (n bigint)");
  c.exec("INSERT INTO v VALUES (?)", {int64_t{1}});
  int pid = c.backend_pid();
  admin_->query("SELECT pg_terminate_backend(?)", {int64_t{pid}});
  // Outside a transaction: transparently on a new session (the prepared statement too).
  EXPECT_EQ(c.query("SELECT count(*) FROM v", {})[0].i64(0), 1);
  EXPECT_NE(c.backend_pid(), pid);
  // Inside one: the loss is reported, and the next transaction works again.
  c.begin(true);
  c.exec("INSERT INTO v VALUES (?)", {int64_t{2}});
  admin_->query("SELECT pg_terminate_backend(?)", {int64_t{c.backend_pid()}});
  try {
    c.exec("INSERT INTO v VALUES (?)", {int64_t{3}});
    FAIL() << "expected the lost connection to surface";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind, DbError::Kind::Unavailable);
  }
  c.rollback();
  EXPECT_FALSE(c.in_transaction());
  c.begin(true);
  c.exec("INSERT INTO v VALUES (?)", {int64_t{4}});
  c.commit();
  EXPECT_EQ(c.query("SELECT coalesce(sum(n),0) FROM v", {})[0].i64(0), 5);
}

// Read in place, a row says what a Row says: timestamps as RFC 3339 UTC (the server's own
// format, "2026-03-10 02:17:08.051+00", was given as is and parsed as nothing: the fold
// lost its rows' last_request_at once the pool read in place). Pooled, the whole result is
// read first, so a callback may query again.
TEST_F(PgServer, RowsReadInPlaceAreTheRowsOfAQuery) {
  const std::string sql =
      "SELECT g, 'id-' || g, timestamptz '2026-03-10 02:17:08.051+00' + g * interval '1 hour', "
      "timestamp '2026-03-10 02:17:08' + g * interval '1 day', (date '2026-01-01' + g)::date "
      "FROM generate_series(1, 3) g ORDER BY g";
  auto as_text = [](const auto& r) {
    std::string out;
    for (size_t i = 0; i < 5; ++i) (out += r.text(i)) += '|';
    return out;
  };
  StoreOptions o;
  o.pool_size = 1;
  auto s = Store::open(url_, o);
  std::vector<std::string> rows, streamed, pooled;
  for (auto& r : s->conn().query(sql, {})) {
    std::string t = as_text(r);
    // Row::text gives "" for a number: the views give its digits, which no caller reads as text
    rows.push_back(std::to_string(r.i64(0)) + t);
  }
  PgConn c({url_});
  c.each_view(sql, {}, [&](const RowView& r) { streamed.push_back(as_text(r)); });
  s->conn().each_view(sql, {}, [&](const RowView& r) {
    pooled.push_back(as_text(r));
    EXPECT_EQ(s->conn().query("SELECT 41 + 1", {})[0].i64(0), 42);  // one session: read already
  });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "1|id-1|2026-03-10T03:17:08.051Z|2026-03-11T02:17:08.000Z|2026-01-02|");
  EXPECT_EQ(streamed, rows);
  EXPECT_EQ(pooled, rows);
}

TEST_F(PgServer, StoreMigratesAndPoolsConnections) {
  StoreOptions o;
  o.pool_size = 3;
  auto s = Store::open(url_, o);
  EXPECT_EQ(s->schema_version(), 0);
  EXPECT_EQ(s->migrate(""), static_cast<int>(postgres_migrations().size()));
  EXPECT_EQ(s->migrate(""), 0);
  EXPECT_EQ(s->schema_version(), s->latest_version());
  std::string why;
  EXPECT_TRUE(s->ready(why)) << why;
  // Append-only audit log.
  s->conn().exec(
      "INSERT INTO operational_events(id, created_at, actor, role, action, prev_hash, hash) "
      "VALUES (?,?,?,?,?,?,?)",
      {std::string("0b1c5a5e-0000-4000-8000-000000000002"), std::string("2026-01-01T00:00:00Z"),
       std::string("a"), std::string("r"), std::string("x"), std::string("p"), std::string("h")});
  try {
    s->conn().exec("UPDATE operational_events SET actor = 'b'", {});
    FAIL();
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind, DbError::Kind::Constraint);
  }
  // 8 threads, 3 sessions: every write transaction commits, none lost.
  s->conn().exec_script("CREATE TABLE counter (n bigint); INSERT INTO counter VALUES (0)");
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&] {
      for (int k = 0; k < 25; ++k)
        s->write([](Conn& c) {
          auto n = c.query("SELECT n FROM counter", {})[0].i64(0);  // read-then-write
          c.exec("UPDATE counter SET n = ?", {n + 1});
        });
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(s->conn().query("SELECT n FROM counter", {})[0].i64(0), 200);
  auto sessions = admin_->query(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND application_name = 'painel'",
      {db_->name()});
  EXPECT_LE(sessions[0].i64(0), 3);
}

}  // namespace
}  // namespace painel::store
