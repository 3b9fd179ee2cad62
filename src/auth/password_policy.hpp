#pragma once
// The rules a new password must meet, wherever one is set (invite link, reset link, change
// of one's own password, `painel users create`): 10–128 characters (Unicode code points),
// not the account's e-mail or its local part, not one of the ~10 000 most common passwords
// shipped in the binary (common_passwords.inc). Compared case-insensitively (ASCII).
#include <optional>
#include <string>
#include <string_view>

namespace painel::auth {

inline constexpr std::size_t kPasswordMinChars = 10;
inline constexpr std::size_t kPasswordMaxChars = 128;

// Why `password` may not be used by the account `email`, as one English sentence for a
// 422 detail, or nullopt when it is acceptable. Invalid UTF-8 is refused too.
std::optional<std::string> password_policy_violation(std::string_view password,
                                                     std::string_view email);
// True when `password` (any case) is in the shipped list.
bool is_common_password(std::string_view password);

}  // namespace painel::auth
