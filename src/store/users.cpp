#include "store/users.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

namespace painel::store {
namespace {
constexpr const char* kColumns =
    "u.id, u.email, u.full_name, u.password_hash, u.cognito_sub, tu.tenant_id, "
    "u.last_login_at, u.groups, u.disabled, u.created_at, t.name";
constexpr const char* kFrom =
    "FROM users u LEFT JOIN tenant_users tu ON tu.user_id = u.id "
    "LEFT JOIN tenants t ON t.id = tu.tenant_id";
constexpr const char* kWhereGroup = "(',' || u.groups || ',') LIKE ?";
constexpr const char* kWhereTenant = "tu.tenant_id = ?";
constexpr const char* kWhereDisabled = "u.disabled = ?";
constexpr const char* kOrder = "u.email, u.id";
constexpr const char* kSetName = "UPDATE users SET full_name = ?, full_name_sort = ? WHERE id = ?";
constexpr const char* kSetGroups = "UPDATE users SET groups = ? WHERE id = ?";
constexpr const char* kSetRole = "UPDATE tenant_users SET role = ? WHERE user_id = ?";
constexpr const char* kSetDisabled = "UPDATE users SET disabled = ? WHERE id = ?";
constexpr const char* kSetPassword = "UPDATE users SET password_hash = ? WHERE id = ?";
constexpr const char* kLockUser = "SELECT disabled, password_hash FROM users WHERE id = ?";
constexpr const char* kLockUserPg =
    "SELECT disabled, password_hash FROM users WHERE id = ? FOR UPDATE";
constexpr const char* kActiveUsers =
    "SELECT count(*) FROM tenant_users tu JOIN users u ON u.id = tu.user_id "
    "WHERE tu.tenant_id = ? AND u.disabled = 0";

std::vector<std::string> split_groups(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

UserRow user_of(const Row& x) {
  return UserRow{x.str(0),      x.str(1),     x.str(2),     x.opt_str(3),
                 x.opt_str(4),  x.opt_str(5), x.opt_str(6), split_groups(x.str(7)),
                 x.i64(8) != 0, x.str(9),     x.opt_str(10)};
}

std::optional<UserRow> one(Conn& c, const char* where, const std::string& v) {
  PagedQuery q(kFrom);
  q.where(where, v);
  auto r = q.rows(c, kColumns, kOrder, {1, 0});
  if (r.empty()) return std::nullopt;
  return user_of(r[0]);
}
}  // namespace

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

std::string create_user(Conn& c, const NewUser& u, int64_t now_ms) {
  std::string id = new_uuid();
  std::string groups;
  for (auto& g : u.groups) groups += (groups.empty() ? "" : ",") + g;
  std::string now = format_rfc3339(now_ms);
  c.exec(
      "INSERT INTO users(id, email, full_name, full_name_sort, password_hash, cognito_sub, groups, "
      "created_at) VALUES (?,?,?,?,?,?,?,?)",
      {id, lower_ascii(u.email), u.full_name, name_sort_key(u.full_name), opt(u.password_hash),
       opt(u.cognito_sub), groups, now});
  if (u.tenant_id) {
    std::string role = "TENANT_USER";
    for (auto& g : u.groups)
      if (g == "TENANT_ADMIN") role = g;
    c.exec("INSERT INTO tenant_users(tenant_id, user_id, role, created_at) VALUES (?,?,?,?)",
           {*u.tenant_id, id, role, now});
  }
  return id;
}

std::optional<UserRow> find_user_by_email(Conn& c, const std::string& email) {
  return one(c, "u.email = ?", lower_ascii(email));
}
std::optional<UserRow> find_user_by_id(Conn& c, const std::string& id) {
  return one(c, "u.id = ?", id);
}
std::optional<UserRow> find_user_by_sub(Conn& c, const std::string& sub) {
  return one(c, "u.cognito_sub = ?", sub);
}
void touch_user_login(Conn& c, const std::string& id, int64_t now_ms) {
  c.exec("UPDATE users SET last_login_at = ? WHERE id = ?", {format_rfc3339(now_ms), id});
}
std::optional<LockedUser> lock_user_row(Conn& c, const std::string& id) {
  auto r = c.dialect() == Dialect::Postgres ? c.query(kLockUserPg, {id}) : c.query(kLockUser, {id});
  if (r.empty()) return std::nullopt;
  return LockedUser{r[0].i64(0) != 0, r[0].opt_str(1)};
}
void set_user_password_hash(Conn& c, const std::string& id, const std::string& hash) {
  c.exec("UPDATE users SET password_hash = ? WHERE id = ?", {hash, id});
}

PageOf<UserRow> list_users(Conn& c, const UserQuery& q) {
  PagedQuery pq(kFrom);
  if (q.group) pq.where(kWhereGroup, "%," + *q.group + ",%");
  if (q.tenant_id) pq.where(kWhereTenant, *q.tenant_id);
  if (q.disabled) pq.where(kWhereDisabled, int64_t{*q.disabled ? 1 : 0});
  if (!q.search) return fetch_page<UserRow>(c, pq, kColumns, kOrder, q.page, user_of);
  // Every match of the other filters, then the search and the page in C++ (the folding
  // of accents is not SQL's; staff lists hold hundreds of users, not millions).
  std::string needle = fold_for_search(*q.search);
  PageOf<UserRow> out;
  int64_t seen = 0;
  for (auto& r : pq.rows(c, kColumns, kOrder, {INT64_MAX / 2, 0})) {
    if (fold_for_search(r.text(1)).find(needle) == std::string::npos &&
        fold_for_search(r.text(2)).find(needle) == std::string::npos)
      continue;
    if (seen >= q.page.offset && seen < q.page.offset + q.page.limit)
      out.items.push_back(user_of(r));
    ++seen;
  }
  out.total = seen;
  return out;
}

void set_user_name(Conn& c, const std::string& id, const std::string& full_name) {
  c.exec(kSetName, {full_name, name_sort_key(full_name), id});
}

void set_user_group(Conn& c, const std::string& id, const std::string& group) {
  c.exec(kSetGroups, {group, id});
  if (group == "TENANT_ADMIN" || group == "TENANT_USER") c.exec(kSetRole, {group, id});
}

void set_user_disabled(Conn& c, const std::string& id, bool disabled) {
  c.exec(kSetDisabled, {int64_t{disabled ? 1 : 0}, id});
}

void set_user_password(Conn& c, const std::string& id, const std::string& password_hash) {
  c.exec(kSetPassword, {password_hash, id});
}

int64_t count_active_users(Conn& c, const std::string& tenant_id) {
  return c.query(kActiveUsers, {tenant_id})[0].i64(0);
}

}  // namespace painel::store
