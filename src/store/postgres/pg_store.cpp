#include "store/postgres/pg_store.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "core/blocking.hpp"
#include "core/time.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/private_files.hpp"

extern char** environ;

namespace painel::store {
namespace {

std::atomic<uint64_t> g_pg_store_ids{1};

// Serializes migrators (several instances starting at once); per database.
constexpr int64_t kMigrateLock = 7022364355625379938;

// The pool. Store::conn() promises "this thread's connection", but a thread-per-connection
// design would tie the number of server sessions to the number of threads that ever touch
// the store (handlers, jobs, CLI). Instead each thread gets a light PooledConn that borrows
// a real session from here per statement, or from begin() to commit()/rollback() — so a
// transaction stays on one session, nested conn() calls on that thread join it (as they do
// on SQLite), and the server never sees more than `max` sessions however many threads run.
// Sessions are reused LIFO (warm prepared-statement caches); a broken one is dropped.
class PgPool {
 public:
  PgPool(PgConnOptions o, int max) : opts_(std::move(o)), max_(max) {}

  std::unique_ptr<PgConn> take() {
    std::unique_lock lk(mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (closed_) throw DbError(DbError::Kind::Unavailable, "the store is closed");
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      if (open_ < max_) {
        ++open_;
        lk.unlock();
        try {
          return std::make_unique<PgConn>(opts_);
        } catch (...) {
          lk.lock();
          --open_;
          cv_.notify_one();
          throw;
        }
      }
      if (cv_.wait_until(lk, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_)
        throw DbError(
            DbError::Kind::Unavailable,
            "all " + std::to_string(max_) + " PostgreSQL connections are in use (--db-pool-size)");
    }
  }

  void give(std::unique_ptr<PgConn> c) {
    if (!c) return;
    if (c->in_transaction()) c->rollback();
    std::unique_lock lk(mu_);
    if (closed_ || !c->healthy()) {
      --open_;
      lk.unlock();
      cv_.notify_one();
      c.reset();  // closes the session outside the lock
      return;
    }
    idle_.push_back(std::move(c));
    lk.unlock();
    cv_.notify_one();
  }

  // Closes idle sessions; sessions in use are closed when given back.
  void close(bool forever) {
    std::vector<std::unique_ptr<PgConn>> drop;
    {
      std::lock_guard lk(mu_);
      closed_ = closed_ || forever;
      open_ -= static_cast<int>(idle_.size());
      drop.swap(idle_);
    }
    cv_.notify_all();
  }

  int max() const { return max_; }

 private:
  PgConnOptions opts_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;
  bool closed_ = false;
};

class PooledConn final : public Conn {
 public:
  explicit PooledConn(std::shared_ptr<PgPool> p) : pool_(std::move(p)) {}
  ~PooledConn() override {
    try {
      if (held_) pool_->give(std::move(held_));
      if (pinned_) pool_->give(std::move(pinned_));
    } catch (...) {
    }
  }
  Dialect dialect() const override { return Dialect::Postgres; }

  Rows query(std::string_view sql, const Params& params) override {
    return with([&](PgConn& c) { return c.query(sql, params); });
  }
  int64_t exec(std::string_view sql, const Params& params) override {
    return with([&](PgConn& c) { return c.exec(sql, params); });
  }
  void each(std::string_view sql, const Params& params,
            const std::function<void(const Row&)>& fn) override {
    if (held_) return held_->each(sql, params, fn);
    // Outside a transaction: read, give the session back, then call fn, so that fn may
    // query again without holding two sessions.
    for (auto& r : query(sql, params)) fn(r);
  }
  // In a transaction (where the aggregation scans a day's events): streamed on its session
  // (PgConn::each_view, libpq's single-row mode), so memory stays flat; the callback must
  // not use the connection meanwhile, and none does. Otherwise the whole result is read on
  // a session given back at once (a callback may query, as with each()) and its rows read
  // in place: no Row per row (Conn's default each_view built one through each()).
  void each_view(std::string_view sql, const Params& params,
                 const std::function<void(const RowView&)>& fn) override {
    if (held_) return held_->each_view(sql, params, fn);
    PgResultRows rows = with([&](PgConn& c) { return c.read(sql, params); });
    rows.each_view(fn);
  }
  void exec_script(std::string_view sql) override {
    with([&](PgConn& c) {
      c.exec_script(sql);
      return 0;
    });
  }
  void begin(bool immediate) override {
    begin_on([&](PgConn& c) { c.begin(immediate); });
  }
  void begin_write(WriteLock lock) override {
    begin_on([&](PgConn& c) { c.begin_write(lock); });
  }
  template <class F>
  void begin_on(F&& start) {
    if (held_) throw DbError(DbError::Kind::Other, "begin: already in a transaction");
    held_ = pinned_ ? std::move(pinned_) : pool_->take();
    try {
      start(*held_);
    } catch (...) {
      give_back();
      throw;
    }
  }
  void commit() override {
    if (!held_) throw DbError(DbError::Kind::Other, "commit: no transaction");
    struct Give {
      PooledConn* self;
      ~Give() { self->give_back(); }
    } give{this};
    held_->commit();
  }
  void rollback() override {
    if (!held_) return;
    struct Give {
      PooledConn* self;
      ~Give() { self->give_back(); }
    } give{this};
    held_->rollback();
  }
  bool in_transaction() const override { return held_ != nullptr; }
  void pin_session() override {
    if (pins_++ == 0 && !held_) pinned_ = pool_->take();
  }
  void unpin_session() override {
    if (pins_ == 0 || --pins_ > 0) return;
    if (pinned_) pool_->give(std::move(pinned_));
  }

 private:
  // The end of a transaction: its session goes back to the pin, or to the pool.
  void give_back() {
    if (!held_) return;
    if (pins_ > 0)
      pinned_ = std::move(held_);
    else
      pool_->give(std::move(held_));
  }

  template <class F>
  auto with(F&& f) -> decltype(f(std::declval<PgConn&>())) {
    if (held_) return f(*held_);
    if (pinned_) return f(*pinned_);
    auto c = pool_->take();
    struct Give {
      PgPool& pool;
      std::unique_ptr<PgConn>& c;
      ~Give() { pool.give(std::move(c)); }
    } give{*pool_, c};
    return f(*c);
  }

  std::shared_ptr<PgPool> pool_;
  std::unique_ptr<PgConn> held_;    // during a transaction
  std::unique_ptr<PgConn> pinned_;  // between transactions while pinned
  int pins_ = 0;
};

// Serving processes hold it shared, `painel restore` exclusive (a session advisory lock).
constexpr int64_t kInstanceLock = 7022364355625379939;

// Runs a client tool (pg_dump, pg_restore) without a shell; returns its exit status.
// stdout_path: where its standard output goes (else inherited, or /dev/null when quiet).
int run_tool(const std::vector<std::string>& argv, bool quiet,
             const std::string& stdout_path = "") {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!stdout_path.empty())
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
  if (quiet) {
    if (stdout_path.empty()) posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    throw DbError(DbError::Kind::Other,
                  "cannot run " + argv[0] + " (install postgresql-client): " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// The session holding kInstanceLock.
class PgInstanceLock final : public InstanceLock {
 public:
  explicit PgInstanceLock(std::unique_ptr<PgConn> c) : c_(std::move(c)) {}

 private:
  std::unique_ptr<PgConn> c_;  // closing the session releases the lock
};

// The archive's table of contents (`pg_restore --list`) must list the data of every main
// table: a truncated or foreign file fails here. A partitioned table's data is in its
// partitions (usage_events from migration 27 on): its DEFAULT partition, always there,
// stands for it.
void check_archive(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw DbError(DbError::Kind::Other, "no such backup: " + path);
  std::string list_path = path + ".list";
  int rc = run_tool({"pg_restore", "--list", path}, true, list_path);
  std::ifstream in(list_path);
  std::stringstream toc;
  toc << in.rdbuf();
  std::filesystem::remove(list_path);
  if (rc != 0)
    throw DbError(DbError::Kind::Other, path +
                                            " is not a usable Painel backup (pg_restore --list "
                                            "failed: not a pg_dump -Fc archive, or damaged)");
  std::string text = toc.str();
  for (auto& main : main_backup_tables()) {
    const std::string partition = main + "_default";
    bool found = false;
    for (size_t at = text.find(" TABLE DATA "); at != std::string::npos && !found;
         at = text.find(" TABLE DATA ", at + 1)) {
      size_t eol = text.find('\n', at);
      std::istringstream line(text.substr(at + 12, eol == std::string::npos ? eol : eol - at - 12));
      std::string schema, table;
      line >> schema >> table;
      found = table == main || table == partition;
    }
    if (!found)
      throw DbError(DbError::Kind::Other,
                    path + " is not a usable Painel backup (no data of table " + main + ")");
  }
  // The list reads only the table of contents: read every data block too (a truncated or
  // damaged archive fails here), writing the SQL nowhere.
  if (run_tool({"pg_restore", "--file=/dev/null", path}, true) != 0)
    throw DbError(DbError::Kind::Other,
                  path + " is not a usable Painel backup (pg_restore cannot read its data)");
}

class PgStore final : public Store {
 public:
  PgStore(const std::string& url, const StoreOptions& o) : url_(url), id_(g_pg_store_ids++) {
    co_.url = url;
    co_.statement_timeout_ms = o.statement_timeout_ms;
    int size = o.pool_size > 0 ? o.pool_size : 12;
    pool_ = std::make_shared<PgPool>(co_, size);
    pool_->give(pool_->take());  // fail at start-up, not at the first request
  }
  ~PgStore() override { pool_->close(true); }

  Conn& conn() override {
    may_block();  // never on a network thread (core/blocking.hpp)
    thread_local std::unordered_map<uint64_t, std::unique_ptr<PooledConn>> conns;
    auto& c = conns[id_];
    if (!c) {
      c = std::make_unique<PooledConn>(pool_);
      c->use_audit_key(&audit_key_);
    }
    return *c;
  }
  Dialect dialect() const override { return Dialect::Postgres; }
  std::string describe() const override { return redact_pg_url(url_); }

  int schema_version() override {
    auto& c = conn();
    auto t = c.query(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name = 'schema_migrations'");
    if (t.empty() || t[0].i64(0) == 0) return 0;
    return static_cast<int>(
        c.query("SELECT coalesce(max(version),0) FROM schema_migrations")[0].i64(0));
  }
  int latest_version() const override { return postgres_migrations().back().version; }

  int migrate_to(const std::string& backup_path, int target) override {
    if (target <= 0 || target > latest_version()) target = latest_version();
    if (!backup_path.empty()) {
      int v = schema_version();
      if (v > 0 && v < target) backup(backup_path);
    }
    int applied = 0;
    auto c = pool_->take();
    struct Give {
      PgPool& p;
      std::unique_ptr<PgConn>& c;
      ~Give() { p.give(std::move(c)); }
    } give{*pool_, c};
    // One migration per transaction, each under a lock so that instances starting
    // together apply every migration once; the version is read again under the lock.
    for (;;) {
      c->begin(false);
      c->exec("SET LOCAL statement_timeout = 0", {});
      c->exec("SELECT pg_advisory_xact_lock(?)", {kMigrateLock});
      c->exec_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text "
          "NOT NULL, applied_at timestamptz NOT NULL)");
      int current = static_cast<int>(
          c->query("SELECT coalesce(max(version),0) FROM schema_migrations", {})[0].i64(0));
      if (current > latest_version()) {
        c->rollback();
        throw DbError(DbError::Kind::Other, "database schema is newer than this binary (v" +
                                                std::to_string(current) + ")");
      }
      const Migration* next = nullptr;
      for (auto& m : postgres_migrations())
        if (m.version > current && m.version <= target) {
          next = &m;
          break;
        }
      if (!next) {
        c->commit();
        return applied;
      }
      c->exec_script(next->sql);
      if (next->fill) next->fill(*c);
      c->exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)",
              {int64_t{next->version}, next->name, format_rfc3339(wall_now_ms())});
      c->commit();
      ++applied;
    }
  }

  // Backups are pg_dump custom-format archives (pg_dump -Fc); restore replaces the
  // objects they contain (pg_restore --clean) in one transaction.
  void backup(const std::string& path) override {
    // pg_dump rewrites an existing file in place: created first, the archive is 0600.
    create_private_dirs(std::filesystem::path(path).parent_path().string());
    std::filesystem::remove(path);
    create_private_file(path);
    int rc = run_tool({"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                       "--file=" + path, "--dbname=" + url_},
                      false);
    if (rc != 0)
      throw DbError(DbError::Kind::Other, "pg_dump failed (exit " + std::to_string(rc) + ")");
  }

  std::vector<AppliedMigration> applied_migrations() override {
    std::vector<AppliedMigration> out;
    if (schema_version() == 0) return out;
    for (auto& r :
         conn().query("SELECT version, name, to_char(applied_at AT TIME ZONE 'UTC', "
                      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY version"))
      out.push_back({static_cast<int>(r.i64(0)), std::string(r.text(1)), std::string(r.text(2))});
    return out;
  }

  // pg_dump of a snapshot exported by a REPEATABLE READ transaction that counts the main
  // tables first: the counts are the archive's, whatever commits meanwhile.
  BackupInfo backup_verified(const std::string& path) override {
    create_private_dirs(std::filesystem::path(path).parent_path().string());
    std::filesystem::remove(path);
    create_private_file(path);
    PgConn c(co_);
    c.begin(false);
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", {});
    c.exec("SET LOCAL statement_timeout = 0", {});
    std::string snapshot(c.query("SELECT pg_export_snapshot()", {})[0].text(0));
    BackupInfo info;
    info.schema_version = static_cast<int>(
        c.query("SELECT coalesce(max(version),0) FROM schema_migrations", {})[0].i64(0));
    for (auto& t : main_backup_tables())
      info.counts.emplace_back(t, c.query("SELECT count(*) FROM " + t, {})[0].i64(0));
    int rc = run_tool({"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                       "--snapshot=" + snapshot, "--file=" + path, "--dbname=" + url_},
                      false);
    c.rollback();
    if (rc != 0)
      throw DbError(DbError::Kind::Other, "pg_dump failed (exit " + std::to_string(rc) + ")");
    check_archive(path);
    return info;
  }
  BackupInfo verify_backup(const std::string& path) override {
    check_archive(path);
    return {};
  }
  BackupInfo live_counts() override {
    BackupInfo info;
    info.schema_version = schema_version();
    if (info.schema_version == 0) return info;  // an empty store: nothing to count
    auto& c = conn();
    for (auto& t : main_backup_tables())
      info.counts.emplace_back(t, c.query("SELECT count(*) FROM " + t)[0].i64(0));
    return info;
  }

  std::unique_ptr<InstanceLock> try_lock_instance(bool exclusive) override {
    auto c = std::make_unique<PgConn>(co_);
    bool got = c->query(exclusive ? "SELECT pg_try_advisory_lock(?)::int"
                                  : "SELECT pg_try_advisory_lock_shared(?)::int",
                        {kInstanceLock})[0]
                   .i64(0) != 0;
    if (!got) return nullptr;
    return std::make_unique<PgInstanceLock>(std::move(c));
  }

  void restore(const std::string& path) override {
    check_archive(path);
    pool_->close(false);  // no idle session holds on to the old tables
    int rc = run_tool({"pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                       "--single-transaction", "--exit-on-error", "--dbname=" + url_, path},
                      false);
    if (rc != 0)
      throw DbError(DbError::Kind::Other, "pg_restore failed (exit " + std::to_string(rc) + ")");
  }

 private:
  std::string url_;
  uint64_t id_;
  PgConnOptions co_;
  std::shared_ptr<PgPool> pool_;
};

}  // namespace

std::string redact_pg_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?", start);
  size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  std::string out = url;
  if (at != std::string::npos && at > start) {
    size_t colon = url.find(':', start);
    if (colon != std::string::npos && colon < at)
      out = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  auto pw = out.find("password=");
  if (pw != std::string::npos) {
    size_t stop = out.find('&', pw);
    out = out.substr(0, pw + 9) + "***" + (stop == std::string::npos ? "" : out.substr(stop));
  }
  return out;
}

std::unique_ptr<Store> open_postgres(const std::string& url, const StoreOptions& opts) {
  return std::make_unique<PgStore>(url, opts);
}

}  // namespace painel::store
