#pragma once
// The rules of user accounts (API.md, "Administration"; issue #16): what an e-mail and a
// name may be, the two kinds of group, who may give which group, the tenant's user limit
// and how long a password link lives. Pure functions; the routes and the CLI share them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/roles.hpp"

namespace painel::domain {

inline constexpr size_t kEmailMax = 254;     // RFC 5321 path limit
inline constexpr size_t kUserNameMax = 120;  // characters (code points)
inline constexpr int64_t kPasswordLinkTtlMs = 72LL * 3600 * 1000;

// The e-mail trimmed and lower-cased when it is a plausible address (one '@', a local
// part of 1..64 characters, a domain of dot-separated labels with at least one dot, ASCII
// without spaces or control characters, at most 254 characters); nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view raw);

// A display name: 1..120 characters (UTF-8 code points) after trimming, no control
// characters. Returns the trimmed name, or nullopt.
std::optional<std::string> normalize_user_name(std::string_view raw);

// A group's kind: staff (INTERNAL_*) or a tenant's (TENANT_*).
bool is_tenant_group(Group g);
// A user's group may only change within its kind (staff ↔ staff, tenant ↔ tenant).
bool same_group_kind(Group a, Group b);
// Who may give a user `target`: INTERNAL_ADMIN any group; TENANT_ADMIN the tenant groups;
// nobody else.
bool may_assign_group(Group actor, Group target);

// "active" / "disabled": the API's word for users.disabled.
inline const char* user_status(bool disabled) { return disabled ? "disabled" : "active"; }

// A tenant with `active_now` active users may not take another beyond `max_users`.
bool user_limit_reached(int64_t active_now, int64_t max_users);

// A tenant member's role in the original system's words (its tenant_users.role; the
// tenant detail's users[].role): TENANT_ADMIN → "admin", TENANT_USER → "user".
const char* original_tenant_role(std::string_view group);

}  // namespace painel::domain
