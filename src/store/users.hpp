#pragma once
// Users and their tenant links. Passwords arrive already hashed (auth/password.hpp).
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"

namespace painel::store {

struct UserRow {
  std::string id, email, full_name;
  std::optional<std::string> password_hash, cognito_sub, tenant_id, last_login_at;
  std::vector<std::string> groups;
  bool disabled = false;
  std::string created_at;
  std::optional<std::string> tenant_name;
};

struct NewUser {
  std::string email;  // lower-cased by create_user
  std::string full_name;
  std::optional<std::string> password_hash;
  std::optional<std::string> cognito_sub;
  std::vector<std::string> groups;
  std::optional<std::string> tenant_id;  // required for TENANT_* groups (checked by caller)
};

std::string create_user(Conn& c, const NewUser& u, int64_t now_ms);
std::optional<UserRow> find_user_by_email(Conn& c, const std::string& email);
std::optional<UserRow> find_user_by_id(Conn& c, const std::string& id);
std::optional<UserRow> find_user_by_sub(Conn& c, const std::string& sub);
void touch_user_login(Conn& c, const std::string& id, int64_t now_ms);
// Locks the user's row to the end of the write transaction (PostgreSQL `FOR UPDATE`;
// SQLite has one writer) and returns its state now, nullopt when there is no such user.
// Logins, refreshes, logouts and every path that revokes the user's sessions take it
// (the revoking paths before reading the clock for a revocation epoch), so a session is
// created either before a revocation, which then sees it, or after it
// (docs/architecture.md, "Write transactions and locks").
struct LockedUser {
  bool disabled = false;
  std::optional<std::string> password_hash;
};
std::optional<LockedUser> lock_user_row(Conn& c, const std::string& id);
// Replaces the user's password hash (auth::hash_password's output).
void set_user_password_hash(Conn& c, const std::string& id, const std::string& hash);
std::string lower_ascii(std::string s);

// --- Issue 16: the users API (GET/POST/PATCH /internal/users, /tenant/users) ---

// GET /internal/users filters; unset ones do not filter. `search`: a substring of the
// e-mail or the name, without case or accents. Ordered by e-mail, then id.
struct UserQuery {
  std::optional<std::string> search, group, tenant_id;
  std::optional<bool> disabled;
  PageRequest page;
};
PageOf<UserRow> list_users(Conn& c, const UserQuery& q);
void set_user_name(Conn& c, const std::string& id, const std::string& full_name);
// Writes users.groups and, for a tenant user, tenant_users.role.
void set_user_group(Conn& c, const std::string& id, const std::string& group);
// The triggers keep tenants.active_users and revoke the user's tokens on disable.
void set_user_disabled(Conn& c, const std::string& id, bool disabled);
void set_user_password(Conn& c, const std::string& id, const std::string& password_hash);
// Users of the tenant that are not disabled.
int64_t count_active_users(Conn& c, const std::string& tenant_id);

}  // namespace painel::store
