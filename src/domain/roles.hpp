#pragma once
// The four Cognito groups a user acts in, as a bitmask (route policies and command types
// name the groups they allow), and the precedence rule that picks the one a user acts with.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace painel::domain {

enum Group : unsigned {
  kInternalAdmin = 1,
  kInternalSupport = 2,
  kTenantAdmin = 4,
  kTenantUser = 8,
};
inline constexpr unsigned kInternal = kInternalAdmin | kInternalSupport;
inline constexpr unsigned kTenantGroups = kTenantAdmin | kTenantUser;
inline constexpr unsigned kAllGroups = kInternal | kTenantGroups;

std::optional<Group> group_from_name(std::string_view name);
const char* group_name(Group g);
int group_precedence(Group g);  // 1, 2, 10, 20
// The group a user acts with: lowest precedence number among known groups.
std::optional<Group> effective_group(const std::vector<std::string>& groups);

}  // namespace painel::domain
