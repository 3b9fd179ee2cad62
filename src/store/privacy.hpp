#pragma once
// Personal data (LGPD, issue #16): what an export of one person reads, the erasure of an
// account, and the IP retention pass. The audit log's own part (IPs kept beside the chain)
// is in store/audit.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/users.hpp"

namespace painel::store {

// The account as the export shows it (until the users API's renderer lands).
struct PersonAccount {
  UserRow user;
  std::string created_at;
  std::optional<std::string> tenant_name, erased_at;
};
std::optional<PersonAccount> find_person(Conn& c, const std::string& user_id);

// One login's chain of refresh tokens (a family), as the person's export shows it.
struct PersonSession {
  std::string id;  // the family id
  int64_t created_at_ms = 0, last_used_at_ms = 0, expires_at_ms = 0;
  std::optional<int64_t> ended_at_ms;         // revoked (logout, reuse, staff)
  std::optional<std::string> ip, user_agent;  // of the latest refresh
};
// Newest first.
std::vector<PersonSession> sessions_of_person(Conn& c, const std::string& user_id);

// Support requests the person opened, and the messages they wrote (in any request).
struct PersonSupportRequest {
  std::string id, tenant_id, subject, category, status, created_at;
};
struct PersonSupportMessage {
  std::string id, request_id, side, body, created_at;
};
std::vector<PersonSupportRequest> support_requests_of_person(Conn& c, const std::string& user_id);
std::vector<PersonSupportMessage> support_messages_of_person(Conn& c, const std::string& user_id);

// The pseudonymous e-mail an erased account keeps (the column is NOT NULL and UNIQUE).
std::string erased_email(const std::string& user_id);

// Erases the person in the caller's write transaction: e-mail, name, password and external
// identity link replaced, the account disabled and marked erased (the row stays so audit
// rows keep pointing at an id), every access token revoked, refresh sessions, login
// throttle counters of the e-mail and the IPs kept beside the person's audit rows deleted.
struct Erasure {
  std::string erased_at;
  int64_t sessions = 0, audit_ips = 0;
};
// Whether the account was erased (it stays disabled, without password or links, for good).
bool is_erased(Conn& c, const std::string& user_id);

Erasure erase_person(Conn& c, const std::string& user_id, const std::string& email, int64_t now_ms);
// Deletes the lockout counters keyed by the e-mail ("pair:<email>|<ip>", then
// "acct:<email>": the order a failed login counts them in). A login deletes its pair counter
// and then locks the user's row (TokenService::open_session), so an erasure calls this
// before it locks the user's row (store::lock_user_row): taken after it, they deadlocked
// with a login of the person under way. erase_person calls it too (for callers that hold
// no user row lock; it then finds nothing left).
void forget_login_failures(Conn& c, const std::string& email);

// Retention: IPs (and user agents) of sessions created before before_ms and IPs kept beside
// audit rows written before it are removed.
struct IpRetention {
  int64_t audit = 0, sessions = 0;
};
IpRetention anonymize_ips_before(Conn& c, int64_t before_ms);

}  // namespace painel::store
