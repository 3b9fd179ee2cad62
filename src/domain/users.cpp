#include "domain/users.hpp"

#include <algorithm>

#include "core/utf8.hpp"

namespace painel::domain {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Printable ASCII that RFC 5322 allows unquoted in a local part (no quoting supported).
bool local_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

bool domain_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  return std::all_of(l.begin(), l.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  std::string e(trim(raw));
  if (e.empty() || e.size() > kEmailMax) return std::nullopt;
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = e.find('@');
  if (at == std::string::npos || e.find('@', at + 1) != std::string::npos) return std::nullopt;
  std::string_view local(e.data(), at), dom(e.data() + at + 1, e.size() - at - 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos ||
      !std::all_of(local.begin(), local.end(), local_char))
    return std::nullopt;
  if (dom.find('.') == std::string_view::npos) return std::nullopt;
  size_t i = 0;
  while (i <= dom.size()) {
    size_t j = dom.find('.', i);
    if (j == std::string_view::npos) j = dom.size();
    if (!domain_label(dom.substr(i, j - i))) return std::nullopt;
    i = j + 1;
  }
  return e;
}

std::optional<std::string> normalize_user_name(std::string_view raw) {
  auto n = trim(raw);
  if (n.empty() || !valid_utf8(n)) return std::nullopt;
  size_t chars = 0;
  for (unsigned char c : n) {
    if (c < 0x20 || c == 0x7f) return std::nullopt;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars > kUserNameMax) return std::nullopt;
  return std::string(n);
}

bool is_tenant_group(Group g) { return (g & kTenantGroups) != 0; }

bool same_group_kind(Group a, Group b) { return is_tenant_group(a) == is_tenant_group(b); }

bool may_assign_group(Group actor, Group target) {
  if (actor == kInternalAdmin) return true;
  if (actor == kTenantAdmin) return is_tenant_group(target);
  return false;
}

bool user_limit_reached(int64_t active_now, int64_t max_users) { return active_now >= max_users; }

const char* original_tenant_role(std::string_view group) {
  return group == "TENANT_ADMIN" ? "admin" : "user";
}

}  // namespace painel::domain
