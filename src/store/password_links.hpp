#pragma once
// One-time links that set a user's password (issue #16): invitations and resets. Only the
// SHA-256 of a link's token is stored (the caller hashes); a link is usable while it is
// unused, not voided and not expired.
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.hpp"

namespace painel::store {

struct NewPasswordLink {
  std::string user_id, token_hash;
  std::string purpose;  // "invite" | "reset"
  int64_t created_at_ms = 0, expires_at_ms = 0;
  std::optional<std::string> created_by;  // user id, or "cli"
};
// Voids the user's earlier usable links, then stores this one. Returns its id.
std::string issue_password_link(Conn& c, const NewPasswordLink& l);

struct UsablePasswordLink {
  std::string id, user_id, purpose;
};
// The usable link with this hash at now_ms, or nullopt (unknown, used, voided, expired).
std::optional<UsablePasswordLink> find_usable_password_link(Conn& c, const std::string& token_hash,
                                                            int64_t now_ms);
// Marks the link used if it is still usable (checked in the same statement) and voids the
// user's other usable links. nullopt when it was not usable: nothing changed.
std::optional<UsablePasswordLink> consume_password_link(Conn& c, const std::string& token_hash,
                                                        int64_t now_ms);

}  // namespace painel::store
