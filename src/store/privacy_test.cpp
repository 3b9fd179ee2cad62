// Personal data beside the audit chain (LGPD, issue #16) on SQLite and PostgreSQL
// (PgServer*): IPs kept outside the hashed row, verified by their HMAC, removed by erasure
// and by retention (backdated rows) while the chain still verifies.
#include "store/privacy.hpp"

#include <gtest/gtest.h>

#include "store/audit.hpp"
#include "store/sessions.hpp"
#include "store/test_stores.hpp"
#include "store/users.hpp"

namespace painel::store {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400000;

std::string append(Store& s, const std::string& actor, const std::optional<std::string>& target,
                   const std::string& ip, int64_t at) {
  return s.write([&](Conn& c) {
    return audit_append(
        c, {actor, "INTERNAL_ADMIN", "x", std::nullopt, target, std::nullopt, ip, "{}"}, at);
  });
}

std::optional<std::string> listed_ip(Store& s, const std::string& event_id) {
  int64_t total = 0;
  AuditFilter f;
  f.limit = 1000;
  for (auto& r : audit_list(s.conn(), f, total))
    if (r.id == event_id) return r.ip;
  ADD_FAILURE() << "event not listed";
  return std::nullopt;
}

void ips_beside_the_chain(Store& s) {
  s.set_audit_key(std::string(32, 'k'));
  auto e1 = append(s, "u1", std::nullopt, "10.0.0.1", kT0);
  auto e2 = append(s, "u2", std::nullopt, "10.0.0.2", kT0);
  // The hashed row holds no IP; readers see it through audit_personal.
  auto raw = s.conn().query("SELECT count(*) FROM operational_events WHERE ip IS NOT NULL");
  EXPECT_EQ(raw[0].i64(0), 0);
  EXPECT_EQ(listed_ip(s, e1), "10.0.0.1");
  EXPECT_TRUE(audit_verify(s.conn()).ok);
  // An IP edited, or moved to another event, is detected.
  s.conn().exec("UPDATE audit_personal SET ip = '10.9.9.9' WHERE event_id = ?", {e1});
  auto v = audit_verify(s.conn());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.problem, "personal");
  EXPECT_EQ(v.first_bad_id, e1);
  s.conn().exec("UPDATE audit_personal SET ip = '10.0.0.1' WHERE event_id = ?", {e1});
  EXPECT_TRUE(audit_verify(s.conn()).ok);
  s.conn().exec("DELETE FROM audit_personal WHERE event_id = ?", {e2});
  s.conn().exec("UPDATE audit_personal SET event_id = ? WHERE event_id = ?", {e2, e1});
  EXPECT_EQ(audit_verify(s.conn()).problem, "personal");
  // Deleted: nothing left to check, the chain still verifies (that is erasure).
  s.conn().exec("DELETE FROM audit_personal", {});
  EXPECT_TRUE(audit_verify(s.conn()).ok);
  EXPECT_EQ(listed_ip(s, e1), std::nullopt);
}

void retention_of_backdated_rows(Store& s) {
  s.set_audit_key(std::string(32, 'k'));
  Conn& c = s.conn();
  auto u = create_user(
      c, {"p@x.com", "P", std::nullopt, std::nullopt, {"INTERNAL_ADMIN"}, std::nullopt}, kT0);
  auto old_row = append(s, u, u, "10.0.0.1", kT0);
  auto new_row = append(s, u, u, "10.0.0.2", kT0 + 200 * kDay);
  insert_session(c, {"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000f1",
                     u, "h1", kT0, kT0 + kDay, "10.0.0.1", "curl/8"});
  insert_session(c, {"00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-0000000000f2",
                     u, "h2", kT0 + 200 * kDay, kT0 + 201 * kDay, "10.0.0.2", "curl/8"});
  auto r = s.write([&](Conn& w) { return anonymize_ips_before(w, kT0 + 180 * kDay); });
  EXPECT_EQ(r.audit, 1);
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(listed_ip(s, old_row), std::nullopt);
  EXPECT_EQ(listed_ip(s, new_row), "10.0.0.2");
  auto sessions = sessions_of_person(c, u);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].ip, "10.0.0.2");  // newest first
  EXPECT_EQ(sessions[1].ip, std::nullopt);
  EXPECT_EQ(sessions[1].user_agent, std::nullopt);
  EXPECT_TRUE(audit_verify(c).ok);
  // A second pass finds nothing more.
  r = s.write([&](Conn& w) { return anonymize_ips_before(w, kT0 + 180 * kDay); });
  EXPECT_EQ(r.audit + r.sessions, 0);
}

void erasure(Store& s) {
  s.set_audit_key(std::string(32, 'k'));
  Conn& c = s.conn();
  auto gone = create_user(c,
                          {"Gone@X.com",
                           "Gone",
                           std::string("hash"),
                           std::string("sub-1"),
                           {"INTERNAL_SUPPORT"},
                           std::nullopt},
                          kT0);
  auto other = create_user(
      c, {"o@x.com", "O", std::nullopt, std::nullopt, {"INTERNAL_ADMIN"}, std::nullopt}, kT0);
  auto as_actor = append(s, gone, std::nullopt, "10.0.0.1", kT0);
  auto as_target = append(s, other, gone, "10.0.0.2", kT0);
  auto unrelated = append(s, other, other, "10.0.0.3", kT0);
  insert_session(c, {"00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-0000000000f3",
                     gone, "h3", kT0, kT0 + kDay, "10.0.0.1", "ua"});
  for (const char* key : {"acct:gone@x.com", "pair:gone@x.com|10.0.0.1", "acct:o@x.com"})
    count_throttle_failure(c, key, kT0, 0);
  auto e = s.write([&](Conn& w) { return erase_person(w, gone, "gone@x.com", kT0 + kDay); });
  EXPECT_EQ(e.sessions, 1);
  EXPECT_EQ(e.audit_ips, 2);
  EXPECT_EQ(e.erased_at, "2026-01-02T00:00:00.000Z");
  auto p = find_person(c, gone);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user.email, erased_email(gone));
  EXPECT_NE(p->user.full_name, "Gone");
  EXPECT_FALSE(p->user.password_hash);
  EXPECT_FALSE(p->user.cognito_sub);
  EXPECT_TRUE(p->user.disabled);
  EXPECT_TRUE(p->erased_at);
  EXPECT_FALSE(find_user_by_email(c, "gone@x.com"));
  EXPECT_TRUE(sessions_of_person(c, gone).empty());
  EXPECT_EQ(load_throttle(c, "acct:gone@x.com").failures, 0);
  EXPECT_EQ(load_throttle(c, "pair:gone@x.com|10.0.0.1").failures, 0);
  EXPECT_EQ(load_throttle(c, "acct:o@x.com").failures, 1);
  EXPECT_GE(user_tokens_not_before(c, gone), (kT0 + kDay) / 1000);
  EXPECT_EQ(listed_ip(s, as_actor), std::nullopt);
  EXPECT_EQ(listed_ip(s, as_target), std::nullopt);
  EXPECT_EQ(listed_ip(s, unrelated), "10.0.0.3");
  EXPECT_EQ(audit_rows_of_person(c, gone).size(), 2u);
  EXPECT_TRUE(audit_verify(c).ok);
  // The e-mail is free again.
  create_user(c,
              {"gone@x.com", "New", std::nullopt, std::nullopt, {"INTERNAL_SUPPORT"}, std::nullopt},
              kT0 + 2 * kDay);
}

using PrivacyStore = SqliteStoreTest;
using PgServerPrivacyStore = PgStoreTest;

TEST_F(PrivacyStore, IpsBesideTheChain) { ips_beside_the_chain(*store_); }
TEST_F(PrivacyStore, RetentionOfBackdatedRows) { retention_of_backdated_rows(*store_); }
TEST_F(PrivacyStore, Erasure) { erasure(*store_); }
TEST_F(PgServerPrivacyStore, IpsBesideTheChain) {
  if (store_) ips_beside_the_chain(*store_);
}
TEST_F(PgServerPrivacyStore, RetentionOfBackdatedRows) {
  if (store_) retention_of_backdated_rows(*store_);
}
TEST_F(PgServerPrivacyStore, Erasure) {
  if (store_) erasure(*store_);
}

}  // namespace
}  // namespace painel::store
