#include "auth/password_policy.hpp"

#include <string>
#include <unordered_set>

#include "core/utf8.hpp"

namespace painel::auth {
namespace {

constexpr std::string_view kCommonList =
#include "auth/common_passwords.inc"
    ;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

// Built once, on first use: views into the literal above, so no copy of the list.
const std::unordered_set<std::string_view>& common_set() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s;
    s.reserve(12000);
    std::size_t pos = 0;
    while (pos < kCommonList.size()) {
      std::size_t end = kCommonList.find('\n', pos);
      if (end == std::string_view::npos) end = kCommonList.size();
      if (end > pos) s.insert(kCommonList.substr(pos, end - pos));
      pos = end + 1;
    }
    return s;
  }();
  return set;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

bool is_common_password(std::string_view password) {
  return common_set().count(lower(password)) > 0;
}

std::optional<std::string> password_policy_violation(std::string_view password,
                                                     std::string_view email) {
  if (!valid_utf8(password) || password.find('\0') != std::string_view::npos)
    return "the password is not valid UTF-8 text";
  std::size_t n = code_points(password);
  if (n < kPasswordMinChars)
    return "the password must have at least " + std::to_string(kPasswordMinChars) + " characters";
  if (n > kPasswordMaxChars)
    return "the password must have at most " + std::to_string(kPasswordMaxChars) + " characters";
  std::string pw = lower(password);
  std::string mail = lower(email);
  std::string local = mail.substr(0, mail.find('@'));
  if (!mail.empty() && (pw == mail || pw == local))
    return "the password must not be the e-mail address";
  if (is_common_password(pw)) return "the password is too common; choose another";
  return std::nullopt;
}

}  // namespace painel::auth
