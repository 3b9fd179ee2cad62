// Support requests' repository on SQLite and PostgreSQL (PgServer*): the tenant scope and
// the opener filter, the two orders, status moves and a deleted user leaving NULL.
#include "store/support.hpp"

#include <gtest/gtest.h>

#include "store/tenants.hpp"
#include "store/test_stores.hpp"
#include "store/users.hpp"

namespace painel::store {
namespace {

constexpr int64_t kNow = 1773100800000;  // 2026-03-10T00:00:00Z

std::vector<std::string> ids(const PageOf<SupportRequest>& p) {
  std::vector<std::string> out;
  for (auto& r : p.items) out.push_back(r.id);
  return out;
}

void support_requests(Store& s) {
  Conn& c = s.conn();
  auto t1 = create_tenant(c, {"Padaria Pão", std::nullopt, "varejo", "starter", "active"}, kNow);
  auto t2 = create_tenant(c, {"Oficina", std::nullopt, "servicos", "starter", "active"}, kNow);
  auto user = [&](const char* email, const std::string& t) {
    return create_user(c, {email, "Nome", std::nullopt, std::nullopt, {"TENANT_USER"}, t}, kNow);
  };
  auto u1 = user("u1@x.com", t1), u2 = user("u2@x.com", t1), u3 = user("u3@x.com", t2);
  auto s1 = make_tenant_scope(t1, false), s2 = make_tenant_scope(t2, false);
  auto a = open_support_request(c, s1, {u1, "tenant", "A", "billing", "primeira"}, kNow);
  auto b = open_support_request(c, s1, {u2, "tenant", "B", "technical", "x"}, kNow + 10);
  auto z = open_support_request(c, s2, {u3, "tenant", "Z", "other", "y"}, kNow + 20);
  EXPECT_EQ(a.status, "open");
  EXPECT_EQ(a.tenant_name, "Padaria Pão");
  EXPECT_EQ(a.message_count, 1);
  EXPECT_EQ(a.created_at, "2026-03-10T00:00:00.000Z");
  // the scope and the opener filter
  EXPECT_TRUE(find_support_request(c, s1, a.id, std::nullopt));
  EXPECT_FALSE(find_support_request(c, s2, a.id, std::nullopt));
  EXPECT_FALSE(find_support_request(c, s1, a.id, u2));
  EXPECT_EQ(ids(list_support_requests(c, s1, {}, {50, 0})), (std::vector<std::string>{b.id, a.id}));
  SupportFilter mine;
  mine.opened_by = u1;
  EXPECT_EQ(ids(list_support_requests(c, s1, mine, {50, 0})), (std::vector<std::string>{a.id}));
  // the queue: oldest activity first, across tenants; a reply moves one to the end
  EXPECT_EQ(ids(support_queue(c, {}, {50, 0})), (std::vector<std::string>{a.id, b.id, z.id}));
  add_support_message(c, a, u1, "tenant", "mais", "open", kNow + 30);
  EXPECT_EQ(ids(support_queue(c, {}, {50, 0})), (std::vector<std::string>{b.id, z.id, a.id}));
  SupportFilter open_only;
  open_only.status = "open";
  open_only.tenant_id = t1;
  add_support_message(c, b, std::nullopt, "staff", "resposta", "answered", kNow + 40);
  EXPECT_EQ(ids(support_queue(c, open_only, {50, 0})), (std::vector<std::string>{a.id}));
  auto thread = support_messages(c, a.id);
  ASSERT_EQ(thread.size(), 2u);
  EXPECT_EQ(thread[0].body, "primeira");
  EXPECT_EQ(thread[1].created_at, "2026-03-10T00:00:00.030Z");
  // closing and reopening
  set_support_status(c, *get_support_request(c, b.id), "closed", u1, kNow + 50);
  auto closed = get_support_request(c, b.id);
  EXPECT_EQ(closed->status, "closed");
  EXPECT_EQ(closed->closed_by, u1);
  EXPECT_TRUE(closed->closed_at);
  set_support_status(c, *closed, "open", u1, kNow + 60);
  EXPECT_FALSE(get_support_request(c, b.id)->closed_at);
  // a deleted user leaves the thread with no author
  c.exec("DELETE FROM users WHERE id = ?", {u1});
  auto orphan = get_support_request(c, a.id);
  EXPECT_FALSE(orphan->opened_by);
  EXPECT_FALSE(support_messages(c, a.id)[0].author_id);
}

using SupportStore = SqliteStoreTest;
using PgServerSupportStore = PgStoreTest;

TEST_F(SupportStore, RequestsThreadsAndQueue) { support_requests(*store_); }
TEST_F(PgServerSupportStore, RequestsThreadsAndQueue) { support_requests(*store_); }

}  // namespace
}  // namespace painel::store
