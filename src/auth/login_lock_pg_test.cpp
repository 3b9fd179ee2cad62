// Password logins, refreshes and logouts off PostgreSQL's global write lock
// (WriteLock::RowLevel, token_login.cpp, token_service.cpp): each commits while another
// connection holds the global lock; failures counted from two instances at once are all
// counted (one upsert per counter, store::count_throttle_failure) and lock the account at
// exactly its threshold; a login or a refresh racing a revocation of the user never
// leaves a live session whose tokens the revocation killed, and one refresh token
// presented at once mints one successor (the user's row, store::lock_user_row, locked by
// all of them). Needs a server: skipped unless PAINEL_TEST_PG_URL(_FILE) is set (ctest's
// pg.unit).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "auth/token_service.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"
#include "store/postgres/global_lock_holder.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/sessions.hpp"
#include "store/test_stores.hpp"
#include "store/users.hpp"

namespace painel::auth {
namespace {

using Clock = std::chrono::steady_clock;
using store::Conn;
using store::Store;

const std::string kMasterKey(32, 'm');
const std::string kAuditKey(32, 'k');
constexpr const char* kEmail = "login-lock@example.com";
constexpr const char* kPassword = "correct horse battery staple";

class PgServerLoginLock : public store::PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (!store_) return;
    store_->set_audit_key(kAuditKey);
    const std::string hash = hash_password(kPassword, PasswordCost::Fast);
    store_->write([&](Conn& c) {
      user_id_ = store::create_user(
          c, {kEmail, "Login Lock", hash, std::nullopt, {"INTERNAL_ADMIN"}, std::nullopt},
          wall_now_ms());
    });
    cfg_.login_concurrency = 8;
  }
  std::unique_ptr<Store> open_other() {
    auto s = Store::open(db_->url());
    s->set_audit_key(kAuditKey);
    return s;
  }
  int64_t failures(const std::string& key) {
    return store::load_throttle(store_->conn(), key).failures;
  }
  using GlobalLockHolder = store::GlobalLockHolder;  // 2 s, every other user's row too
  Config cfg_;
  SystemClock clock_;
  std::string user_id_;
};

// (a) A failed login (its counters and audit row) and a successful one (its session)
// commit while another connection holds the global write lock for 2 s. Fails (both wait
// for the holder) when record_login_failure / open_session use Store::write's default.
TEST_F(PgServerLoginLock, LoginCommitsWhileAnotherWriterHoldsTheGlobalLock) {
  if (!store_) return;
  TokenService tokens(cfg_, *store_, clock_, kMasterKey);
  const RequestMeta m{"10.0.0.1", "gtest", "req-1"};

  GlobalLockHolder holder(db_->url(), user_id_);
  const auto start = Clock::now();
  bool refused = false;
  try {
    tokens.check_password(kEmail, "wrong password", m);
  } catch (const ApiError& e) {
    refused = e.status == 401;
  }
  const auto failed = Clock::now();
  auto u = tokens.check_password(kEmail, kPassword, m);
  auto pair = tokens.open_session(u, m);
  const auto opened = Clock::now();
  holder.join();
  const auto released = holder.released;
  EXPECT_TRUE(refused);
  EXPECT_LT(failed, released) << "the failed login waited for the global write lock";
  EXPECT_LT(opened, released) << "the login's session waited for the global write lock";
  EXPECT_LT((opened - start) * 2, released - start);
  auto s = store::find_session_by_refresh_hash(store_->conn(), sha256_hex(pair.refresh_token));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->user_id, user_id_);
  EXPECT_EQ(failures("acct:" + std::string(kEmail)), 1);
  EXPECT_EQ(failures("pair:" + std::string(kEmail) + "|10.0.0.1"), 0);  // cleared by the login
  auto v = store::audit_verify(store_->conn());
  EXPECT_TRUE(v.ok) << v.problem;
}

// (b) Two instances (two stores, each its TokenService) count failed logins for one
// account from several threads at once, each from its own address (no pair locks): every
// failure is counted, and the account locks exactly at its threshold (N x M). With the
// counters read and then written outside the global lock, concurrent failures (the first
// of a key above all, which has no row to lock) count once.
TEST_F(PgServerLoginLock, ConcurrentFailuresFromTwoInstancesAreAllCounted) {
  if (!store_) return;
  constexpr int kThreads = 4, kEach = 10;
  cfg_.login_account_max_failures = kThreads * kEach;
  auto other = open_other();
  TokenService ta(cfg_, *store_, clock_, kMasterKey), tb(cfg_, *other, clock_, kMasterKey);
  std::atomic<int> refused{0}, locked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      TokenService& tokens = t % 2 ? tb : ta;
      for (int i = 0; i < kEach; ++i) {
        const RequestMeta m{"10.1." + std::to_string(t) + "." + std::to_string(i), "gtest", "req"};
        try {
          tokens.check_password(kEmail, "wrong password", m);
        } catch (const ApiError& e) {
          if (e.status == 401) ++refused;
          if (e.status == 429) ++locked;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), kThreads * kEach);
  EXPECT_EQ(locked.load(), 0);  // the lock comes with the last failure, not before
  auto row = store::load_throttle(store_->conn(), "acct:" + std::string(kEmail));
  EXPECT_EQ(row.failures, kThreads * kEach);
  EXPECT_GT(row.locked_until_ms, wall_now_ms()) << "the account did not lock at its threshold";
  // Locked now: the right password is refused too.
  try {
    ta.check_password(kEmail, kPassword, {"10.2.0.1", "gtest", "req"});
    ADD_FAILURE() << "a locked account accepted a login";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status, 429);
  }
  auto v = store::audit_verify(store_->conn());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(store_->conn()
                .query("SELECT count(*) FROM operational_events WHERE action = ?",
                       {std::string("auth.login_failed")})[0]
                .i64(0),
            kThreads * kEach);
}

// (c) A login (one instance) races a revocation of every session of the user (another
// instance, RESET_TOKEN's revoke_user_sessions), many times: afterwards the login's
// session is either revoked, or live with an access token the revocation does not kill
// (it was issued after the revocation committed). Without the user row's lock in both, a
// session inserted beside the revocation is invisible to its UPDATE and outlives it.
TEST_F(PgServerLoginLock, ALoginRacingARevocationNeverOutlivesIt) {
  if (!store_) return;
  constexpr int kRounds = 200, kLogins = 3;
  auto other = open_other();
  TokenService ta(cfg_, *store_, clock_, kMasterKey), tb(cfg_, *other, clock_, kMasterKey);
  const RequestMeta m{"10.3.0.1", "gtest", "req"};
  auto u = ta.check_password(kEmail, kPassword, m);
  int survived = 0, ended = 0;
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    // kLogins logins (on the first instance) and one revocation (on the other) start at
    // once.
    std::atomic<int> ready{0};
    std::vector<TokenPair> pairs(kLogins);
    std::vector<std::thread> logins;
    for (int i = 0; i < kLogins; ++i)
      logins.emplace_back([&, i] {
        ++ready;
        while (ready < kLogins + 1) std::this_thread::yield();
        pairs[i] = ta.open_session(u, m);
      });
    ++ready;
    while (ready < kLogins + 1) std::this_thread::yield();
    other->write([&](Conn& c) { tb.revoke_user_sessions(c, user_id_); });
    for (auto& t : logins) t.join();
    ta.sync_revocations(true);
    for (auto& pair : pairs) {
      auto s = store::find_session_by_refresh_hash(store_->conn(), sha256_hex(pair.refresh_token));
      ASSERT_TRUE(s.has_value());
      if (s->revoked_at_ms) {
        ++ended;
        continue;
      }
      ++survived;
      // Live: its access token must have been issued after the revocation (iat at or
      // past the user's epoch), or the session outlived a revocation that killed its
      // tokens (and its refresh token would mint new ones).
      std::string why;
      EXPECT_TRUE(ta.authenticate(pair.access_token, why).has_value())
          << "round " << round << ": a live session whose access token the revocation killed ("
          << why << ")";
    }
  }
  // Both outcomes are legitimate; say how the race went.
  std::printf("logins ended by the revocation: %d, after it: %d\n", ended, survived);
}

// (d) A refresh and a logout commit while another connection holds the global lock for
// 2 s. Fails (both wait for the holder) when refresh / logout use Store::write's default.
TEST_F(PgServerLoginLock, RefreshAndLogoutCommitWhileAnotherWriterHoldsTheGlobalLock) {
  if (!store_) return;
  TokenService tokens(cfg_, *store_, clock_, kMasterKey);
  const RequestMeta m{"10.0.0.1", "gtest", "req-1"};
  auto first = tokens.open_session(tokens.check_password(kEmail, kPassword, m), m);
  auto other = tokens.open_session(tokens.check_password(kEmail, kPassword, m), m);

  GlobalLockHolder holder(db_->url(), user_id_);
  const auto start = Clock::now();
  auto next = tokens.refresh(first.refresh_token, m);
  const auto refreshed = Clock::now();
  tokens.logout(other.refresh_token, m);
  const auto logged_out = Clock::now();
  holder.join();
  const auto released = holder.released;
  EXPECT_LT(refreshed, released) << "the refresh waited for the global write lock";
  EXPECT_LT(logged_out, released) << "the logout waited for the global write lock";
  EXPECT_LT((logged_out - start) * 2, released - start);
  auto& c = store_->conn();
  EXPECT_TRUE(
      store::find_session_by_refresh_hash(c, sha256_hex(first.refresh_token))->rotated_at_ms);
  EXPECT_FALSE(
      store::find_session_by_refresh_hash(c, sha256_hex(next.refresh_token))->revoked_at_ms);
  EXPECT_TRUE(
      store::find_session_by_refresh_hash(c, sha256_hex(other.refresh_token))->revoked_at_ms);
}

// (e) One refresh token presented at once from several threads on two instances (a
// replay racing the real client): one refresh succeeds, the others find it rotated, and
// reuse revokes the whole family, the successor included. Without the user row's lock
// in the refresh, several refreshes read the session unrotated and each mints a live
// successor.
TEST_F(PgServerLoginLock, ConcurrentRefreshesOfOneTokenMintOneSuccessor) {
  if (!store_) return;
  constexpr int kThreads = 4, kRounds = 20;
  auto other = open_other();
  TokenService ta(cfg_, *store_, clock_, kMasterKey), tb(cfg_, *other, clock_, kMasterKey);
  const RequestMeta m{"10.4.0.1", "gtest", "req"};
  auto u = ta.check_password(kEmail, kPassword, m);
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    auto pair = ta.open_session(u, m);
    std::atomic<int> ready{0}, ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        ++ready;
        while (ready < kThreads) std::this_thread::yield();
        try {
          (t % 2 ? tb : ta).refresh(pair.refresh_token, m);
          ++ok;
        } catch (const ApiError& e) {
          if (e.status == 401) ++refused;
        }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), kThreads - 1) << "round " << round;
    auto s = store::find_session_by_refresh_hash(store_->conn(), sha256_hex(pair.refresh_token));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(
        store_->conn()
            .query("SELECT count(*) FROM sessions WHERE family_id = ? AND revoked_at_ms IS NULL",
                   {s->family_id})[0]
            .i64(0),
        0)
        << "round " << round << ": the replay left a live successor";
  }
}

// (f) A refresh (one instance) races a revocation of every session of the user (the
// other), many times: the refresh is refused, or its successor is revoked. Without the user row's
// lock in the refresh its successor, inserted beside the revocation, outlives it.
TEST_F(PgServerLoginLock, ARefreshRacingARevocationNeverOutlivesIt) {
  if (!store_) return;
  constexpr int kRounds = 150;
  auto other = open_other();
  TokenService ta(cfg_, *store_, clock_, kMasterKey), tb(cfg_, *other, clock_, kMasterKey);
  const RequestMeta m{"10.5.0.1", "gtest", "req"};
  auto u = ta.check_password(kEmail, kPassword, m);
  int survived = 0, ended = 0, refused = 0;
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    auto start = ta.open_session(u, m);
    std::atomic<int> ready{0};
    std::optional<TokenPair> next;
    std::thread refresh([&] {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      try {
        next = ta.refresh(start.refresh_token, m);
      } catch (const ApiError&) {  // revoked first: refused
      }
    });
    ++ready;
    while (ready < 2) std::this_thread::yield();
    other->write([&](Conn& c) { tb.revoke_user_sessions(c, user_id_); });
    refresh.join();
    if (!next) {
      ++refused;
      continue;
    }
    auto s = store::find_session_by_refresh_hash(store_->conn(), sha256_hex(next->refresh_token));
    ASSERT_TRUE(s.has_value());
    // Never live: a refresh after the revocation is refused (its session was revoked), one
    // before it has its successor revoked.
    if (s->revoked_at_ms) {
      ++ended;
      continue;
    }
    ++survived;
    ADD_FAILURE() << "round " << round << ": a refresh's successor outlived the revocation";
  }
  std::printf("refreshes refused: %d, successors revoked: %d, live: %d\n", refused, ended,
              survived);
}

// (g) A password change (or reset) that commits between a login's password check and its
// session (which, off the global lock, can happen beside it) refuses that login: the
// change ended the user's other sessions and a session opened with the old password
// must not outlive it. Fails if open_session does not compare the hash it verified.
TEST_F(PgServerLoginLock, APasswordChangedAfterTheCheckRefusesTheSession) {
  if (!store_) return;
  TokenService tokens(cfg_, *store_, clock_, kMasterKey);
  const RequestMeta m{"10.6.0.1", "gtest", "req"};
  auto u = tokens.check_password(kEmail, kPassword, m);
  const std::string next = hash_password("another horse battery staple", PasswordCost::Fast);
  store_->write([&](Conn& c) { store::set_user_password_hash(c, user_id_, next); });
  auto count = [&] {
    return store_->conn()
        .query("SELECT count(*) FROM sessions WHERE user_id = ?", {user_id_})[0]
        .i64(0);
  };
  const int64_t before = count();
  try {
    tokens.open_session(u, m);
    ADD_FAILURE() << "a session opened with a password changed since its check";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status, 401);
  }
  EXPECT_EQ(count(), before);
  // With the new password checked, the login goes through.
  auto again = tokens.check_password(kEmail, "another horse battery staple", m);
  EXPECT_FALSE(tokens.open_session(again, m).access_token.empty());
}

// (h) The revocation sync's prune of old lockout counters (a TokenService starting, or its
// minute's housekeeping) beside a failed login whose counters are all old: no deadlock. A
// failed login takes its counters in one order (pair, account, IP), the prune's DELETE in
// the table's order; taking the IP's counter first, then waiting for the pair's that the
// login holds while the login waits for the IP's, deadlocked (PostgreSQL broke it after
// deadlock_timeout; Store::write retried). Forced here: the counters are stored IP first,
// and another connection holds a counter between the IP's and the pair's, so that the
// prune holds the IP's counter while the login takes its pair's and account's.
TEST_F(PgServerLoginLock, APruneOfOldCountersBesideAFailedLoginDoesNotDeadlock) {
  if (!store_) return;
  TokenService tokens(cfg_, *store_, clock_, kMasterKey);
  const RequestMeta m{"10.7.0.1", "gtest", "req-prune"};
  const std::string ip = "ip:10.7.0.1", held = "ip:10.7.0.250",
                    pair = "pair:" + std::string(kEmail) + "|10.7.0.1",
                    account = "acct:" + std::string(kEmail);
  const int64_t old = wall_now_ms() - 30LL * 86'400'000;  // past every counter's memory
  for (const auto& key : {ip, held, pair, account})       // one statement each: in this order
    store_->write([&](Conn& c) { store::count_throttle_failure(c, key, old, 0); });
  auto& c = store_->conn();
  auto waiting = [&] {
    return c
        .query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")[0]
        .i64(0);
  };
  auto deadlocks = [&] {
    c.exec("SELECT pg_stat_clear_snapshot()");
    return c.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")[0]
        .i64(0);
  };
  const int64_t before = deadlocks();
  store::PgConn holder({db_->url()});
  holder.begin(false);
  holder.query("SELECT 1 FROM login_throttle WHERE key = ? FOR UPDATE", {held});
  auto other = open_other();
  std::atomic<bool> pruned{false}, failed{false};
  // Another instance starting: its TokenService prunes the old counters at once.
  std::thread prune([&] {
    TokenService starting(cfg_, *other, clock_, kMasterKey);
    pruned = true;
  });
  auto until = [&](auto done, int64_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!done() && waiting() < n && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  until([&] { return pruned.load(); }, 1);  // the prune waits for the held counter, or is done
  std::thread login([&] {
    try {
      tokens.check_password(kEmail, "wrong password", m);
    } catch (const ApiError& e) {
      failed = e.status == 401;
    }
  });
  until([&] { return failed.load(); }, 2);  // the login waits for the prune, or is done
  holder.rollback();
  prune.join();
  login.join();
  EXPECT_TRUE(failed.load());
  // The statistics of the backend that broke a deadlock are flushed within a second or
  // two of its going idle.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (deadlocks() == before && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(deadlocks(), before) << "the prune and the failed login deadlocked";
  EXPECT_EQ(failures(pair), 1);  // counted afresh: the old count was forgotten
  // The counter held meanwhile is old still: the next prune forgets it.
  EXPECT_EQ(failures(held), 1);
  auto third = open_other();
  TokenService next(cfg_, *third, clock_, kMasterKey);
  EXPECT_EQ(failures(held), 0);
  EXPECT_EQ(failures(pair), 1);
}

}  // namespace
}  // namespace painel::auth
