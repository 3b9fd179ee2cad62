#include "store/users.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {
namespace {
constexpr const char* kSelect =
    "SELECT u.id, u.email, u.full_name, u.password_hash, u.cognito_sub, tu.tenant_id, "
    "u.last_login_at, u.groups, u.disabled FROM users u LEFT JOIN tenant_users tu ON tu.user_id "
    "= u.id ";

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

std::optional<UserRow> one(Conn& c, const std::string& where, const std::string& v) {
  auto r = c.query(std::string(kSelect) + where, {v});
  if (r.empty()) return std::nullopt;
  auto& x = r[0];
  return UserRow{x.str(0),     x.str(1),     x.str(2),     x.opt_str(3),
                 x.opt_str(4), x.opt_str(5), x.opt_str(6), split_groups(x.str(7)),
                 x.i64(8) != 0};
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
      "INSERT INTO users(id, email, full_name, password_hash, cognito_sub, groups, created_at) "
      "VALUES (?,?,?,?,?,?,?)",
      {id, lower_ascii(u.email), u.full_name, opt(u.password_hash), opt(u.cognito_sub), groups,
       now});
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
  return one(c, "WHERE u.email = ?", lower_ascii(email));
}
std::optional<UserRow> find_user_by_id(Conn& c, const std::string& id) {
  return one(c, "WHERE u.id = ?", id);
}
std::optional<UserRow> find_user_by_sub(Conn& c, const std::string& sub) {
  return one(c, "WHERE u.cognito_sub = ?", sub);
}
void touch_user_login(Conn& c, const std::string& id, int64_t now_ms) {
  c.exec("UPDATE users SET last_login_at = ? WHERE id = ?", {format_rfc3339(now_ms), id});
}
void set_user_password_hash(Conn& c, const std::string& id, const std::string& hash) {
  c.exec("UPDATE users SET password_hash = ? WHERE id = ?", {hash, id});
}

}  // namespace painel::store
