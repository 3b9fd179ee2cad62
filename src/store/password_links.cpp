#include "store/password_links.hpp"

#include "core/ids.hpp"

namespace painel::store {
namespace {
constexpr const char* kVoidUsable =
    "UPDATE password_links SET voided_at_ms = ? WHERE user_id = ? AND id <> ? "
    "AND used_at_ms IS NULL AND voided_at_ms IS NULL";
constexpr const char* kInsert =
    "INSERT INTO password_links(id, user_id, token_hash, purpose, created_at_ms, "
    "expires_at_ms, created_by) VALUES (?,?,?,?,?,?,?)";
constexpr const char* kFindUsable =
    "SELECT id, user_id, purpose FROM password_links WHERE token_hash = ? "
    "AND used_at_ms IS NULL AND voided_at_ms IS NULL AND expires_at_ms > ?";
constexpr const char* kMarkUsed =
    "UPDATE password_links SET used_at_ms = ? WHERE id = ? "
    "AND used_at_ms IS NULL AND voided_at_ms IS NULL AND expires_at_ms > ?";
}  // namespace

std::string issue_password_link(Conn& c, const NewPasswordLink& l) {
  std::string id = new_uuid();
  c.exec(kVoidUsable, {l.created_at_ms, l.user_id, id});
  c.exec(kInsert, {id, l.user_id, l.token_hash, l.purpose, l.created_at_ms, l.expires_at_ms,
                   opt(l.created_by)});
  return id;
}

std::optional<UsablePasswordLink> find_usable_password_link(Conn& c, const std::string& token_hash,
                                                            int64_t now_ms) {
  auto r = c.query(kFindUsable, {token_hash, now_ms});
  if (r.empty()) return std::nullopt;
  return UsablePasswordLink{r[0].str(0), r[0].str(1), r[0].str(2)};
}

std::optional<UsablePasswordLink> consume_password_link(Conn& c, const std::string& token_hash,
                                                        int64_t now_ms) {
  auto link = find_usable_password_link(c, token_hash, now_ms);
  if (!link || c.exec(kMarkUsed, {now_ms, link->id, now_ms}) != 1) return std::nullopt;
  c.exec(kVoidUsable, {now_ms, link->user_id, link->id});
  return link;
}

}  // namespace painel::store
