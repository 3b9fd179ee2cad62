#pragma once
// The users' writes (issue #16), shared by the routes (/internal/users*, /tenant/users*,
// POST /auth/password/reset) and the command line (`painel users …`), so both validate,
// refuse, revoke and audit the same way. They throw ApiError: 400 bad field (named), 404
// unknown user (or one outside the actor's tenant), 409 e-mail in use, 412 If-Match, 422
// refused by a rule (limits, group kinds, oneself, password policy).
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "core/json.hpp"
#include "core/time.hpp"
#include "domain/roles.hpp"
#include "http/message.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace painel::api {

// Who acts: the audit row's actor, the groups they may give, and for a tenant
// administrator the one tenant whose users they see (every other user is "not found").
struct UserActor {
  std::string id, role;  // user id and group name; "cli" / "system" for the command line
  domain::Group group = domain::kInternalAdmin;
  std::optional<std::string> tenant;
  std::optional<std::string> request_id, ip;
};

// A one-time link that sets the password: <public_url>/app/reset-password?token=…
struct PasswordLink {
  std::string url, expires_at;
};

struct CreatedUser {
  store::UserRow user;
  std::optional<PasswordLink> invite;  // none when the password was given (CLI)
};

// {"email","name","group","tenant_id"?} (no tenant_id for a tenant administrator: their
// tenant). With `password_hash` the user is created with that password and no invitation.
CreatedUser user_create(store::Store& s, const Clock& clock, const rapidjson::Value& body,
                        const UserActor& actor, const std::string& public_url,
                        const std::optional<std::string>& password_hash = std::nullopt);
// Any of "name", "group", "status". Disabling and a group change end every session and
// access token of the user. `if_match_of`: the request whose If-Match is checked against
// the user's current ETag (nullptr: none).
store::UserRow user_update(store::Store& s, const Clock& clock, const std::string& id,
                           const rapidjson::Value& body, const UserActor& actor,
                           const http::Request* if_match_of);
// A new reset link; the user's earlier links stop working.
PasswordLink user_issue_reset(store::Store& s, const Clock& clock, const std::string& id,
                              const UserActor& actor, const std::string& public_url);
// POST /auth/password/reset: {"token","new_password"}. Sets the password, uses the link,
// voids the user's other links and ends every session and access token of the user.
// Returns the user's id.
std::string password_reset_use(store::Store& s, const Clock& clock, const rapidjson::Value& body,
                               const std::optional<std::string>& request_id,
                               const std::optional<std::string>& ip);
// The user as the actor may see it (404 otherwise; 400 for an id that is not a UUID).
store::UserRow user_visible(store::Conn& c, const std::string& id, const UserActor& actor);

// The user object every route answers (issue #16's contract) and its ETag.
void render_user(JsonOut& j, const store::UserRow& u);
std::string user_json(const store::UserRow& u);
std::string link_json(const PasswordLink& l);
// The answer to a reset-link request (API and CLI --json): {"url","expires_at","emailed"}.
std::string reset_link_json(const PasswordLink& l, bool emailed);

}  // namespace painel::api
