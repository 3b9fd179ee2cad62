#pragma once
// Support requests and their threads (migration 16). A tenant's side goes through a
// TenantScope (a TENANT_USER's reads may also be narrowed to the requests they opened);
// the staff queue reads across tenants. Writes take the request as a lookup returned it,
// inside the caller's write transaction, so the tenant check and the write are one step.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct SupportRequest {
  std::string id, tenant_id, tenant_name, subject, category, status, created_at, updated_at;
  std::optional<std::string> opened_by, opened_by_name, closed_at, closed_by;
  int64_t message_count = 0;
};

struct SupportMessage {
  std::string id;
  std::optional<std::string> author_id, author_name;
  std::string side, body, created_at;
};

// Optional filters; each set one narrows the list.
struct SupportFilter {
  std::optional<std::string> status, category, tenant_id, opened_by;
};

struct NewSupportRequest {
  std::optional<std::string> opened_by;  // a users.id, or none (an unlinked external identity)
  std::string side, subject, category, description;
};
// A new open request of the scope's tenant with its first message (the description).
SupportRequest open_support_request(Conn& c, const TenantScope& s, const NewSupportRequest& n,
                                    int64_t now_ms);

// One of the scope's tenant's requests (only one opened by `opened_by`, when given).
std::optional<SupportRequest> find_support_request(Conn& c, const TenantScope& s,
                                                   const std::string& id,
                                                   const std::optional<std::string>& opened_by);
// The tenant's requests (f.tenant_id is ignored: the scope decides), newest activity first.
PageOf<SupportRequest> list_support_requests(Conn& c, const TenantScope& s, const SupportFilter& f,
                                             PageRequest page);

// Staff: any tenant's request.
std::optional<SupportRequest> get_support_request(Conn& c, const std::string& id);
// Staff: the queue across tenants, oldest activity first (the request waiting longest on
// top), ties by id.
PageOf<SupportRequest> support_queue(Conn& c, const SupportFilter& f, PageRequest page);

// The thread, oldest first.
std::vector<SupportMessage> support_messages(Conn& c, const std::string& request_id);

// Adds a message to `r` and moves it to `new_status` (its last activity now). Returns the
// message's id.
std::string add_support_message(Conn& c, const SupportRequest& r,
                                const std::optional<std::string>& author, const std::string& side,
                                const std::string& body, const std::string& new_status,
                                int64_t now_ms);

// "closed" (closed_at now, closed_by `by`) or back to "open" (both cleared).
void set_support_status(Conn& c, const SupportRequest& r, const std::string& status,
                        const std::optional<std::string>& by, int64_t now_ms);

}  // namespace painel::store
