#include "store/support.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {
namespace {

constexpr const char* kInsertRequest =
    "INSERT INTO support_requests(id, tenant_id, opened_by, subject, category, status, "
    "created_at, updated_at) VALUES (?,?,?,?,?,'open',?,?)";
constexpr const char* kInsertMessage =
    "INSERT INTO support_messages(id, request_id, author_id, author_side, body, created_at) "
    "VALUES (?,?,?,?,?,?)";
constexpr const char* kMoveStatus =
    "UPDATE support_requests SET status = ?, updated_at = ? WHERE id = ?";
constexpr const char* kSetStatus =
    "UPDATE support_requests SET status = ?, updated_at = ?, closed_at = ?, closed_by = ? "
    "WHERE id = ?";
constexpr const char* kMessages =
    "SELECT m.id, m.author_id, u.full_name, m.author_side, m.body, m.created_at "
    "FROM support_messages m LEFT JOIN users u ON u.id = m.author_id "
    "WHERE m.request_id = ? ORDER BY m.created_at, m.id";

constexpr const char* kColumns =
    "r.id, r.tenant_id, t.name, r.subject, r.category, r.status, r.created_at, r.updated_at, "
    "r.opened_by, u.full_name, r.closed_at, r.closed_by, "
    "(SELECT count(*) FROM support_messages m WHERE m.request_id = r.id)";
constexpr const char* kFrom =
    "FROM support_requests r JOIN tenants t ON t.id = r.tenant_id "
    "LEFT JOIN users u ON u.id = r.opened_by";
constexpr const char* kWithId = "r.id = ?";
constexpr const char* kOfTenant = "r.tenant_id = ?";
constexpr const char* kWithStatus = "r.status = ?";
constexpr const char* kWithCategory = "r.category = ?";
constexpr const char* kOpenedBy = "r.opened_by = ?";
constexpr const char* kNewestActivity = "r.updated_at DESC, r.id DESC";
constexpr const char* kOldestActivity = "r.updated_at, r.id";

SupportRequest request_of(const Row& r) {
  SupportRequest s;
  s.id = r.str(0);
  s.tenant_id = r.str(1);
  s.tenant_name = r.str(2);
  s.subject = r.str(3);
  s.category = r.str(4);
  s.status = r.str(5);
  s.created_at = r.str(6);
  s.updated_at = r.str(7);
  s.opened_by = r.opt_str(8);
  s.opened_by_name = r.opt_str(9);
  s.closed_at = r.opt_str(10);
  s.closed_by = r.opt_str(11);
  s.message_count = r.i64(12);
  return s;
}

PagedQuery filtered(const SupportFilter& f) {
  PagedQuery q(kFrom);
  if (f.tenant_id) q.where(kOfTenant, *f.tenant_id);
  if (f.status) q.where(kWithStatus, *f.status);
  if (f.category) q.where(kWithCategory, *f.category);
  if (f.opened_by) q.where(kOpenedBy, *f.opened_by);
  return q;
}

std::optional<SupportRequest> first_of(Conn& c, const PagedQuery& q) {
  auto rows = q.rows(c, kColumns, kNewestActivity, {1, 0});
  if (rows.empty()) return std::nullopt;
  return request_of(rows[0]);
}

}  // namespace

SupportRequest open_support_request(Conn& c, const TenantScope& s, const NewSupportRequest& n,
                                    int64_t now_ms) {
  std::string id = new_uuid(), now = format_rfc3339(now_ms);
  c.exec(kInsertRequest, {id, s.tenant_id(), opt(n.opened_by), n.subject, n.category, now, now});
  c.exec(kInsertMessage, {new_uuid(), id, opt(n.opened_by), n.side, n.description, now});
  return *find_support_request(c, s, id, std::nullopt);
}

std::optional<SupportRequest> find_support_request(Conn& c, const TenantScope& s,
                                                   const std::string& id,
                                                   const std::optional<std::string>& opened_by) {
  SupportFilter f;
  f.tenant_id = s.tenant_id();
  f.opened_by = opened_by;
  auto q = filtered(f);
  q.where(kWithId, id);
  return first_of(c, q);
}

PageOf<SupportRequest> list_support_requests(Conn& c, const TenantScope& s, const SupportFilter& f,
                                             PageRequest page) {
  SupportFilter own = f;
  own.tenant_id = s.tenant_id();
  return fetch_page<SupportRequest>(c, filtered(own), kColumns, kNewestActivity, page, request_of);
}

std::optional<SupportRequest> get_support_request(Conn& c, const std::string& id) {
  PagedQuery q(kFrom);
  q.where(kWithId, id);
  return first_of(c, q);
}

PageOf<SupportRequest> support_queue(Conn& c, const SupportFilter& f, PageRequest page) {
  return fetch_page<SupportRequest>(c, filtered(f), kColumns, kOldestActivity, page, request_of);
}

std::vector<SupportMessage> support_messages(Conn& c, const std::string& request_id) {
  std::vector<SupportMessage> out;
  for (auto& r : c.query(kMessages, {request_id}))
    out.push_back({r.str(0), r.opt_str(1), r.opt_str(2), r.str(3), r.str(4), r.str(5)});
  return out;
}

std::string add_support_message(Conn& c, const SupportRequest& r,
                                const std::optional<std::string>& author, const std::string& side,
                                const std::string& body, const std::string& new_status,
                                int64_t now_ms) {
  std::string id = new_uuid(), now = format_rfc3339(now_ms);
  c.exec(kInsertMessage, {id, r.id, opt(author), side, body, now});
  c.exec(kMoveStatus, {new_status, now, r.id});
  return id;
}

void set_support_status(Conn& c, const SupportRequest& r, const std::string& status,
                        const std::optional<std::string>& by, int64_t now_ms) {
  std::string now = format_rfc3339(now_ms);
  bool closed = status == "closed";
  c.exec(kSetStatus, {status, now, closed ? Value(now) : Value(nullptr),
                      closed ? opt(by) : Value(nullptr), r.id});
}

}  // namespace painel::store
