// Request writes off PostgreSQL's global write lock (WriteLock::RowLevel; the audit in
// docs/architecture.md, "Write transactions and locks"): a password change commits while
// another connection holds the global lock, and a login racing it never leaves a live
// session opened with the old password; two instances creating one unique thing at once
// (a user's e-mail: a constraint; a catalog agent's name: a check under the catalog's
// lock) get one success and the same 409 as before, never a store error; a tenant's
// max_users, counted then written, holds when users are created from two instances at
// once (the tenant's row, store::lock_tenant_row). Needs a server: skipped unless
// PAINEL_TEST_PG_URL(_FILE) is set (ctest's pg.unit).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "api/catalog_writes.hpp"
#include "api/user_writes.hpp"
#include "auth/password.hpp"
#include "auth/token_service.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"
#include "store/postgres/global_lock_holder.hpp"
#include "store/sessions.hpp"
#include "store/tenants.hpp"
#include "store/test_stores.hpp"
#include "store/users.hpp"

namespace painel::api {
namespace {

using SteadyClock = std::chrono::steady_clock;
using store::Conn;
using store::Store;

const std::string kMasterKey(32, 'm');
const std::string kAuditKey(32, 'k');
constexpr const char* kEmail = "write-locks@example.com";
constexpr const char* kPassword = "correct horse battery staple";
constexpr const char* kNewPassword = "a different horse, battery and staple";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

class PgServerWriteLocks : public store::PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (!store_) return;
    store_->set_audit_key(kAuditKey);
    const std::string hash = auth::hash_password(kPassword, auth::PasswordCost::Fast);
    store_->write([&](Conn& c) {
      user_id_ = store::create_user(
          c, {kEmail, "Write Locks", hash, std::nullopt, {"INTERNAL_ADMIN"}, std::nullopt},
          wall_now_ms());
    });
    cfg_.login_concurrency = 8;
  }
  std::unique_ptr<Store> open_other() {
    auto s = Store::open(db_->url());
    s->set_audit_key(kAuditKey);
    return s;
  }
  auth::Principal principal(const std::string& sid) {
    auth::Principal p;
    p.user_id = user_id_;
    p.sub = user_id_;
    p.sid = sid;
    p.email = kEmail;
    p.role = auth::kInternalAdmin;
    p.groups = {"INTERNAL_ADMIN"};
    return p;
  }
  using GlobalLockHolder = store::GlobalLockHolder;  // 2 s, every other user's row too
  UserActor staff() { return {user_id_, "INTERNAL_ADMIN", domain::kInternalAdmin, std::nullopt}; }

  Config cfg_;
  SystemClock clock_;
  std::string user_id_;
};

// (a) A password change (its hash, the other sessions' end, its audit row) commits while
// another connection holds the global write lock for 2 s. Fails (it waits for the holder)
// when TokenService::change_password uses Store::write's default.
TEST_F(PgServerWriteLocks, PasswordChangeCommitsWhileAnotherWriterHoldsTheGlobalLock) {
  if (!store_) return;
  auth::TokenService tokens(cfg_, *store_, clock_, kMasterKey);
  const auth::RequestMeta m{"10.0.0.1", "gtest", "req-1"};
  auto mine = tokens.open_session(tokens.check_password(kEmail, kPassword, m), m);
  auto other = tokens.open_session(tokens.check_password(kEmail, kPassword, m), m);
  std::string why;
  auto me = tokens.authenticate(mine.access_token, why);
  ASSERT_TRUE(me.has_value()) << why;

  GlobalLockHolder holder(db_->url(), user_id_);
  const auto start = SteadyClock::now();
  tokens.change_password(*me, kPassword, kNewPassword, m);
  const auto changed = SteadyClock::now();
  holder.join();
  const auto released = holder.released;
  EXPECT_LT(changed, released) << "the password change waited for the global write lock";
  EXPECT_LT((changed - start) * 2, released - start);
  auto& c = store_->conn();
  auto u = store::find_user_by_id(c, user_id_);
  ASSERT_TRUE(u && u->password_hash);
  EXPECT_TRUE(auth::verify_password(*u->password_hash, kNewPassword));
  EXPECT_FALSE(
      store::find_session_by_refresh_hash(c, sha256_hex(mine.refresh_token))->revoked_at_ms);
  EXPECT_TRUE(
      store::find_session_by_refresh_hash(c, sha256_hex(other.refresh_token))->revoked_at_ms);
  auto v = store::audit_verify(c);
  EXPECT_TRUE(v.ok) << v.problem;
}

// (b) Logins with the old password (one instance, several threads, each opening sessions
// again and again) race a password change (another instance), a few times: afterwards no
// session opened by those logins is live. A login that committed before the change is
// ended by it (the user's other sessions end); one that waited for the user's row, or
// came after, finds another hash than the one it verified and is refused. A live one
// would be a session issued with the old password after the change committed.
TEST_F(PgServerWriteLocks, ALoginRacingAPasswordChangeNeverKeepsTheOldPassword) {
  if (!store_) return;
  constexpr int kRounds = 4, kLogins = 3;
  auto other = open_other();
  auth::TokenService ta(cfg_, *store_, clock_, kMasterKey), tb(cfg_, *other, clock_, kMasterKey);
  const auth::RequestMeta m{"10.3.0.1", "gtest", "req"};
  auto keeper = tb.open_session(tb.check_password(kEmail, kPassword, m), m);
  std::string why;
  auto me = tb.authenticate(keeper.access_token, why);
  ASSERT_TRUE(me.has_value()) << why;
  std::string current = kPassword;
  int refused = 0, ended = 0;
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    const std::string next = std::string(kNewPassword) + " " + std::to_string(round);
    // Verified with the current password before the change starts: the race is the
    // session's issue against the change's commit.
    auto verified = ta.check_password(kEmail, current, m);
    std::atomic<bool> changed{false};
    std::atomic<int> ready{0};
    std::vector<std::vector<auth::TokenPair>> opened(kLogins);
    std::vector<int> refusals(kLogins, 0);
    std::vector<std::thread> logins;
    for (int i = 0; i < kLogins; ++i)
      logins.emplace_back([&, i] {
        ++ready;
        // Until the change has returned, and a few times after it.
        for (int after = 0; after < 3;) {
          if (changed) ++after;
          try {
            opened[i].push_back(ta.open_session(verified, m));
          } catch (const ApiError& e) {
            EXPECT_EQ(e.status, 401);
            ++refusals[i];
          }
        }
      });
    while (ready < kLogins) std::this_thread::yield();
    tb.change_password(*me, current, next, m);
    changed = true;
    for (auto& t : logins) t.join();
    current = next;
    for (int i = 0; i < kLogins; ++i) {
      refused += refusals[i];
      for (auto& pair : opened[i]) {
        auto s =
            store::find_session_by_refresh_hash(store_->conn(), sha256_hex(pair.refresh_token));
        ASSERT_TRUE(s.has_value());
        EXPECT_TRUE(s->revoked_at_ms.has_value())
            << "round " << round
            << ": a session opened with the old password outlived the password change";
        if (s->revoked_at_ms) ++ended;
      }
    }
  }
  // Both sides of the race must have been reached.
  EXPECT_GT(ended, 0);
  EXPECT_GT(refused, 0);
  std::printf("logins ended by the change: %d, refused after it: %d\n", ended, refused);
}

// (c) Two instances create the same user e-mail, and the same catalog agent name, from
// several threads at once: exactly one succeeds each time, the others get 409, and no
// store error (a 500) escapes. Fails without unique_or_conflict (the e-mail's constraint
// raises DbError in the loser) and without the catalog's lock (both pass the name check;
// the slug's constraint raises DbError).
TEST_F(PgServerWriteLocks, ConcurrentCreationsOfOneUniqueThingGiveOne201AndThe409) {
  if (!store_) return;
  constexpr int kRounds = 15, kThreads = 4;
  auto other = open_other();
  Store* stores[2] = {store_.get(), other.get()};
  const CatalogActor cat{user_id_, "INTERNAL_ADMIN", std::nullopt, std::nullopt};
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    for (int what = 0; what < 2; ++what) {
      std::atomic<int> ready{0}, created{0}, conflicts{0}, other_errors{0};
      std::vector<std::thread> threads;
      const std::string body =
          what == 0 ? "{\"email\":\"race" + std::to_string(round) +
                          "@example.com\",\"name\":\"Race\",\"group\":\"INTERNAL_SUPPORT\"}"
                    : "{\"name\":\"Race Agent " + std::to_string(round) +
                          "\",\"segment\":\"vendas\",\"subnucleus\":\"hermes\"}";
      for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
          auto doc = json(body);
          ++ready;
          while (ready < kThreads) std::this_thread::yield();
          try {
            if (what == 0)
              user_create(*stores[t % 2], clock_, doc, staff(), "https://painel.example");
            else
              catalog_create(*stores[t % 2], clock_, doc, cat);
            ++created;
          } catch (const ApiError& e) {
            if (e.status == 409)
              ++conflicts;
            else
              ++other_errors;
          } catch (const std::exception& e) {
            ADD_FAILURE() << "round " << round << (what ? " (catalog)" : " (user)") << ": "
                          << e.what();
            ++other_errors;
          }
        });
      for (auto& th : threads) th.join();
      EXPECT_EQ(created.load(), 1) << "round " << round << (what ? " (catalog)" : " (user)");
      EXPECT_EQ(conflicts.load(), kThreads - 1);
      EXPECT_EQ(other_errors.load(), 0);
    }
  }
  auto v = store::audit_verify(store_->conn());
  EXPECT_TRUE(v.ok) << v.problem;
}

// (d) A tenant's limits.max_users (counted, then a user inserted) holds when users are
// created in it from two instances at once: exactly max_users succeed, the others get the
// 422 of the limit. Fails without the tenant's row lock in user_create (the counts read
// beside each other all pass).
TEST_F(PgServerWriteLocks, ConcurrentUserCreationsKeepTheTenantsUserLimit) {
  if (!store_) return;
  constexpr int kRounds = 6, kThreads = 6, kMax = 2;
  auto other = open_other();
  Store* stores[2] = {store_.get(), other.get()};
  for (int round = 0; round < kRounds && !HasFailure(); ++round) {
    std::string tenant;
    store_->write([&](Conn& c) {
      store::NewTenant t;
      t.name = "Limit " + std::to_string(round);
      t.cnpj = std::to_string(11222333000100LL + round);
      t.limits.max_users = kMax;
      tenant = store::create_tenant(c, t, wall_now_ms());
    });
    std::atomic<int> ready{0}, created{0}, limited{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        auto doc = json("{\"email\":\"u" + std::to_string(round) + "-" + std::to_string(t) +
                        "@example.com\",\"name\":\"U\",\"group\":\"TENANT_USER\",\"tenant_id\":\"" +
                        tenant + "\"}");
        ++ready;
        while (ready < kThreads) std::this_thread::yield();
        try {
          user_create(*stores[t % 2], clock_, doc, staff(), "https://painel.example");
          ++created;
        } catch (const ApiError& e) {
          EXPECT_EQ(e.status, 422) << e.detail;
          if (e.status == 422) ++limited;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(created.load(), kMax) << "round " << round << ": the user limit was overrun";
    EXPECT_EQ(limited.load(), kThreads - kMax);
    EXPECT_EQ(store::count_active_users(store_->conn(), tenant), kMax);
  }
}

}  // namespace
}  // namespace painel::api
